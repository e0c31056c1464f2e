// The search page: Pagefind's default UI (pagefind/pagefind-ui.js, written by the build), started
// with the query of the site header's search box (?q=…) when there is one.
(function () {
  // What the page shows when Pagefind cannot be loaded (a file missing or cut off on the way):
  // the box would be missing, or say "Searching…" for ever. Opened from disk (file:), where
  // browsers do not let a page read the index, reloading cannot help: it says to serve the site.
  function unavailable() {
    var fromDisk = window.location.protocol === "file:";
    var message = document.querySelector(fromDisk ? ".search-needs-server" : ".search-unavailable");
    if (message) message.hidden = false;
  }
  if (typeof PagefindUI === "undefined") { unavailable(); return; }
  // Each corpus has bundles of its own (its evidence pages in each edition, its texts in shards),
  // rebuilt only when the corpus changes: search them all, the site's own pages first.
  var search = document.getElementById("search");
  var corpus = (search.getAttribute("data-corpus-bundles") || "").split(" ").filter(Boolean);
  var edition = (search.getAttribute("data-edition-bundles") || "").split(" ").filter(Boolean);
  // Result URLs are site-root paths: tell Pagefind the root (it would assume each bundle's parent).
  // The corpora's text bundles are shared by both editions: their results lead to the twin in this
  // page's edition (zh/corpus/… from the Chinese search page), so their root is the edition's.
  var siteRoot = new URL(search.getAttribute("data-site-root"), window.location.href).pathname;
  var editionRoot = new URL("../", window.location.href).pathname;
  // A page whose title has the query ranks above pages that only mention it. Pagefind adds a boost
  // for a match in a page's title, weight x the word's IDF, but it reads the title's words by
  // splitting at spaces, so a Chinese title never matched; and its default weight (5) is less
  // than a figure scores by saying the word many times in many forms (协同治理, 协同竞赛, …, each a
  // word of its own whose score counts), since the site's own bundle is small and the IDF low.
  // The build writes the title's words, Chinese segmented, into the meta field title_words
  // (pilotsite/pages/site.py search_words): rank by that field, strongly, and not by the title.
  // A corpus text's id and metadata (its meta field details) rank it as its title would: a reader
  // who types a text's id wants that text first.
  var ranking = { metaWeights: { title: 0, title_words: 20, details: 20 } };
  // Every bundle is searched as language "en": a query is matched as typed against the words the
  // index has (Pagefind segmented them with its dictionary: 宅基地 | 试点). As a bundle of another
  // language Pagefind would split a Chinese query first with the browser's segmenter, whose words
  // are not the index's (宅 | 基地 | 试 | 点: 宅基地试点 found none of the site's pages, and 宅基地
  // 1 of the corpus's 4 texts that say it). The merged bundles take a language; the site's own,
  // the primary one, takes the language of <html> when Pagefind's module starts, so it is started
  // here, before the UI imports the same module, with <html lang> "en" for that one moment.
  var script = document.querySelector('script[src$="pagefind-ui.js"]');
  var bundlePath = new URL(".", script.src).pathname;
  // Chinese typed without spaces is split into the words of the index first (query-words.js),
  // from the lists of them each bundle has (words.txt, written by the build).
  function fetchText(url) {  // the file's text, or null if it cannot be read
    return fetch(url)
      .then(function (response) { return response.ok ? response.text() : null; })
      .catch(function () { return null; });
  }
  function loadWords() {  // each bundle's words (word -> pages), or null if its list cannot be read
    var bundles = [bundlePath].concat(edition, corpus);
    return Promise.all(bundles.map(function (bundle) {
      return fetchText(new URL("words.txt", new URL(bundle, window.location.href)))  // null: queries go as typed
        .then(function (listing) {
          if (listing === null) return null;
          var pages = new Map();
          listing.split("\n").forEach(function (line) {
            var cut = line.lastIndexOf(" ");
            if (cut > 0) pages.set(line.slice(0, cut), Number(line.slice(cut + 1)));
          });
          return pages;
        });
    }));
  }
  // Traditional characters and their simplified forms (simplified.txt, beside this script).
  var tableUrl = new URL("simplified.txt", document.currentScript.src);
  function loadSimplified() {  // traditional -> simplified, or null if the table cannot be read
    return fetchText(tableUrl).then(function (table) {
      if (table === null) return null;
      var forms = new Map();
      table.split("\n").forEach(function (line) {
        var pair = Array.from(line);
        if (pair.length === 2 && pair[0] !== "#") forms.set(pair[0], pair[1]);
      });
      return forms;
    });
  }
  // The UI starts without waiting for the lists (a large corpus's are a few hundred KB): until
  // they are in, a query goes as typed; once they and the bundles' filters are, a query already
  // typed is searched again, and one given in the address (?q=) is searched only then.
  var split = function (term) { return term; };
  // title_words and details are for finding and ranking only: the UI would show them as tags under
  // the result. A page found only by them (a text by its id) has no match in its text, so no
  // sub-result, and the UI shows an excerpt only as the first sub-result's: give it its own, whose
  // excerpt Pagefind has made of the page's opening.
  function shown(result) {
    delete result.meta.title_words;
    delete result.meta.details;
    if (Array.isArray(result.sub_results) && !result.sub_results.length) {
      result.sub_results = [{ url: result.meta.url || result.url, title: result.meta.title, excerpt: result.excerpt, locations: [] }];
    }
    return result;
  }
  function start(bundlesLoaded) {
    var ui = new PagefindUI({ element: "#search", bundlePath: bundlePath, baseUrl: siteRoot, showSubResults: true, showImages: false, resetStyles: false, ranking: ranking,
                              processTerm: function (term) { return split(term); },
                              processResult: shown });
    // Pagefind's input is labelled only by its placeholder: give it an accessible name.
    var input = document.querySelector("#search input");
    if (input && !input.getAttribute("aria-label")) input.setAttribute("aria-label", search.getAttribute("data-label"));
    var query = new URLSearchParams(window.location.search).get("q");
    var header = document.getElementById("site-search-q");
    if (query && header) header.value = query;
    // the query in the address as the reader types it: back at this page from a result, or in
    // the other edition (edition-switch.js), they find the query they left. The UI's Clear button
    // and Escape empty the box without an input event: a click or key in the box syncs it too.
    function keepInAddress() {
      var address = new URL(window.location.href);
      if ((address.searchParams.get("q") || "") === input.value.trim() && input.value.trim() === input.value) return;
      if (input.value.trim()) address.searchParams.set("q", input.value); else address.searchParams.delete("q");
      try { history.replaceState(history.state, "", address.href); } catch (tooOften) {}  // Safari limits the rate
    }
    if (input) ["input", "keyup", "click"].forEach(function (kind) { search.addEventListener(kind, keepInAddress); });
    // the query in the address now (the reader may have cleared it while the lists came)
    function addressQuery() { return new URLSearchParams(window.location.search).get("q"); }
    // A query in the address waits for the lists and filters, so that its results do not change
    // under the reader's eyes, in the box meanwhile; for SLOW_LINE ms at most: a file that hangs
    // (a stalled connection) left the box empty with no sign of a search. It is searched as typed
    // then, and again once everything is in.
    if (query && input && !input.value) input.value = query;
    var waiting = query ? setTimeout(function () {
      if (input && input.value.trim()) ui.triggerSearch(input.value);
    }, SLOW_LINE) : null;
    Promise.all([indexWords, simplifiedForms, bundlesLoaded]).then(function (loaded) {
      clearTimeout(waiting);
      if (window.queryWords) split = window.queryWords.splitter(loaded[0], loaded[1]);  // else as typed
      var typed = input ? input.value : addressQuery();
      if (typed && typed.trim()) searchAgain(ui, typed);
    });
  }
  var SLOW_LINE = 10000;
  // The UI searches when its words change: given the words it has, it does nothing (a query typed
  // before the lists and filters were in kept its first results). It is given them with a space
  // after, which Pagefind drops, then as they were in the next task; its debounce makes one search.
  function searchAgain(ui, typed) {
    ui.triggerSearch(typed + " ");
    setTimeout(function () { ui.triggerSearch(typed); }, 0);
  }
  // The pages name their filters and kinds to Pagefind in English (the corpora's bundles serve
  // both editions) and its UI shows those names: show the edition's words for them instead. The
  // UI writes a filter's name once, into its summary and legend, and a value into its label,
  // before the count; an input keeps the name and value the index has.
  var filterNames = Object.fromEntries(JSON.parse(search.getAttribute("data-filter-names") || "[]"));
  var kindNames = Object.fromEntries(JSON.parse(search.getAttribute("data-kind-names") || "[]"));
  // a grouping filter's values that the catalogues name (corpus.value.*): [filter, [[value, word]]]
  var filterValues = Object.fromEntries(
    JSON.parse(search.getAttribute("data-filter-values") || "[]").map(function (entry) {
      return [entry[0], Object.fromEntries(entry[1])];
    })
  );
  function relabel() {
    search.querySelectorAll(".pagefind-ui__filter-block").forEach(function (block) {
      var input = block.querySelector("input.pagefind-ui__filter-checkbox");
      var shown = input && filterNames[input.name];
      if (!shown) return;
      block.querySelectorAll(".pagefind-ui__filter-name, .pagefind-ui__filter-group-label").forEach(function (label) {
        if (label.textContent !== shown) label.textContent = shown;
      });
      var words = input.name === "kind" ? kindNames : filterValues[input.name];
      if (!words) return;
      block.querySelectorAll("input.pagefind-ui__filter-checkbox").forEach(function (box) {
        var label = block.querySelector('label[for="' + CSS.escape(box.id) + '"]');
        var text = label && label.firstChild;
        var word = words[box.value];
        if (word && text && text.nodeType === Node.TEXT_NODE && text.data !== word) text.data = word;
      });
    });
  }
  // What a search found is said to a screen reader: Pagefind's UI writes it in a message that is no
  // live region, and redraws that, so its text is copied into #search-status (role="status", on
  // the page from the start), once it has settled: "Searching for …" then the count is said once.
  var status = document.getElementById("search-status"), settling = null;
  function announce() {
    clearTimeout(settling);
    settling = setTimeout(function () {
      var message = search.querySelector(".pagefind-ui__message");
      var text = message ? message.textContent.trim() : "";
      if (status && status.textContent !== text) status.textContent = text;
    }, ANNOUNCE_AFTER);
  }
  var ANNOUNCE_AFTER = 400;  // ms without a change to the message
  new MutationObserver(function () { relabel(); announce(); }).observe(search, { childList: true, subtree: true, characterData: true });
  var indexWords = loadWords(), simplifiedForms = loadSimplified();  // fetched while Pagefind loads
  // The bundles are merged here, not by the UI (its mergeIndex option), so that their filters can
  // be loaded before the first search: the UI shows the filters a search returns, which are those
  // whose files have arrived, and keeps them when the rest arrive (on a slow line a corpus's
  // filters were missing until the next search). A query is searched again once they are in.
  // A bundle is merged only if its entry and metadata can be read: Pagefind searches every bundle
  // it was given, and one it could not load failed every search, the site's own pages' too.
  function readable(bundle) {
    var base = new URL(bundle, window.location.href);
    return fetch(new URL("pagefind-entry.json", base), { cache: "no-cache" })  // a cached one may name an earlier build's files
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (entry) {
        // the index Pagefind reads: the language asked for (en), else the one of most pages
        var languages = (entry && entry.languages) || {};
        var index = languages.en || Object.values(languages).sort(function (a, b) { return b.page_count - a.page_count; })[0];
        if (!index) return false;
        // and, for the site's own bundle, the WebAssembly: without it Pagefind waits for ever
        var files = ["pagefind." + index.hash + ".pf_meta"].concat(bundle === bundlePath ? ["wasm." + (index.wasm || "unknown") + ".pagefind"] : []);
        return Promise.all(files.map(function (file) {
          return fetch(new URL(file, base)).then(function (response) { return response.ok; });
        })).then(function (found) { return found.every(Boolean); });
      })
      .catch(function () { return false; });
  }
  var merged = edition.map(function (bundle) { return [bundle, { baseUrl: siteRoot, language: "en", ranking: ranking }]; })
    .concat(corpus.map(function (bundle) { return [bundle, { baseUrl: editionRoot, language: "en", indexWeight: 0.4, ranking: ranking }]; }));
  var checks = [bundlePath].concat(merged.map(function (entry) { return entry[0]; })).map(readable);
  var loaded = Promise.all([import(bundlePath + "pagefind.js"), checks[0]]).then(function (found) {
    if (!found[1]) return null;  // the site's own bundle, which Pagefind cannot do without
    var pagefind = found[0], html = document.documentElement, language = html.getAttribute("lang");
    html.setAttribute("lang", "en");
    try { pagefind.init(); } finally { html.setAttribute("lang", language); }  // reads <html lang> synchronously
    return pagefind;
  }).catch(function () { return null; });
  var bundlesLoaded = Promise.all([loaded, Promise.all(checks)]).then(function (found) {
    var pagefind = found[0];
    if (!pagefind) return null;
    // merged in the page's order whichever answered first: results of equal score keep that order
    return Promise.all(merged.map(function (entry, index) {
      if (found[1][index + 1]) return pagefind.mergeIndex(entry[0], entry[1]);
      console.warn("Search: the bundle " + entry[0] + " cannot be read; its pages are not searched");
    })).then(function () { return pagefind.filters(); });
  }).catch(function () { return null; });  // a bundle that failed on the way: search without waiting
  loaded.then(function (pagefind) {
    if (pagefind) start(bundlesLoaded); else unavailable();
  });
})();
