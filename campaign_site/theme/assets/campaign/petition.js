/* Groundswell petition form.
 * The form works without this script (it posts and the API redirects to the
 * thank-you page). This upgrades it: a form token, the live counter, the ZIP
 * lookup, inline errors, and a thank-you panel with share links.
 * No framework and no build step; mkdocs-material's document$ runs init on
 * every page, including pages reached by instant navigation. */
(function () {
  "use strict";

  var CARRIED = ["utm_source", "utm_medium", "utm_campaign", "utm_content", "variant"];
  var UNREACHABLE =
    "We can't reach the petition service right now. What you typed is still here: " +
    "please try again in a minute.";

  function init() {
    var forms = document.querySelectorAll("form[data-gs-petition]");
    for (var i = 0; i < forms.length; i++) {
      if (!forms[i].gsReady) {
        forms[i].gsReady = true;
        upgrade(forms[i]);
      }
    }
  }

  function upgrade(form) {
    var slug = form.getAttribute("data-gs-petition");
    var base = form.getAttribute("data-gs-api") + "/api/";
    var panel = form.closest("[data-gs-panel]");
    form.noValidate = true; // the API's messages, shown next to each field, are the truth
    carryAttribution(form);
    fetchToken(form, base, slug);
    showCount(panel, base, slug);
    form.elements.zip.addEventListener("change", function () {
      lookUpDistricts(form, base);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submit(form, panel, base, slug);
    });
  }

  function carryAttribution(form) {
    var query = new URLSearchParams(window.location.search);
    CARRIED.forEach(function (name) {
      if (query.get(name)) form.elements[name].value = query.get(name).slice(0, 200);
    });
    form.elements.page.value = window.location.pathname;
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(
      function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      }
    );
  }

  function fetchToken(form, base, slug) {
    return getJSON(base + "petitions/" + slug + "/form-token").then(
      function (data) {
        form.elements.form_token.value = data.form_token;
      },
      function () {
        say(form, UNREACHABLE);
      }
    );
  }

  function showCount(panel, base, slug) {
    var counter = panel.querySelector("[data-gs-counter]");
    if (!counter) return;
    getJSON(base + "petitions/" + slug).then(function (data) {
      counter.querySelector("[data-gs-count]").textContent = Number(data.count).toLocaleString("en-US");
      var bar = counter.querySelector("[data-gs-bar]");
      bar.max = data.goal;
      bar.value = Math.min(data.count, data.goal);
      counter.hidden = false;
      if (data.status && data.status !== "open") closeForm(panel, data.status);
    }, function () {
      /* The counter stays hidden; the form still says so if it cannot submit. */
    });
  }

  function closeForm(panel, status) {
    var form = panel.querySelector("form");
    if (!form) return;
    var notice = document.createElement("p");
    notice.className = "gs-notice";
    notice.textContent =
      status === "closed" ? "This petition is closed." : "This petition is not open for signatures yet.";
    form.replaceWith(notice);
  }

  function lookUpDistricts(form, base) {
    var zip = form.elements.zip.value.trim().slice(0, 5);
    var fieldset = form.querySelector("[data-gs-districts]");
    form.elements.district.value = "";
    fieldset.hidden = true;
    if (!/^\d{5}$/.test(zip)) return;
    getJSON(base + "districts/" + zip).then(function (data) {
      var districts = data.districts || [];
      if (districts.length === 1) {
        form.elements.district.value = districts[0].district;
      } else if (districts.length > 1) {
        askForDistrict(form, fieldset, districts);
      }
    }, function () {
      /* Unknown ZIP or no service: the API checks the ZIP when the form is sent. */
    });
  }

  function askForDistrict(form, fieldset, districts) {
    var choices = fieldset.querySelector("[data-gs-district-choices]");
    choices.textContent = "";
    districts.forEach(function (item) {
      var label = document.createElement("label");
      var radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "gs-district-choice"; // not "district": the hidden field carries the answer
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

  function payload(form) {
    var body = {};
    new FormData(form).forEach(function (value, name) {
      if (name !== "gs-district-choice") body[name] = value;
    });
    body.email_updates = form.elements.email_updates.checked;
    body.comment_shareable = form.elements.comment_shareable.checked;
    return body;
  }

  function submit(form, panel, base, slug) {
    var button = form.querySelector("[type=submit]");
    clearErrors(form);
    button.disabled = true;
    form.setAttribute("aria-busy", "true");
    var ready = form.elements.form_token.value ? Promise.resolve() : fetchToken(form, base, slug);
    ready
      .then(function () {
        return fetch(form.action, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json" },
          credentials: "same-origin",
          body: JSON.stringify(payload(form)),
        });
      })
      .then(function (response) {
        return response.json().then(
          function (data) {
            return { status: response.status, data: data, response: response };
          },
          function () {
            return { status: response.status, data: {}, response: response };
          }
        );
      })
      .then(function (result) {
        if (result.status === 200 || result.status === 201) return thank(panel, form);
        if (result.status === 422) return showErrors(form, result.data.errors || {});
        say(form, problem(result));
      }, function () {
        say(form, UNREACHABLE);
      })
      .then(function () {
        button.disabled = false;
        form.removeAttribute("aria-busy");
      });
  }

  function problem(result) {
    var error = result.data.error || {};
    if (result.status === 429) {
      var wait = result.response.headers.get("Retry-After");
      return "Too many signatures from your connection just now. Please try again" +
        (wait ? " in " + wait + " seconds." : " in a minute.");
    }
    if (result.status === 410) return "This petition has closed and no longer takes signatures.";
    if (result.status >= 500) return UNREACHABLE;
    return error.message || "Something went wrong. What you typed is still here: please try again.";
  }

  function clearErrors(form) {
    say(form, "");
    var shown = form.querySelectorAll("[data-gs-error-for]");
    for (var i = 0; i < shown.length; i++) {
      shown[i].hidden = true;
      shown[i].textContent = "";
    }
    var invalid = form.querySelectorAll("[aria-invalid]");
    for (var j = 0; j < invalid.length; j++) invalid[j].removeAttribute("aria-invalid");
  }

  function showErrors(form, errors) {
    var first = null;
    var elsewhere = [];
    Object.keys(errors).forEach(function (name) {
      var text = [].concat(errors[name]).join(" ");
      var slot = form.querySelector('[data-gs-error-for="' + name + '"]');
      var field = form.elements[name];
      if (!slot) {
        elsewhere.push(text);
        return;
      }
      slot.textContent = text;
      slot.hidden = false;
      var target = name === "district" ? form.querySelector("[name=gs-district-choice]") : field;
      if (name === "district") form.querySelector("[data-gs-districts]").hidden = false;
      if (target && target.setAttribute) target.setAttribute("aria-invalid", "true");
      if (target && (!first || isBefore(target, first))) first = target;
    });
    var count = Object.keys(errors).length;
    say(form, (count === 1 ? "One field needs" : count + " fields need") + " your attention. " +
      elsewhere.join(" "));
    if (first) first.focus();
  }

  function isBefore(a, b) {
    return Boolean(a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING);
  }

  function say(form, text) {
    form.querySelector("[data-gs-alert]").textContent = text;
  }

  function thank(panel, form) {
    var template = panel.querySelector("template[data-gs-thanks]");
    var thanks = template.content.firstElementChild.cloneNode(true);
    form.replaceWith(thanks);
    upgradeCopy(thanks);
    thanks.focus();
    showCount(panel, form.getAttribute("data-gs-api") + "/api/", form.getAttribute("data-gs-petition"));
  }

  function upgradeCopy(root) {
    var button = root.querySelector("[data-gs-copy]");
    var input = root.querySelector("[data-gs-share-url]");
    var status = root.querySelector("[data-gs-copied]");
    if (!button || !input) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () {
        status.textContent = "Link copied.";
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () {
          input.select();
          status.textContent = "Press Ctrl+C (or ⌘+C) to copy the selected link.";
        });
      } else {
        input.select();
        status.textContent = "Press Ctrl+C (or ⌘+C) to copy the selected link.";
      }
    });
  }

  function initCopyButtons() {
    var roots = document.querySelectorAll(".gs-thanks");
    for (var i = 0; i < roots.length; i++) {
      if (!roots[i].gsReady) {
        roots[i].gsReady = true;
        upgradeCopy(roots[i]);
      }
    }
  }

  function start() {
    init();
    initCopyButtons();
  }

  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(start);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
