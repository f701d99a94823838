// Progressive enhancement for grid editors (the RACI grid, the competency matrix): the
// forms work without this file. Marks the cells changed since the page loaded, counts
// them next to the save button, and asks before leaving with unsaved cells.
document.querySelectorAll("form[data-grid-editor]").forEach(function (form) {
  "use strict";
  var selects = form.querySelectorAll("select[data-seen]");
  var counter = form.querySelector(".grid-changed");

  function refresh() {
    var changed = 0;
    selects.forEach(function (select) {
      var isChanged = select.value !== select.dataset.seen;
      select.closest("td").classList.toggle("grid-cell-changed", isChanged);
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
  // Leaving with unsaved cells asks first; the browser shows its own wording.
  window.addEventListener("beforeunload", function (event) {
    if (!submitting && refresh() > 0) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  refresh();
});
