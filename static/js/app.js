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
  // Forms marked data-confirm ask before a destructive action.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
})();
