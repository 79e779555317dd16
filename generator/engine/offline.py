"""Offline on the ward: a service worker that keeps the current release on the device.

After the build, ``sw.js`` is written at the site's root (the release's folder in a
published tree, so each release and ``latest/`` has its own worker and caches) with the
build's identity: a hash of every file of the site. A changed site is a changed worker,
which the browser installs in place of the old one; it drops the old build's caches.
``offline/<lang>.json`` lists what a reader of a language needs without the network: the
language's pages, the theme's assets, the calculator specs and the language's search
index. ``assets/offline.js`` registers the worker and asks it to store the reader's
language. The live preview (``protocols serve``) gets a worker that only removes itself
and its caches, so a copy stored from a build served at the same address never hides an
edit.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path

from ..calculators.widget import SPEC_DIR
from ..pages.paths import DIRECTORY_INDEX, built_url, lang_prefix

WORKER = "sw.js"
LISTS = "offline"
# Material's lunr search and its worker: this site searches with Pagefind.
UNUSED_ASSETS = ("assets/javascripts/lunr/", "assets/javascripts/workers/")


def write_worker(site_dir: Path, languages: list[str], default: str) -> None:
    """``sw.js`` and one list per language of ``site_dir``, which is otherwise complete."""
    files = sorted(name for p in site_dir.rglob("*") if p.is_file()
                   if (name := p.relative_to(site_dir).as_posix()) != WORKER
                   and not name.startswith(f"{LISTS}/"))
    for lang in languages:
        urls = stored_urls(files, lang, languages, default)
        path = site_dir / LISTS / f"{lang}.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps(urls, separators=(",", ":")), encoding="utf-8")
    template = resources.files("generator.assets").joinpath("sw.js").read_text(encoding="utf-8")
    worker = template.replace("__BUILD__", build_id(site_dir, files))
    (site_dir / WORKER).write_text(worker, encoding="utf-8")


# Left out of the build's identity: the site-wide files each language's build writes in
# turn (the same in every build of the same sources, but not in mkdocs-static-i18n's own
# build: tests/test_parallel_build.py). A reader's pages, assets and index are all in it.
NOT_HASHED = frozenset({"404.html", "sitemap.xml", "sitemap.xml.gz"})
# Pagefind writes this file's languages in a random order: hashed as sorted data.
UNORDERED_JSON = "pagefind/pagefind-entry.json"


def build_id(site_dir: Path, files: list[str]) -> str:
    """The same for the same site, whichever order Pagefind wrote its entry file in."""
    digest = hashlib.sha256()
    for name in files:
        if name in NOT_HASHED:
            continue
        data = (site_dir / name).read_bytes()
        if name == UNORDERED_JSON:
            data = json.dumps(json.loads(data), sort_keys=True).encode("utf-8")
        digest.update(name.encode("utf-8") + b"\0" + data + b"\0")
    return digest.hexdigest()[:16]


def stored_urls(files: list[str], lang: str, languages: list[str], default: str) -> list[str]:
    """What a reader of ``lang`` keeps offline, relative to the site root (directory URLs)."""
    others = tuple(f"{code}/" for code in languages if code != default)
    own = lang_prefix(lang, default)
    urls: list[str] = []
    for name in files:
        if name.endswith(DIRECTORY_INDEX) and name.startswith(own) and \
                (own or not name.startswith(others)):
            urls.append(built_url(name))
        elif _asset_for(name, lang, languages):
            urls.append(name)
    return urls


def _asset_for(name: str, lang: str, languages: list[str]) -> bool:
    if name.startswith("assets/"):
        if name.startswith(UNUSED_ASSETS) or name.endswith((".map", ".gz")):
            return False
        if name.startswith(f"{SPEC_DIR}/"):  # <id>.<lang>.json: the reader's only
            return name.endswith(f".{lang}.json")
        return True
    if name.startswith("pagefind/"):
        base = name.removeprefix("pagefind/")
        if base in ("pagefind.js", "pagefind-entry.json"):
            return True
        return base.startswith((f"wasm.{lang}.", "wasm.unknown.", f"pagefind.{lang}_",
                                f"index/{lang}_", f"fragment/{lang}_"))
    return name == "404.html"


# The preview's worker: drops this scope's caches and unregisters (see the module's doc).
RETIRED = """// No offline copy for the live preview: remove the stored one and this worker.
"use strict";
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  var prefix = "protocols " + self.registration.scope + " ";
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key.indexOf(prefix) === 0; })
      .map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.registration.unregister(); }));
});
"""


def write_retired_worker(site_dir: Path) -> None:
    (site_dir / WORKER).write_text(RETIRED, encoding="utf-8")
