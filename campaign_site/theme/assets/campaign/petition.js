/* Groundswell petition form, counters and share links.
 * The form works without this script (it posts and the API redirects to the
 * thank-you page). This upgrades it: a form token, the ZIP lookup, inline
 * errors, and a thank-you panel with share links. It keeps every counter on the
 * page (a petition's, the home page's cards) live while the page is open, fills
 * in the signatures by state, and makes the share boxes' "Copy" buttons work. After
 * signing, the share links carry the signer's referral code (`ref`, from the API's
 * answer or the thank-you page's address); links offered before signing never do.
 * No framework and no build step; mkdocs-material's document$ runs start on
 * every page, including pages reached by instant navigation. */
(function () {
  "use strict";

  // From the page's address to the form. Not `variant`: the page names its own (a
  // variant page's, none on the petition page), so a link's ?variant= never claims a
  // signer read words they were not shown.
  var CARRIED = ["utm_source", "utm_medium", "utm_campaign", "utm_content", "ref"];
  var REFERRAL_CODE = /^[A-Za-z0-9_-]{12}$/; // as the API issues them (signing/referrals.py)
  var UNREACHABLE =
    "We can't reach the petition service right now. What you typed is still here: " +
    "please try again in a minute.";
  // The API refreshes counts every few seconds (COUNT_REFRESH_SECONDS) and says so in
  // Cache-Control; a page left open asks far less often, and less still while the
  // service is failing, so a big day's open tabs never add up to a flood.
  var COUNT_EVERY_SECONDS = 30;
  var COUNT_BACKOFF_MAX_SECONDS = 300;
  var STATES_SHOWN = 10; // the rest behind "Show N more"

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
    // districts.js (listed before this script): the choice a ZIP in several districts asks for.
    if (window.gsDistricts) window.gsDistricts.watch(form, base);
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

  /* A counter keeps itself live: it asks again every COUNT_EVERY_SECONDS, twice as
   * long after each failure (up to COUNT_BACKOFF_MAX_SECONDS), not at all while the
   * tab is hidden, and stops once instant navigation has taken it off the page. */
  function watchCount(tally) {
    var url = tally.getAttribute("data-gs-api") + "/api/petitions/" + tally.getAttribute("data-gs-count-of");
    var shown = { count: -1, tenth: null };
    var wait = COUNT_EVERY_SECONDS;
    var timer = null;
    var asked = 0;

    function ask() {
      timer = null;
      if (!tally.isConnected) return stop();
      if (document.hidden) return; // visibilitychange asks again
      asked = Date.now();
      getJSON(url).then(function (data) {
        wait = COUNT_EVERY_SECONDS;
        showFacts(tally, data, shown);
        later();
      }, function () {
        // The counter keeps its last number (or stays hidden); the form says so if it cannot submit.
        wait = Math.min(wait * 2, COUNT_BACKOFF_MAX_SECONDS);
        later();
      });
    }
    function later() {
      if (tally.isConnected && !document.hidden) timer = setTimeout(ask, wait * 1000);
    }
    function onVisibility() {
      if (!tally.isConnected) return stop();
      clearTimeout(timer);
      timer = null;
      if (document.hidden) return;
      var due = asked + wait * 1000 - Date.now();
      if (due <= 0) ask();
      else timer = setTimeout(ask, due);
    }
    function stop() {
      clearTimeout(timer);
      document.removeEventListener("visibilitychange", onVisibility);
    }
    document.addEventListener("visibilitychange", onVisibility);
    ask();
  }

  function showFacts(tally, data, shown) {
    var goal = Number(data.goal) || Number(tally.getAttribute("data-gs-goal"));
    // Never backwards: a refresh that reads an older copy, or signatures staff took
    // out, must not make the number on screen drop while someone watches.
    var count = Math.max(Number(data.count) || 0, shown.count);
    var panel = tally.closest("[data-gs-panel]");
    if (panel && data.status && data.status !== "open") closeForm(panel, data.status);
    showStates(data.by_state || {});
    if (count === shown.count) return;
    shown.count = count;
    var counter = tally.querySelector("[data-gs-counter]");
    counter.querySelector("[data-gs-count]").textContent = number(count);
    counter.querySelector("[data-gs-count-unit]").textContent = count === 1 ? "signature" : "signatures";
    var bar = counter.querySelector("[data-gs-bar]");
    bar.max = goal;
    bar.value = Math.min(count, goal);
    counter.querySelector("[data-gs-left]").textContent = count < goal
      ? number(goal - count) + " more to reach the goal of " + number(goal) + "."
      : "Goal of " + number(goal) + " reached. Every signature still counts.";
    counter.hidden = false;
    tally.querySelector("[data-gs-goal-line]").hidden = true;
    announce(tally, count, goal, shown);
  }

  function announce(tally, count, goal, shown) {
    var tenth = Math.min(10, Math.floor((count * 10) / goal));
    if (shown.tenth !== null && tenth > shown.tenth) {
      tally.querySelector("[data-gs-count-news]").textContent = tenth === 10
        ? "The goal is reached: " + number(count) + " signatures."
        : number(count) + " signatures now: " + tenth * 10 + "% of the goal.";
    }
    shown.tenth = tenth;
  }

  function number(value) {
    return Number(value).toLocaleString("en-US");
  }

  /* Signatures by state, most first: the first STATES_SHOWN in view, the rest behind a
   * "Show N more" summary. Hidden until some state has a signature. */
  function showStates(byState) {
    var section = document.querySelector("[data-gs-by-state]");
    if (!section) return;
    var names = JSON.parse(section.getAttribute("data-gs-state-names"));
    var rows = Object.keys(byState)
      .filter(function (code) { return byState[code] > 0; })
      .map(function (code) { return { name: names[code] || code, count: byState[code] }; })
      .sort(function (a, b) { return b.count - a.count || a.name.localeCompare(b.name); });
    fillRows(section.querySelector("[data-gs-states-top]"), rows.slice(0, STATES_SHOWN));
    var rest = rows.slice(STATES_SHOWN);
    var more = section.querySelector("[data-gs-states-more]");
    fillRows(section.querySelector("[data-gs-states-rest]"), rest);
    section.querySelector("[data-gs-states-more-label]").textContent =
      "Show " + rest.length + " more " + (rest.length === 1 ? "state" : "states");
    more.hidden = rest.length === 0;
    section.hidden = rows.length === 0;
  }

  function fillRows(body, rows) {
    body.textContent = "";
    rows.forEach(function (row) {
      var tr = document.createElement("tr");
      var state = document.createElement("th");
      state.scope = "row";
      state.textContent = row.name;
      var count = document.createElement("td");
      count.textContent = number(row.count);
      tr.append(state, count);
      body.append(tr);
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
    var share = panel.querySelector("[data-gs-share-before]");
    if (share && status === "closed") share.remove(); // its words ask friends to sign
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
        if (result.status === 200 || result.status === 201) return thank(panel, form, result.data.ref);
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

  function thank(panel, form, code) {
    var template = panel.querySelector("template[data-gs-thanks]");
    var thanks = template.content.firstElementChild.cloneNode(true);
    withCode(thanks, code);
    var before = panel.querySelector("[data-gs-share-before]");
    if (before) before.remove(); // the panel has the same links, worded for a signer
    form.replaceWith(thanks);
    initCopyButtons();
    thanks.focus();
  }

  /* The signer's code goes into every share link under `root`, right after
   * utm_medium=share, as the API's own links carry it (petitions/sharing.py): plain in
   * the link to copy, encoded once inside a Facebook, WhatsApp, X or email link. */
  function withCode(root, code) {
    if (!REFERRAL_CODE.test(code || "")) return;
    var tagged = function (url) {
      if (/(^|[?&]|%26|%3F)ref(=|%3D)/.test(url)) return url;
      return url.replace(/utm_medium(=|%3D)share(?![\w-])/g, function (found, equals) {
        return found + (equals === "=" ? "&ref=" : "%26ref%3D") + code;
      });
    };
    var links = root.querySelectorAll("a[href]");
    for (var i = 0; i < links.length; i++) links[i].setAttribute("href", tagged(links[i].getAttribute("href")));
    var copies = root.querySelectorAll("[data-gs-share-url], [data-gs-share-text]");
    for (var j = 0; j < copies.length; j++) copies[j].value = tagged(copies[j].value);
  }

  /* The thank-you page a form post without JavaScript lands on: the API's redirect
   * carries the code. (Without JavaScript the page's links stay without one.) */
  function tagThanksPage() {
    var signed = document.querySelector("[data-gs-signed]");
    if (signed && !signed.gsTagged) {
      signed.gsTagged = true;
      withCode(signed, new URLSearchParams(window.location.search).get("ref"));
    }
  }

  // Each copy field in a share box (the suggested post, the link) and its button.
  function upgradeCopy(group) {
    var button = group.querySelector("[data-gs-copy]");
    var source = group.querySelector("[data-gs-copy-source]");
    var status = group.querySelector("[data-gs-copied]");
    if (!button || !source) return;
    button.hidden = false;
    var fallback = function () {
      source.select();
      status.textContent = "Press Ctrl+C (or ⌘+C) to copy what is selected.";
    };
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(function () {
          status.textContent = button.getAttribute("data-gs-done");
        }, fallback);
      } else {
        fallback();
      }
    });
  }

  function initCopyButtons() {
    var groups = document.querySelectorAll("[data-gs-share] .gs-copy");
    for (var i = 0; i < groups.length; i++) {
      if (!groups[i].gsReady) {
        groups[i].gsReady = true;
        upgradeCopy(groups[i]);
      }
    }
  }

  function initCounters() {
    var tallies = document.querySelectorAll("[data-gs-count-of]");
    for (var i = 0; i < tallies.length; i++) {
      if (!tallies[i].gsReady) {
        tallies[i].gsReady = true;
        watchCount(tallies[i]);
      }
    }
  }

  function start() {
    tagThanksPage();
    init();
    initCounters();
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
