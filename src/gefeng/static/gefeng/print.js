/* The 打印 button of report pages: <button type="button" data-gf-print>. A static file, since the
   Content-Security-Policy allows no inline script or handler. */
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var el = e.target.closest && e.target.closest("[data-gf-print]");
    if (!el) return;
    e.preventDefault();
    window.print();
  });
})();
