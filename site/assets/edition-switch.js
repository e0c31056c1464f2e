// The link to this page's twin in the other edition: the reader lands where they were (the
// fragment: a quote, a sentence of a text) and, on the search page, with their query (?q=).
(function () {
  document.querySelectorAll("a.edition-switch").forEach(function (link) {
    link.addEventListener("click", function () {
      var url = new URL(link.href);
      url.search = window.location.search;
      var typed = document.querySelector("#search input");  // the search page: the query as it is now
      if (typed && typed.value) url.search = "?q=" + encodeURIComponent(typed.value);
      url.hash = window.location.hash;
      link.href = url.href;
    });
  });
})();

// A page with a <base href> (the not-found page, served at whatever address was asked for)
// resolves its links to places of its own (the skip link's #main) against that base: they led
// to the home page. They are made to lead to the page itself, at the address it was served at.
(function () {
  if (!document.querySelector("base[href]")) return;
  var here = window.location.href.split("#")[0];
  document.querySelectorAll('a[href^="#"]').forEach(function (link) {
    link.setAttribute("href", here + link.getAttribute("href"));
  });
})();
