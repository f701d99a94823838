// Suggestions for a person field, as progressive enhancement. Without JavaScript the
// field takes a username or e-mail and the server checks it; with it, typing offers the
// matching people from the app's search endpoint (data-search-url) in a <datalist>.
// data-search-with names another field of the form whose value narrows the search
// (the discipline of the request form, say).
(function () {
  "use strict";
  var DELAY = 200;

  function enhance(input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.insertAdjacentElement("afterend", list);
    input.setAttribute("list", list.id);
    var timer = null;
    var shown = null;
    var latest = 0;

    function query() {
      var params = new URLSearchParams({ q: input.value.trim() });
      var other = input.dataset.searchWith && input.form.elements[input.dataset.searchWith];
      if (other && other.value) { params.set(input.dataset.searchWith, other.value); }
      return params.toString();
    }

    function show(results) {
      list.replaceChildren();
      results.forEach(function (person) {
        var option = document.createElement("option");
        option.value = person.value;
        option.label = person.label;
        option.textContent = person.label;
        list.appendChild(option);
      });
    }

    function update() {
      var wanted = query();
      if (wanted === shown) { return; }
      var ticket = ++latest;
      fetch(input.dataset.searchUrl + "?" + wanted, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) {
          // An older answer arriving late must not replace a newer one.
          if (ticket !== latest) { return; }
          shown = wanted;
          show(data.results || []);
        })
        .catch(function () { /* no suggestions; the field still works */ });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(update, DELAY);
    });
    input.addEventListener("focus", update);
  }

  document.querySelectorAll("input[data-search-url]").forEach(enhance);
})();
