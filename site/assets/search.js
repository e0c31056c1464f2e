// The search page: Pagefind's default UI (pagefind/pagefind-ui.js, written by the build), started
// with the query of the site header's search box (?q=…) when there is one.
(function () {
  if (typeof PagefindUI === "undefined") return;
  // The corpus texts have their own bundle (rebuilt only when the corpus changes): search both.
  var corpus = document.getElementById("search").getAttribute("data-corpus-bundle");
  // Its result URLs are site-root paths: tell Pagefind the root (it would assume the bundle's parent).
  var root = corpus ? new URL(corpus + "../../", window.location.href).pathname : "/";
  var ui = new PagefindUI({ element: "#search", showSubResults: true, showImages: false, resetStyles: false,
                            mergeIndex: corpus ? [{ bundlePath: corpus, baseUrl: root, indexWeight: 0.4 }] : [] });
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
