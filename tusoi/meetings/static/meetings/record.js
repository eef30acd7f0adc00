/* The live record form, on a phone: every list shows one blank row and an "add" button
   revealing the next (the page without JS simply shows all its blank rows); an absence reason
   field is offered when "absent" is chosen. Nothing is sent by script: the form posts as is. */
(function () {
  "use strict";
  var form = document.getElementById("record-form");
  if (!form) { return; }
  document.documentElement.classList.add("js-record");
  var label = form.getAttribute("data-add-label") || "+";

  form.querySelectorAll("[data-rows]").forEach(function (list) {
    var blanks = Array.prototype.slice.call(list.querySelectorAll("[data-row].blank"));
    if (blanks.length < 2) { return; }
    blanks.slice(1).forEach(function (row) { row.classList.add("waiting"); });
    var button = document.createElement("button");
    button.type = "button";
    button.className = "secondary add-row";
    button.textContent = label;
    button.addEventListener("click", function () {
      var next = list.querySelector("[data-row].waiting");
      if (next) {
        next.classList.remove("waiting");
        var field = next.querySelector("input[type=text], textarea");
        if (field) { field.focus(); }
      }
      if (!list.querySelector("[data-row].waiting")) { button.hidden = true; }
    });
    list.parentNode.insertBefore(button, list.nextSibling);
  });

  form.querySelectorAll(".attendance-row").forEach(function (row) {
    row.addEventListener("change", function () {
      var absent = row.querySelector("input[value=absent]");
      row.classList.toggle("is-absent", !!(absent && absent.checked));
    });
  });
})();
