// Fills the print-only footer of a protocol page with its full address and the date
// it is printed, in the page's language. An external file: the site runs under
// Content-Security-Policy script-src 'self', so no inline script is needed.
(function () {
  "use strict";
  function fill() {
    var footer = document.querySelector(".print-footer");
    if (!footer) return;
    var url = footer.querySelector(".print-url");
    var date = footer.querySelector(".print-date");
    if (url) url.textContent = location.href.split("#")[0];
    if (date) {
      var lang = document.documentElement.lang || "en";
      var today = new Date().toLocaleDateString(lang, {year: "numeric", month: "long", day: "numeric"});
      date.textContent = (footer.getAttribute("data-printed-label") || "") + " " + today;
    }
  }
  fill();
  window.addEventListener("beforeprint", fill);
})();
