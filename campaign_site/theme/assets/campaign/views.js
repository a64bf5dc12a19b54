/* Groundswell's view beacon: counts that a petition page was shown, and nothing about who.
 * Once per page shown (pages reached by instant navigation included) it posts the
 * page's path, its variant (<meta name="gs:variant">, on a variant's page only) and
 * the link's utm_source, utm_medium and utm_content to the petition API's
 * POST /api/views, which keeps a count per petition, hour, variant and tags. No
 * cookie is sent or set, no identifier is made, nothing is kept in the browser.
 * A page the browser prerenders counts only once someone looks at it.
 *
 * navigator.sendBeacon cannot leave cookies out (the Beacon spec sends credentials
 * always), and a site served from its API's origin would then send a staff member's
 * console cookie with every view: so fetch with keepalive, what sendBeacon is made
 * of, which outlives the page the same way, with credentials: "omit". */
(function () {
  "use strict";

  var TAGS = ["utm_source", "utm_medium", "utm_content"];
  var LENGTH = 100; // what the API keeps of each (VIEW_KEY_LENGTH)
  var counted = null; // the address last counted: one view per page shown

  function variant() {
    var meta = document.querySelector('meta[name="gs:variant"]');
    return meta ? (meta.getAttribute("content") || "").slice(0, LENGTH) : "";
  }

  function send(api) {
    var body = new URLSearchParams();
    body.set("page", window.location.pathname);
    body.set("variant", variant());
    var query = new URLSearchParams(window.location.search);
    TAGS.forEach(function (name) {
      if (query.get(name)) body.set(name, query.get(name).slice(0, LENGTH));
    });
    // A form post (CORS-safelisted): no preflight when the API is on another origin.
    fetch(api + "/api/views", {
      method: "POST",
      body: body,
      credentials: "omit",
      keepalive: true,
      cache: "no-store",
    }).catch(function () {}); // a view not counted is only that
  }

  function start() {
    var marker = document.querySelector("[data-gs-views]");
    var here = window.location.pathname + window.location.search;
    if (!marker || !window.fetch) {
      counted = null; // left the petition: coming back is another view
      return;
    }
    if (here === counted) return;
    counted = here;
    var api = marker.getAttribute("data-gs-views");
    if (document.prerendering) {
      document.addEventListener("prerenderingchange", function () { send(api); }, { once: true });
    } else {
      send(api);
    }
  }

  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(start);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
