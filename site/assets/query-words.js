// How the search page (search.js) reads a query before Pagefind searches it.
// Matched as typed, a Chinese query is one word, and Chinese is typed without spaces: the index
// has 社会 | 保障 (as Pagefind segmented the pages), and 社会保障 found the pages with 社会 alone.
// Each bundle lists the Chinese words of its index and on how many pages (words.txt, written by
// the build: pilotsite/publishing/search.py): a query's Chinese is split into those words first,
// the likeliest split by those counts, as jieba splits a sentence by its dictionary's, and goes
// to Pagefind as if typed with spaces: 社会保障 finds what 社会 保障 finds, pages with both words.
// (Not as Pagefind's exact search, "社会 保障", which would find only the phrase but ranks
// nothing: every page it finds scores the same.)
// The index has the pages' characters, mostly simplified: a character typed in its traditional
// form (國務院) is searched in its simplified one (国务院), from OpenCC's table (simplified.txt,
// scripts/export_simplified.py), where the index has the simplified form and not the typed one
// (a corpus in traditional characters is searched as typed; 乾 stays where the index has 乾隆).
(function () {
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{3134f}]+/gu;
  function prefixes(words) {  // every beginning of every word (the words too)
    var found = new Set();
    words.forEach(function (_, word) {
      var chars = Array.from(word);
      for (var n = 1; n <= chars.length; n++) found.add(chars.slice(0, n).join(""));
    });
    return found;
  }
  function characters(bundles) {  // every character of every bundle's words
    var found = new Set();
    bundles.forEach(function (words) {
      words.forEach(function (_, word) { for (var c of word) found.add(c); });
    });
    return found;
  }
  // bundles: each bundle's words (word -> pages that have it), or null where its list is missing;
  // simplified: traditional character -> its simplified form (none: queries keep their characters)
  function splitter(bundles, simplified) {
    if (!bundles.length || bundles.some(function (words) { return words === null; })) {
      return function (term) { return term; };  // as typed: a bundle whose words are unknown could drop one
    }
    var indexed = characters(bundles);
    function simplify(run) {
      if (!simplified) return run;
      return Array.from(run, function (c) {
        var form = simplified.get(c);
        return form && !indexed.has(c) && indexed.has(form) ? form : c;
      }).join("");
    }
    var pages = new Map(), total = 1, longest = 1;
    bundles.forEach(function (words) {
      words.forEach(function (count, word) {
        pages.set(word, (pages.get(word) || 0) + count);
        total += count;
        longest = Math.max(longest, Array.from(word).length);
      });
    });
    var startsIn = bundles.map(prefixes);
    var unknown = Math.log(0.5 / total);  // a character the index has as no word: less likely than any word
    function wordsOf(run) {  // the likeliest split of a run of Han characters
      var chars = Array.from(run), best = [0], cut = [0];
      for (var end = 1; end <= chars.length; end++) {
        best[end] = -Infinity;
        for (var begin = Math.max(0, end - longest); begin < end; begin++) {
          var count = pages.get(chars.slice(begin, end).join(""));
          var score = count ? Math.log(count / total) : end - begin === 1 ? unknown : null;
          if (score !== null && best[begin] + score > best[end]) { best[end] = best[begin] + score; cut[end] = begin; }
        }
      }
      var words = [];
      for (var at = chars.length; at > 0; at = cut[at]) words.unshift(chars.slice(cut[at], at).join(""));
      return words;
    }
    // Whether Pagefind finds the word in the bundle: a word of it begins with it, or (what
    // Pagefind falls back to) one is its beginning. A word it finds nowhere in a bundle it drops
    // from the query there, keeping the others: 宅基地 split as 宅基 地 listed every page of a
    // bundle without 宅基 that has a word beginning with 地.
    function found(index, word) {
      if (startsIn[index].has(word)) return true;
      var chars = Array.from(word);
      for (var n = chars.length - 1; n > 0; n--) if (bundles[index].has(chars.slice(0, n).join(""))) return true;
      return false;
    }
    return function (term) {
      // Each run of Chinese, its traditional characters simplified, stands apart from the
      // letters, digits and punctuation around it (GDP增长 is GDP 增长). A run that begins a word
      // goes as typed: Pagefind finds a word by its start (宅基 finds 宅基地). Another is split
      // where every bundle finds all of its words or none (a bundle without Chinese drops them
      // all, and finds nothing either way); else its words go as a phrase, "宅基 地", which
      // Pagefind finds only where they stand together, in any bundle. (As typed, Pagefind
      // matched its longest beginning that is a word: 量子纠缠 listed every page with 量, and
      // 返乡创业 missed the pages that say it.)
      return term.replace(HAN, function (typed) {
        var run = simplify(typed);
        var begins = startsIn.some(function (starts) { return starts.has(run); });
        var words = begins ? [run] : wordsOf(run);
        var kept = words.length > 1 && bundles.every(function (_, index) {
          var hits = words.filter(function (word) { return found(index, word); }).length;
          return hits === 0 || hits === words.length;
        });
        var sent = kept ? words.join(" ") : words.length > 1 ? '"' + words.join(" ") + '"' : run;
        return " " + sent + " ";
      }).replace(/\s+/g, " ").trim();
    };
  }
  window.queryWords = { splitter: splitter };
})();
