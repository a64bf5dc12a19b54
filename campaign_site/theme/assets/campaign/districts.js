/* Groundswell: which congressional district, when a ZIP code spans several.
 * One implementation for the petition form (petition.js) and the story form
 * (story.js): each has a hidden `district` field and the fieldset of
 * partials/district-choice.html, which this fills with a radio button per
 * district (and its member) from GET /api/districts/<zip>. Without this script
 * the API resolves the district itself, and asks on its own page when it must.
 * No framework and no build step. */
(function () {
  "use strict";

  var CHOICE = "gs-district-choice"; // the radios' name: the hidden field carries the answer

  /* Ask the API again whenever the ZIP code changes. */
  function watch(form, base) {
    form.elements.zip.addEventListener("change", function () {
      lookUp(form, base);
    });
  }

  /* No district chosen, no question shown. */
  function clear(form) {
    form.elements.district.value = "";
    form.querySelector("[data-gs-districts]").hidden = true;
  }

  function lookUp(form, base) {
    var zip = form.elements.zip.value.trim().slice(0, 5);
    var fieldset = form.querySelector("[data-gs-districts]");
    clear(form);
    if (!/^\d{5}$/.test(zip)) return;
    fetch(base + "districts/" + zip, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (data) {
        var districts = data.districts || [];
        if (districts.length === 1) {
          form.elements.district.value = districts[0].district;
        } else if (districts.length > 1) {
          ask(form, fieldset, districts);
        }
      }, function () {
        /* Unknown ZIP or no service: the API checks the ZIP when the form is sent. */
      });
  }

  function ask(form, fieldset, districts) {
    var choices = fieldset.querySelector("[data-gs-district-choices]");
    choices.textContent = "";
    districts.forEach(function (item) {
      var label = document.createElement("label");
      var radio = document.createElement("input");
      radio.type = "radio";
      radio.name = CHOICE;
      radio.value = item.district;
      radio.addEventListener("change", function () {
        form.elements.district.value = radio.value;
      });
      label.className = "gs-choice";
      label.append(radio, " " + item.district + (item.representative ? ": " + item.representative : ""));
      choices.append(label);
    });
    fieldset.hidden = false;
  }

  window.gsDistricts = { watch: watch, lookUp: lookUp, clear: clear };
})();
