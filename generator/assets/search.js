// The header's search (site_config/theme/partials/pagefind.html): Pagefind's own API
// (pagefind/pagefind.js) behind Material's search markup, instead of Pagefind's UI
// bundle, which would cost a reader ~35 KB before the first result.
// A file, not an inline script: the site's CSP allows scripts from 'self' only.
(function () {
  "use strict";
  var box = document.querySelector(".pf-search");
  var toggle = document.getElementById("__search");
  if (!box || !toggle) {
    return;
  }
  var input = box.querySelector("input");
  var meta = box.querySelector(".md-search-result__meta");
  var list = box.querySelector(".md-search-result__list");
  var scroll = box.querySelector(".md-search__scrollwrap");
  // Each shown result costs its fragment (1 to 4 KB): five at a time, more on demand.
  var PAGE = 5;
  var bundle = new URL(box.getAttribute("data-bundle"), document.baseURI);
  var pagefind = null;
  var results = [];
  var shown = 0;
  var query = 0; // the latest search; an older one that finishes late is dropped
  var placeholder = meta.textContent;

  function open(on) {
    if (toggle.checked !== on) {
      toggle.checked = on;
      toggle.dispatchEvent(new Event("change")); // Material listens to the toggle
    }
  }

  function load() {
    if (!pagefind) {
      pagefind = import(new URL("pagefind.js", bundle).href).then(function (api) {
        // The main thread, not Pagefind's web worker: one file less to fetch (~14 KB).
        return api.options({ noWorker: true, baseUrl: new URL("..", bundle).pathname })
          .then(function () { return api; });
      }).catch(function () {
        // `protocols serve` builds no index: no box rather than a broken one.
        box.hidden = true;
        document.querySelectorAll(".md-header__button[for=__search]").forEach(function (b) {
          b.hidden = true;
        });
        open(false);
        return null;
      });
    }
    return pagefind;
  }

  function count(n) {
    var text = box.getAttribute(n === 0 ? "data-none" : n === 1 ? "data-one" : "data-other");
    return text.replace("#", String(n));
  }

  function article(url, level, title, excerpt, specialty) {
    var link = document.createElement("a");
    link.className = "md-search-result__link";
    link.href = url;
    var body = document.createElement("article");
    body.className = "md-search-result__article md-typeset";
    var heading = document.createElement(level);
    heading.textContent = title; // Pagefind's titles are raw text
    body.append(heading);
    if (specialty) {
      var where = document.createElement("p");
      where.className = "pf-specialty";
      where.textContent = specialty; // the protocol's specialties (generator/search.py)
      body.append(where);
    }
    var teaser = document.createElement("p");
    teaser.innerHTML = excerpt; // Pagefind escapes the excerpt and adds only <mark>
    body.append(teaser);
    link.append(body);
    return link;
  }

  function render(data) {
    var item = document.createElement("li");
    item.className = "md-search-result__item";
    item.append(article(data.url, "h1", data.meta.title || data.url, data.excerpt,
                        data.meta.specialty));
    data.sub_results.filter(function (sub) {
      return sub.url.indexOf("#") > 0 && !/#top$/.test(sub.url);
    }).slice(0, 3).forEach(function (sub) {
      item.append(article(sub.url, "h2", sub.title, sub.excerpt));
    });
    return item;
  }

  function more() {
    var id = query;
    var next = results.slice(shown, shown + PAGE);
    shown += next.length;
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (all) {
      if (id === query) {
        all.forEach(function (data) { list.append(render(data)); });
      }
    });
  }

  function search() {
    var id = ++query;
    var term = input.value.trim();
    if (!term) {
      results = [];
      list.textContent = "";
      meta.textContent = placeholder;
      return;
    }
    load().then(function (api) {
      return api && api.debouncedSearch(term);
    }).then(function (found) {
      if (!found || id !== query) {
        return; // superseded by a later keystroke
      }
      results = found.results;
      shown = 0;
      list.textContent = "";
      return more().then(function () {
        if (id === query) {
          meta.textContent = count(results.length);
        }
      });
    });
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a"));
  }

  input.addEventListener("focus", function () { load(); open(true); });
  input.addEventListener("input", search);
  box.querySelector("form").addEventListener("submit", function (event) {
    event.preventDefault(); // Enter opens the first result, as in Material
    var first = links()[0];
    if (first) {
      first.click();
    }
  });
  // The header's magnifier on small screens opens the search through the toggle.
  toggle.addEventListener("change", function () {
    if (toggle.checked && document.activeElement !== input) {
      input.focus();
    }
  });
  // Keyboard: arrows move between the box and the results, Escape closes.
  box.addEventListener("keydown", function (event) {
    var all = [input].concat(links());
    var at = all.indexOf(document.activeElement);
    if (event.key === "Escape") {
      open(false);
      input.blur();
    } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && at >= 0) {
      event.preventDefault();
      var to = all[at + (event.key === "ArrowDown" ? 1 : -1)];
      if (to) {
        to.focus();
      }
    } else {
      return;
    }
    event.stopPropagation();
  });
  // The next five when the reader reaches the last result (keyboard or scrolling).
  list.addEventListener("focusin", function (event) {
    var all = links();
    if (event.target === all[all.length - 1] && shown < results.length) {
      more();
    }
  });
  scroll.addEventListener("scroll", function () {
    if (scroll.scrollTop + scroll.clientHeight >= scroll.scrollHeight - 40 && shown < results.length) {
      more();
    }
  });
  // Tab out of the box closes it, as in Material.
  box.addEventListener("focusout", function (event) {
    if (event.relatedTarget && !box.contains(event.relatedTarget)) {
      open(false);
    }
  });
  box.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("a")) {
      open(false);
    }
  });
  // The home page's search box (site_config/theme/main.html) hands over to this one.
  var home = document.getElementById("home-search-input");
  if (home) {
    home.form.addEventListener("submit", function (event) { event.preventDefault(); });
    home.addEventListener("focus", function () {
      input.value = home.value;
      home.value = "";
      input.focus();
      if (input.value) {
        search();
      }
    });
  }
  // "/" or "s" anywhere but in a field jumps to the search, as in Material.
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if ((event.key === "/" || event.key === "s") && !event.ctrlKey && !event.metaKey && !event.altKey
        && !(target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName))) {
      event.preventDefault();
      input.focus();
    }
  });
})();
