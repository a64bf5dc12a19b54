// The console's own script (the CSP allows no other). Every page works without it.
//
// Live progress: an element with data-progress-url holds rows marked
// data-mailing="ID", with cells marked data-figure="sent" (and the other figures)
// and a <progress>. Every few seconds the figures are asked for again (JSON:
// {"mailings": [{"id": ..., "sent": ..., ...}]}) and written into those cells;
// polling stops once no mailing has anything left to send.
(function () {
  "use strict";

  function live(box) {
    var url = box.getAttribute("data-progress-url");
    var seconds = Number(box.getAttribute("data-refresh-seconds")) || 5;
    var note = box.querySelector("[data-progress-note]");
    var failures = 0;

    function show(row) {
      var item = box.querySelector('[data-mailing="' + Number(row.id) + '"]');
      if (!item) {
        return false;
      }
      item.querySelectorAll("[data-figure]").forEach(function (cell) {
        var key = cell.getAttribute("data-figure");
        if (key === "percent") {
          cell.textContent = Math.round(row.share * 100) + "%";
        } else if (Object.prototype.hasOwnProperty.call(row, key)) {
          cell.textContent = String(row[key]);
        }
      });
      var bar = item.querySelector("progress");
      if (bar) {
        bar.max = row.recipients || 1;
        bar.value = row.recipients ? row.done : 1;
        bar.textContent = Math.round(row.share * 100) + "%";
      }
      return true;
    }

    function say(text) {
      if (note) {
        note.textContent = text;
      }
    }

    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok || response.headers.get("Content-Type").indexOf("json") < 0) {
            throw new Error("status " + response.status);
          }
          return response.json();
        })
        .then(function (data) {
          failures = 0;
          var rows = data.mailings || [];
          var known = rows.map(show).every(Boolean);
          say("Figures as of " + new Date().toLocaleTimeString());
          if (!known) {
            say("A new mailing was queued: refresh the page to follow it");
            return;
          }
          if (rows.some(function (row) { return row.state === "sending"; })) {
            window.setTimeout(poll, seconds * 1000);
          }
        })
        .catch(function () {
          failures += 1;
          say("The figures could not be fetched; these are older");
          if (failures < 5) {
            window.setTimeout(poll, seconds * 1000 * (failures + 1));
          }
        });
    }

    window.setTimeout(poll, seconds * 1000);
  }

  function start() {
    if (!window.fetch) {
      return;
    }
    document.querySelectorAll("[data-progress-url]").forEach(live);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
