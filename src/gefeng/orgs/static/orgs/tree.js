// Organisation tree: a toggle opens or closes its list; HTMX loads the children on the first click.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-gf-toggle]");
    if (!button) return;
    var list = document.getElementById(button.getAttribute("aria-controls"));
    if (!list) return;
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    list.hidden = !open;
    var icon = button.querySelector("i");
    if (icon) icon.className = "bi bi-caret-" + (open ? "down" : "right") + "-fill";
  });
})();
