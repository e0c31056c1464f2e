// Printed pages name each link's target (style.css, @media print). A site link is written
// relative to the page; the browser resolves it against wherever the site is hosted, so the
// printed address is the one a reader can type. In-page anchors and download links are left out.
for (const link of document.querySelectorAll('main a[href]')) {
  if (!(link instanceof HTMLAnchorElement)) continue;  // a figure's SVG marks print as the figure
  const target = link.getAttribute('href');
  if (target.startsWith('#') || link.hasAttribute('download') || /^[a-z]+:/i.test(target)) continue;
  link.dataset.printUrl = link.href;
}
