// A figure page's "Compare any two versions" form: goes to the comparison page of the two
// versions chosen (every pair has one). The form is hidden until this script shows it: without
// JavaScript it would do nothing, and the list under it links every pair.
// A version compared with itself has no page: the form says so in its status line, in the
// page's language (data-same).
(function () {
  var form = document.querySelector("form[data-compare]");
  if (!form) return;
  form.hidden = false;
  var status = form.querySelector(".compare-status");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var a = Number(form.elements.old.value), b = Number(form.elements.new.value);
    var old = Math.min(a, b), now = Math.max(a, b);
    var link = document.querySelector('details.comparisons a[data-old="' + old + '"][data-new="' + now + '"]');
    if (status) status.textContent = link ? "" : form.getAttribute("data-same");
    if (link) window.location.href = link.href;
  });
})();
