// On a figure version page: say plainly when it is not the current version. The page itself never
// changes; figures/<id>/versions.js, loaded before this script, lists the versions.
(function () {
  var info = window.pilotsiteVersions;
  var banner = document.getElementById("newer-version");
  if (!info || !banner) {
    return;
  }
  // A version whose outputs are the same as the latest's (the first of identical versions) is current.
  var shown = banner.getAttribute("data-version");
  var own = info.versions.filter(function (v) { return v.version === shown; })[0];
  if (info.latest === shown || (own && own.same === info.latest)) {
    return;
  }
  var latest = info.versions[info.versions.length - 1];  // the current one: newer, or an earlier one again
  var root = "../../../../";
  // The words come from the page, in its edition's language (data/i18n/ via data-* attributes).
  banner.appendChild(document.createTextNode(
    banner.getAttribute("data-newer").replace("{number}", latest.number).replace("{edition}", latest.edition) + " "));
  var link = document.createElement("a");
  link.href = "../../index.html";
  link.textContent = banner.getAttribute("data-latest");
  banner.appendChild(link);
  banner.appendChild(document.createTextNode(" · "));
  var changes = document.createElement("a");
  changes.href = root + "changes/index.html#" + (info.changes || info.figure + "-" + latest.version);
  changes.textContent = banner.getAttribute("data-changes");
  banner.appendChild(changes);
  banner.hidden = false;
})();
