/* The 404 page (404.html): an address under a petition's variants, <petition page>v/<name>/,
 * that the host does not have (a variant renamed or ended while an ad still links to
 * it) goes on to the petition page, keeping the link's ?utm_ tags, so an ad click
 * never ends on "not found". Any other address stays here, with the petitions listed. */
(function () {
  "use strict";

  var box = document.querySelector("[data-gs-not-found]");
  if (!box) return;
  var petitions = JSON.parse(box.getAttribute("data-gs-petitions"));
  var path = window.location.pathname;
  for (var i = 0; i < petitions.length; i++) {
    // A petition page at petitions/wic/ has its variants under petitions/wic/v/;
    // one at petitions/wic.html (no directory URLs) under petitions/wic/v/ too.
    var folder = petitions[i].page.replace(/\.html$/, "/");
    if (path.indexOf(folder + "v/") === 0 || path === folder + "v") {
      var link = box.querySelector("[data-gs-found-link]");
      link.href = petitions[i].page + window.location.search;
      box.querySelector("[data-gs-found-title]").textContent = petitions[i].title;
      box.querySelector("[data-gs-found]").hidden = false;
      window.location.replace(link.href);
      return;
    }
  }
})();
