// The service worker of one release (generator/offline.py writes it at the release's root
// with BUILD, the build's identity). Pages: the network first, then the copy stored on
// this device, marked so that the page says so (assets/offline.js). Everything else: the
// stored copy of this build first. A new build is a new worker: it drops the old caches.
"use strict";
var BUILD = "__BUILD__";
var SCOPE = self.registration.scope;
var PREFIX = "protocols " + SCOPE + " ";
var CACHE = PREFIX + BUILD;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) {
      return key.indexOf(PREFIX) === 0 && key !== CACHE;
    }).map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

// Store what offline/<lang>.json lists, once per build and language; answer when done.
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "store" || !/^[a-z-]+$/.test(data.lang || "")) {
    return;
  }
  var marker = SCOPE + "offline/" + data.lang + ".stored";
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return cache.match(marker).then(function (done) {
      if (done) {
        return null;
      }
      return fetch(SCOPE + "offline/" + data.lang + ".json").then(function (response) {
        return response.json();
      }).then(function (urls) {
        return storeAll(cache, urls.map(function (url) { return SCOPE + url; }));
      }).then(function () {
        return cache.put(marker, new Response(new Date().toISOString()));
      });
    });
  }).then(function () {
    if (event.source) {
      event.source.postMessage({type: "stored", build: BUILD});
    }
  }, function () {
    if (event.source) {
      event.source.postMessage({type: "not-stored", build: BUILD});
    }
  }));
});

// A few at a time, so that the reader's own requests still get through.
function storeAll(cache, urls) {
  var next = 0;
  function worker() {
    if (next >= urls.length) {
      return Promise.resolve();
    }
    var url = urls[next++];
    return cache.match(url).then(function (hit) {
      return hit || cache.add(url).catch(function () { return null; });
    }).then(worker);
  }
  return Promise.all([worker(), worker(), worker(), worker()]);
}

function stored(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request, {ignoreSearch: true});
  });
}

function page(request) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { return cache.put(request, copy); });
    }
    return response;
  }, function () {
    return stored(request).then(function (hit) {
      if (!hit) {
        return Response.error();
      }
      return hit.text().then(function (text) {
        // The page's <html> carries when the copy was made; assets/offline.js shows it.
        var when = hit.headers.get("date") || "";
        var marked = text.replace(/<html\b/i, '<html data-stored-copy="' +
          when.replace(/[^\w :,+-]/g, "") + '"');
        return new Response(marked, {status: hit.status, statusText: hit.statusText,
                                     headers: hit.headers});
      });
    });
  });
}

function asset(request) {
  return stored(request).then(function (hit) {
    return hit || fetch(request).then(function (response) {
      if (response.ok && response.type === "basic") {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { return cache.put(request, copy); });
      }
      return response;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET" || request.url.indexOf(SCOPE) !== 0) {
    return; // another release, versions.json, anything outside this release: the network
  }
  event.respondWith(request.mode === "navigate" ? page(request) : asset(request));
});
