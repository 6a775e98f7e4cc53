// 沿用上期内容: copy last period's narrative into the textarea (asks before overwriting).
document.addEventListener("click", function (event) {
  var button = event.target.closest(".gf-carry");
  if (!button) return;
  var target = document.getElementById(button.dataset.target);
  if (!target) return;
  if (target.value.trim() && !window.confirm("用上期内容替换已填写的内容？")) return;
  target.value = button.dataset.text;
  target.focus();
});
