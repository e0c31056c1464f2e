// On a figure version page: say plainly when a newer version exists. The page itself never
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
  var latest = info.versions[info.versions.length - 1];
  var root = "../../../../";
  banner.appendChild(document.createTextNode(
    "A newer version of this figure exists: version " + latest.number + " (edition " + latest.edition + "). "));
  var link = document.createElement("a");
  link.href = "../../index.html";
  link.textContent = "See the latest version";
  banner.appendChild(link);
  banner.appendChild(document.createTextNode(" · "));
  var changes = document.createElement("a");
  changes.href = root + "changes/index.html#" + info.figure + "-" + latest.version;
  changes.textContent = "what changed";
  banner.appendChild(changes);
  banner.hidden = false;
})();
