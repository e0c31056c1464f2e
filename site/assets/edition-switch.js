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
