// Keeps this release usable without the network (generator/offline.py): registers the
// release's service worker, asks it to store the pages of the reader's language, and shows
// the notice of the page when it is the copy stored on this device. An external file: the
// site's Content-Security-Policy allows scripts from 'self' only.
(function () {
  "use strict";
  var root = document.documentElement;
  var notice = document.querySelector(".stored-copy");
  var when = root.getAttribute("data-stored-copy");
  if (notice && when !== null) {
    var date = new Date(when);
    if (when && !isNaN(date.getTime())) {
      var text = date.toLocaleString(root.lang || "en", {dateStyle: "long", timeStyle: "short"});
      notice.textContent += " " + notice.getAttribute("data-saved-label") + ": " + text + ".";
    }
    notice.hidden = false;
  }
  if (!("serviceWorker" in navigator) || !document.currentScript) {
    return;
  }
  var worker = new URL("../sw.js", document.currentScript.src);
  var tries = 0;
  // Ask again while no answer came (a worker the browser stopped loses the request).
  function store(registration) {
    var active = registration.active;
    if (active && !root.hasAttribute("data-offline-ready") && tries++ < 5) {
      active.postMessage({type: "store", lang: root.lang || "en"});
      setTimeout(function () { store(registration); }, 15000);
    }
  }
  navigator.serviceWorker.addEventListener("message", function (event) {
    if (event.data && event.data.type === "stored") {
      root.setAttribute("data-offline-ready", event.data.build);
    }
  });
  navigator.serviceWorker.startMessages();
  navigator.serviceWorker.register(worker.href, {scope: new URL("./", worker).href})
    .then(function () { return navigator.serviceWorker.ready; })
    .then(store)
    .catch(function () { /* no worker (an old browser, a file:// page): nothing to store */ });
  // A newer release's worker took over: store this language again, for the new build.
  navigator.serviceWorker.addEventListener("controllerchange", function () {
    root.removeAttribute("data-offline-ready");
    tries = 0;
    navigator.serviceWorker.ready.then(store);
  });
})();
