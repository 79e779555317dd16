// Releases in the published tree (mike's layout: /RELEASE/, the /latest/ copy, versions.json
// beside them; each release lists its pages in pages.json):
// - on a superseded release, the bar (site_config/theme/main.html) names the newest release
//   and links to the same page there; the printed footer says so on every sheet;
// - the version selector and the language switcher keep the page and the section (#anchor)
//   wherever the page exists in the target.
// Material's own switching needs a sitemap with absolute URLs, which a tree that any
// server may host under any address cannot have. An external file: CSP script-src 'self'.
(function () {
  "use strict";
  var configElement = document.getElementById("__config");
  if (!configElement) return;
  var config = JSON.parse(configElement.textContent);
  var root = new URL((config.base || ".") + "/", location.href);  // this release's root
  var lists = {};

  function pagePath() {
    return location.pathname.indexOf(root.pathname) === 0
      ? location.pathname.slice(root.pathname.length) : "";
  }

  function pagesOf(release) {
    if (!lists[release.href]) {
      lists[release.href] = fetch(new URL("pages.json", release).href)
        .then(function (response) { return response.ok ? response.json() : []; })
        .catch(function () { return []; });
    }
    return lists[release.href];
  }

  // The same page (and section) in another release, else its home in the same language,
  // else its root.
  function samePageIn(release) {
    var path = pagePath();
    var home = path.split("/")[0] + "/";
    return pagesOf(release).then(function (pages) {
      if (pages.indexOf(path) >= 0) return new URL(path + location.hash, release).href;
      if (pages.indexOf(home) >= 0) return new URL(home, release).href;
      return release.href;
    });
  }

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return key in values ? values[key] : all;
    });
  }

  function showSuperseded(current, newest) {
    var bar = document.querySelector("[data-release-superseded]");
    if (!bar) return;
    var names = {release: current.version, newest: newest.version};
    var target = new URL("../" + newest.version + "/", root);
    var link = bar.querySelector("a");
    bar.querySelector(".release-superseded__text").textContent =
      format(bar.getAttribute("data-text"), names);
    link.textContent = format(bar.getAttribute("data-link"), names);
    link.href = target.href;
    bar.hidden = false;
    document.documentElement.classList.add("release-is-superseded");
    var footer = document.querySelector(".print-footer");
    if (footer) {
      var note = document.createElement("span");
      note.className = "print-superseded";
      note.textContent = " · " + format(bar.getAttribute("data-print"), names);
      footer.appendChild(note);
    }
    samePageIn(target).then(function (href) { link.href = href; });
    // A tap before that answer waits for it, as the version selector does, rather than
    // opening the newest release's home; Material's own handler (on the body) would follow
    // the link at once.
    link.addEventListener("click", function (event) {
      if (event.metaKey || event.ctrlKey || event.shiftKey) return;
      event.preventDefault();
      event.stopPropagation();
      samePageIn(target).then(function (href) { location.href = href; });
    });
  }

  if (config.version) {
    fetch(new URL("../versions.json", root).href)
      .then(function (response) { return response.ok ? response.json() : []; })
      .then(function (versions) {
        var name = root.pathname.replace(/\/$/, "").split("/").pop();
        var current = versions.filter(function (v) {
          return v.version === name || v.aliases.indexOf(name) >= 0;
        })[0];
        var newest = versions.filter(function (v) {
          return v.aliases.indexOf(config.version["default"] || "latest") >= 0;
        })[0] || versions[0];
        if (current && newest && current.version !== newest.version) {
          showSuperseded(current, newest);
        }
      })
      .catch(function () {});
  }

  // Runs before Material's handlers (capture on the document; Material listens on the body).
  document.addEventListener("click", function (event) {
    if (event.metaKey || event.ctrlKey || !(event.target instanceof Element)) return;
    var language = event.target.closest("a.md-select__link[hreflang]");
    if (language && location.hash) {
      language.href = language.href.split("#")[0] + location.hash;
      return;
    }
    var version = event.target.closest(".md-version a");
    if (!version) return;
    event.preventDefault();
    event.stopPropagation();
    samePageIn(new URL(version.href)).then(function (href) { location.href = href; });
  }, true);
})();
