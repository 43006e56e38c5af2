// Journal: conveniences of the quick form (it works without them).
// - "Ajouter un participant" adds a field;
// - participant suggestions come from /journal/personnes when the page could not list everyone;
// - choosing "Moment informel" or "Permanence" ticks "Informel" until the user picks themselves.
(function () {
  "use strict";
  var form = document.getElementById("formulaire-echange");
  if (!form) { return; }
  var fieldset = document.getElementById("participants");
  var datalist = document.getElementById("personnes");
  var addButton = document.getElementById("ajouter-participant");

  function rows() { return fieldset.querySelectorAll("p.participant"); }

  addButton.hidden = false;
  addButton.addEventListener("click", function () {
    var all = rows();
    var last = all[all.length - 1];
    var copy = last.cloneNode(true);
    var number = all.length + 1;
    var input = copy.querySelector("input");
    var label = copy.querySelector("label");
    var error = copy.querySelector(".field-error");
    if (error) { error.parentNode.removeChild(error); }
    input.id = "participant-" + number;
    input.value = "";
    input.removeAttribute("aria-invalid");
    input.setAttribute("aria-describedby", "aide-participants");
    label.htmlFor = input.id;
    label.textContent = "Participant " + number;
    last.parentNode.insertBefore(copy, last.nextSibling);
    input.focus();
  });

  if (datalist && datalist.getAttribute("data-distant") === "1") {
    var timer = null;
    var lastQuery = "";
    fieldset.addEventListener("input", function (event) {
      var input = event.target;
      if (!input.matches || !input.matches("p.participant input")) { return; }
      var query = input.value.trim();
      if (query.length < 2 || query === lastQuery || query.indexOf("(n°") !== -1) { return; }
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        lastQuery = query;
        fetch("/journal/personnes?q=" + encodeURIComponent(query), {credentials: "same-origin"})
          .then(function (response) { return response.ok ? response.json() : {items: []}; })
          .then(function (data) {
            datalist.textContent = "";
            data.items.forEach(function (value) {
              var option = document.createElement("option");
              option.value = value;
              datalist.appendChild(option);
            });
          })
          .catch(function () { /* suggestions are a convenience */ });
      }, 200);
    });
  }

  var kind = document.getElementById("type");
  var touched = false;
  form.querySelectorAll("input[name=caractere]").forEach(function (radio) {
    radio.addEventListener("change", function () { touched = true; });
  });
  kind.addEventListener("change", function () {
    if (touched) { return; }
    var informal = kind.value === "informal" || kind.value === "office_hours";
    form.querySelector("input[name=caractere][value=" + (informal ? "informel" : "formel") + "]").checked = true;
  });
})();
