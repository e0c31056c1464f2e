// The search page: Pagefind's default UI (pagefind/pagefind-ui.js, written by the build), started
// with the query of the site header's search box (?q=…) when there is one.
(function () {
  if (typeof PagefindUI === "undefined") return;
  // Each corpus has bundles of its own (its evidence pages, its texts in shards), rebuilt only
  // when the corpus changes: search them all, the site's own pages first.
  var corpus = (document.getElementById("search").getAttribute("data-corpus-bundles") || "").split(" ").filter(Boolean);
  // Their result URLs are site-root paths: tell Pagefind the root (it would assume each bundle's parent).
  var root = new URL("../", window.location.href).pathname;
  var ui = new PagefindUI({ element: "#search", showSubResults: true, showImages: false, resetStyles: false,
                            mergeIndex: corpus.map(function (bundle) { return { bundlePath: bundle, baseUrl: root, indexWeight: 0.4 }; }) });
  // Pagefind's input is labelled only by its placeholder: give it an accessible name.
  var input = document.querySelector("#search input");
  if (input && !input.getAttribute("aria-label")) input.setAttribute("aria-label", "Search the site");
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) {
    ui.triggerSearch(query);
    var header = document.getElementById("site-search-q");
    if (header) header.value = query;
  }
})();
