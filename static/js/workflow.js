// Progressive enhancement of the request form; everything works without it.
(function () {
  "use strict";
  var form = document.getElementById("request-form");
  if (!form) { return; }
  var discipline = form.querySelector("select[name=target_discipline]");
  var due = form.querySelector("input[name=due_date]");
  var table = document.getElementById("budget-table");

  // Mark the budget cell of the chosen discipline and due month.
  function markBudget() {
    if (!table) { return; }
    var id = discipline ? discipline.value : "";
    var month = due && due.value ? due.value.slice(0, 7) : "";
    table.querySelectorAll("tr[data-discipline]").forEach(function (row) {
      row.classList.toggle("wf-chosen", row.dataset.discipline === id);
    });
    table.querySelectorAll("[data-month]").forEach(function (cell) {
      cell.classList.toggle("wf-chosen-month", cell.dataset.month === month);
    });
  }

  if (discipline) {
    discipline.addEventListener("change", markBudget);
  }
  if (due) { due.addEventListener("change", markBudget); }
  markBudget();
})();
