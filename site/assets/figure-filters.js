// Figures index: filter the cards by document and by kind of analysis. Progressive enhancement:
// the form is hidden in the HTML and only shown here, so without JavaScript every figure shows.
(function () {
  var form = document.getElementById("figure-filters");
  if (!form) return;
  var documentSelect = document.getElementById("filter-document");
  var kindSelect = document.getElementById("filter-kind");
  var count = document.getElementById("filter-count");
  var cards = Array.prototype.slice.call(document.querySelectorAll(".figure-group .card"));
  var groups = Array.prototype.slice.call(document.querySelectorAll(".figure-group"));

  function apply() {
    var doc = documentSelect.value, kind = kindSelect.value, shown = 0;
    cards.forEach(function (card) {
      var docs = (card.getAttribute("data-documents") || "").split(" ");
      var visible = (!doc || docs.indexOf(doc) >= 0) && (!kind || card.getAttribute("data-kind") === kind);
      card.hidden = !visible;
      if (visible) shown += 1;
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector(".card:not([hidden])");
    });
    // the words come from the page (data/i18n/ via data-text): "{shown} of {total} figures"
    count.textContent = count.getAttribute("data-text").replace("{shown}", shown).replace("{total}", cards.length);
  }

  form.hidden = false;
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  apply();
})();
