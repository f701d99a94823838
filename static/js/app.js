// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // The language switch submits on change; the button stays for users without JavaScript.
  document.querySelectorAll(".language-switch select").forEach(function (select) {
    var form = select.form;
    var button = form.querySelector("button");
    if (button) { button.hidden = true; }
    select.addEventListener("change", function () { form.submit(); });
  });
  // Boxes that scroll sideways (wide tables and grids) get "is-scrollable" while they do, which
  // shows the hint above them (.scroll-hint); the edge shadows need no script.
  var scrollers = document.querySelectorAll(".scroll-x, .table-scroll, .wf-table-scroll");
  function markScrollable() {
    scrollers.forEach(function (box) {
      box.classList.toggle("is-scrollable", box.scrollWidth > box.clientWidth + 1);
    });
  }
  if (scrollers.length) {
    markScrollable();
    window.addEventListener("resize", markScrollable);
  }
  // Forms marked data-confirm ask before a destructive action.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
})();
