// Progressive enhancement of the request form; everything works without it.
(function () {
  "use strict";
  var form = document.getElementById("request-form");
  if (!form) { return; }
  var discipline = form.querySelector("select[name=target_discipline]");
  var expert = form.querySelector("select[name=preferred_expert]");
  var due = form.querySelector("input[name=due_date]");
  var table = document.getElementById("budget-table");

  function chosenLabel() {
    var option = discipline && discipline.options[discipline.selectedIndex];
    return option && option.value ? option.text : "";
  }

  // Offer only the experts of the chosen discipline (without JavaScript: all, grouped).
  function filterExperts() {
    if (!expert) { return; }
    var label = chosenLabel();
    expert.querySelectorAll("optgroup").forEach(function (group) {
      var keep = !label || group.label === label;
      group.hidden = !keep;
      group.disabled = !keep;
      if (!keep && group.contains(expert.options[expert.selectedIndex])) { expert.value = ""; }
    });
  }

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
    discipline.addEventListener("change", function () { filterExperts(); markBudget(); });
  }
  if (due) { due.addEventListener("change", markBudget); }
  filterExperts();
  markBudget();
})();
