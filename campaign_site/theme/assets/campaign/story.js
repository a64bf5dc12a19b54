/* Groundswell story form.
 * The form works without this script: it posts (multipart, for the photo) and
 * the API sends the supporter to the thank-you page. This only adds what a
 * page cannot know when it is built: a form token, the petition named in the
 * address (?petition=<slug>, from the API's confirmed page), where the
 * supporter came from, the district of a story for Congress when the ZIP code
 * spans several (asked as the petition form asks, by districts.js), and a word
 * before a photo too large to send.
 * No framework and no build step; mkdocs-material's document$ runs start on
 * every page, including pages reached by instant navigation. */
(function () {
  "use strict";

  var CARRIED = ["utm_source", "utm_medium", "utm_campaign", "utm_content", "variant"];
  var SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
  var PHOTO_LIMIT = 8 * 1024 * 1024;
  var PHOTO_TYPES = ["image/jpeg", "image/png", "image/webp"];

  function start() {
    var forms = document.querySelectorAll("form[data-gs-story]");
    for (var i = 0; i < forms.length; i++) {
      if (!forms[i].gsReady) {
        forms[i].gsReady = true;
        upgrade(forms[i]);
      }
    }
  }

  function upgrade(form) {
    var query = new URLSearchParams(window.location.search);
    CARRIED.forEach(function (name) {
      if (query.get(name)) form.elements[name].value = query.get(name).slice(0, 200);
    });
    form.elements.page.value = window.location.pathname;
    namePetition(form, query.get("petition"));
    fetchToken(form);
    askTheDistrict(form);
    var photo = form.elements.photo;
    photo.addEventListener("change", function () {
      checkPhoto(photo);
    });
  }

  /* The district matters only to a story for Congress: asked (by districts.js, as the
   * petition form asks) once the Congress box is ticked and the ZIP code spans several. */
  function askTheDistrict(form) {
    var districts = window.gsDistricts;
    var congress = form.elements.consent_congress;
    if (!districts || !congress) return;
    var base = form.getAttribute("data-gs-api") + "/api/";
    var update = function () {
      if (congress.checked) districts.lookUp(form, base);
      else districts.clear(form);
    };
    form.elements.zip.addEventListener("change", update);
    congress.addEventListener("change", update);
  }

  /* Only a petition the site declares (the form lists them), and only where the
   * page itself names none. */
  function namePetition(form, slug) {
    var known = form.getAttribute("data-gs-petitions");
    if (!slug || !known || form.elements.petition.value || !SLUG.test(slug)) return;
    var titles;
    try {
      titles = JSON.parse(known);
    } catch (error) {
      return;
    }
    if (!Object.prototype.hasOwnProperty.call(titles, slug)) return;
    form.elements.petition.value = slug;
    var about = form.parentNode.querySelector("[data-gs-story-about]");
    if (about) {
      about.querySelector("[data-gs-story-about-title]").textContent = titles[slug];
      about.hidden = false;
    }
  }

  function fetchToken(form) {
    var url = form.getAttribute("data-gs-api") + "/api/stories/form-token";
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(
        function (data) {
          if (data && data.form_token) form.elements.form_token.value = data.form_token;
        },
        function () {
          /* No token: the form still posts, and the API treats it like a post without JavaScript. */
        }
      );
  }

  function checkPhoto(input) {
    var file = input.files && input.files[0];
    var problem = "";
    if (file && file.type && PHOTO_TYPES.indexOf(file.type) < 0) {
      problem = "Please choose a JPEG, PNG or WebP photo.";
    } else if (file && file.size > PHOTO_LIMIT) {
      problem = "This photo is larger than 8 MB. Please choose a smaller one, or send your story without it.";
    }
    input.setCustomValidity(problem);
    if (problem) input.reportValidity();
  }

  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(start);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
