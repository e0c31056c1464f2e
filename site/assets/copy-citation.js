// "Copy" beside each citation format on figure and version pages. The buttons are hidden in the
// HTML and shown here, so without JavaScript the citations are plain selectable text.
(function () {
  function copied(button) {
    var status = button.parentNode.querySelector(".copy-status");
    if (status) {
      status.textContent = button.getAttribute("data-copied");
    }
  }
  function copyText(text, button) {
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { copied(button); });
      return;
    }
    // http:// and file:// pages have no Clipboard API: copy a selection instead
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    if (document.execCommand("copy")) {
      copied(button);
    }
    document.body.removeChild(area);
  }
  var buttons = document.querySelectorAll("button.copy[data-copy]");
  for (var i = 0; i < buttons.length; i++) {
    buttons[i].hidden = false;
    buttons[i].addEventListener("click", function (event) {
      var button = event.currentTarget;
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (source) {
        // only the line ends around it: a RIS record ends "ER  - ", its space part of the tag
        copyText(source.textContent.replace(/^[\r\n]+|[\r\n]+$/g, ""), button);
      }
    });
  }
})();
