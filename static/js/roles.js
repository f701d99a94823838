// Progressive enhancement for the matrix editor: the form works without this file.
// Marks the cells changed since the page loaded and counts them next to the save button.
(function () {
  "use strict";
  var form = document.getElementById("matrix-form");
  if (!form) { return; }
  var selects = form.querySelectorAll("select[data-seen]");
  var counter = form.querySelector(".matrix-changed");

  function refresh() {
    var changed = 0;
    selects.forEach(function (select) {
      var isChanged = select.value !== select.dataset.seen;
      select.closest("td").classList.toggle("matrix-cell-changed", isChanged);
      if (isChanged) { changed += 1; }
    });
    if (counter) {
      counter.textContent = counter.dataset.template.replace("%(count)s", String(changed));
      counter.hidden = changed === 0;
    }
    return changed;
  }

  selects.forEach(function (select) {
    select.addEventListener("change", refresh);
  });

  var submitting = false;
  form.addEventListener("submit", function () { submitting = true; });
  // Leaving with unsaved levels asks first; the browser shows its own wording.
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && refresh() > 0) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  refresh();
})();
