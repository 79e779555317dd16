// Mounts Pagefind's default UI in the header (site_config/theme/partials/pagefind.html).
// A file, not an inline script: the site's CSP allows scripts from 'self' only.
(function () {
  "use strict";
  var box = document.querySelector(".pf-search");
  if (!box || typeof PagefindUI === "undefined") {
    return; // `protocols serve` has no index: no search box rather than a broken one
  }
  new PagefindUI({
    element: box,
    // Absolute: on the home page the relative "pagefind/" would be a bare module specifier.
    bundlePath: new URL(box.getAttribute("data-bundle"), document.baseURI).pathname,
    showImages: false,
    showSubResults: true,
    // Each result costs its fragment (~5 KB): three keep a first query near 150 KB
    // in every language (measured: tests/test_search_browser.py).
    pageSize: 3,
    resetStyles: false,
    translations: { placeholder: box.getAttribute("data-placeholder") }
  });
  // Pagefind's input has only a placeholder; name it for screen readers (axe-core).
  var input = box.querySelector("input");
  if (input) {
    input.setAttribute("aria-label", box.getAttribute("data-placeholder"));
  }
})();
