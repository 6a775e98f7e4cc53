/* Behaviour every page may use, bound by data attributes: the Content-Security-Policy allows no
   inline script and no inline event handler (onclick=…), so templates mark elements instead. */
(function () {
  "use strict";

  // <select data-gf-autosubmit>: submit the form when the choice changes.
  document.addEventListener("change", function (e) {
    var el = e.target.closest && e.target.closest("[data-gf-autosubmit]");
    if (el && el.form) el.form.submit();
  });

  // <form data-gf-confirm="…">: ask before submitting.
  document.addEventListener("submit", function (e) {
    var form = e.target.closest && e.target.closest("form[data-gf-confirm]");
    if (form && !window.confirm(form.getAttribute("data-gf-confirm"))) e.preventDefault();
  });

  // <input data-gf-noenter>: Enter does not submit the form (a search box that filters by htmx).
  document.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && e.target.closest && e.target.closest("[data-gf-noenter]")) e.preventDefault();
  });

  // Pickers of a person or a collective (honours): a button with data-pick (its id),
  // data-kind (person / collective) and data-label fills the form's hidden fields.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-pick]");
    if (!b) return;
    e.preventDefault();
    var form = b.closest("form");
    var person = form.querySelector("[name=person]");
    var collective = form.querySelector("[name=collective]") || form.querySelector("[name=org]");
    if (person) person.value = b.dataset.kind === "person" ? b.dataset.pick : "";
    if (collective) collective.value = b.dataset.kind === "collective" ? b.dataset.pick : "";
    var picked = document.getElementById("gf-picked");
    if (picked) picked.textContent = "已选：" + b.dataset.label;
    document.querySelectorAll("[data-pick]").forEach(function (x) { x.classList.remove("active"); });
    b.classList.add("active");
  });
})();
