"""Search with Pagefind, run over the built site after MkDocs.

Pagefind writes one index per ``<html lang>`` (each with its own stemmer,
Indonesian included) into ``site/pagefind/``, and its script loads only the
index of the page's language, so a reader gets results in their own language
and downloads small chunks rather than the whole corpus. Nothing leaves the
origin: the index, the WebAssembly and the UI are all files of the site.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import subprocess
from pathlib import Path

from ..pages.paths import CALCULATORS_DIR, DIRECTORY_INDEX, PROTOCOLS_DIR
from ..sources.problems import Problem

BUNDLE = "pagefind"
# Page furniture a reader does not search for; left out of the index and of the result
# excerpts, which a first query downloads: heading permalinks ("¶"), the "skip to
# content" link, the calculator widgets whole (their labels, choices and "How this is
# calculated": the protocol text itself carries the drugs and doses), the document
# control, the notices that repeat on many pages, the banner of an earlier release, the
# print-only footer and the theme's chrome. The "jump to" row and the report link carry
# data-pagefind-ignore themselves (generator/pages/answer.py).
EXCLUDED = (".headerlink", ".md-skip", ".calculator-details", "[data-calculator]",
            ".doc-control", ".admonition.review-overdue", ".admonition.fallback",
            ".admonition.outdated-translation", "[data-release-outdated]", ".print-footer",
            ".md-banner", ".md-footer", ".md-header", ".md-sidebar", ".stored-copy")
# What a reader searches for: the protocols and the calculators, in every language (the
# default language at the root, the others under <lang>/). Home, the index lists, the
# History and "Referenced by" pages only name protocols, so a query for a protocol would
# find them all beside it; left out, they are not even read (half the pages of a site).
_FOLDERS = tuple(f"{lang}{folder}" for lang in ("", "*/") for folder in (PROTOCOLS_DIR, CALCULATORS_DIR))
SEARCHED = "{" + ",".join(_FOLDERS) + "}/*/" + DIRECTORY_INDEX
SEARCHED_PATTERNS = tuple(f"{folder}/*/{DIRECTORY_INDEX}" for folder in _FOLDERS)
# What the header's search (assets/search.js) loads: Pagefind's API, not its UI bundle,
# run on the main thread (no pagefind-worker.js), five results at a time.
LOADER = "pagefind.js"
RESULTS_PER_PAGE = 5
ABBR = re.compile(r'<abbr title="([^"]*)">([^<]*)</abbr>')
# Ranks a hit on an alias or a glossary expansion above one in running text.
EXTRA_WEIGHT = "5"


def _executable() -> str:
    import pagefind_bin  # the pinned binary from PyPI: no download at build time

    return str(pagefind_bin.get_executable())


def index_site(site_dir: Path) -> list[Problem]:
    """Index ``site_dir`` in place; a failure is a problem of the build, not a crash.

    A site with no page to index (only drafts, no calculators) gets no index: Pagefind
    would refuse the empty folder, and there is nothing to search.
    """
    if not any(next(site_dir.glob(pattern), None) for pattern in SEARCHED_PATTERNS):
        return []
    excluded = [arg for selector in EXCLUDED for arg in ("--exclude-selectors", selector)]
    result = subprocess.run([_executable(), "--site", str(site_dir), "--output-subdir", BUNDLE,
                             "--glob", SEARCHED, *excluded, "--quiet"],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["failed"]
        return [Problem("mkdocs.yml", 1, f"Pagefind: {detail[0]}")]
    return []


def extra_terms(content: str, aliases: list[str], specialty: str | None = None) -> str:
    """Hidden text for the index: the page's aliases, the glossary's synonyms and
    expansions it uses, and its specialties (shown with each result: search.js).

    Readers search for "cytomegalovirus", a synonym or an alias as often as for "CMV";
    none is in the running text, so all go into one hidden paragraph that only Pagefind
    reads (``hidden``: not shown, not read out, not printed).
    """
    expansions = sorted({f"{term} {title}" for title, term in ABBR.findall(content)})
    terms = [html.escape(text, quote=False) for text in (*aliases, *expansions)]
    meta = (f'<span data-pagefind-meta="specialty">{html.escape(str(specialty), quote=False)}'
            "</span> · " if specialty else "")
    if not terms and not meta:
        return ""
    return (f'<p hidden data-pagefind-weight="{EXTRA_WEIGHT}">{meta}'
            + " · ".join(terms) + "</p>")


def served_bytes(path: Path) -> int:
    """Body bytes of ``path`` as deploy/nginx/protocols.conf serves it: gzip at nginx's
    default level (1) from ``gzip_min_length`` (256 bytes) on; Pagefind's own index files
    are gzipped already and go out as they are."""
    data = path.read_bytes()
    if path.suffix in (".pagefind", ".pf_meta", ".pf_index", ".pf_fragment") or len(data) < 256:
        return len(data)
    return len(gzip.compress(data, compresslevel=1))


def first_query_bytes(site_dir: Path, lang: str) -> int:
    """Body bytes a first query in ``lang`` transfers: what ``assets/search.js`` loads,
    that is the script and its stylesheet, Pagefind's loader (``pagefind.js``, no worker,
    no UI bundle), the entry and metadata files, the language's WebAssembly, the largest
    index chunk and the largest fragments of one page of results. An upper bound for one
    word, give or take nginx's framing of a gzipped body (a few bytes); HTTP headers
    (about 1 KB a response, most of it the security headers) are not counted."""
    bundle = site_dir / BUNDLE
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    info = entry["languages"][lang]
    files = [site_dir / "assets" / "search.js", site_dir / "assets" / "search.css",
             bundle / LOADER, bundle / "pagefind-entry.json",
             # A language without a stemmer uses the generic WebAssembly.
             bundle / f"wasm.{info.get('wasm') or 'unknown'}.pagefind",
             bundle / f"pagefind.{info['hash']}.pf_meta"]
    chunks = [served_bytes(p) for p in (bundle / "index").glob(f"{lang}_*.pf_index")]
    fragments = sorted((served_bytes(p) for p in (bundle / "fragment").glob(f"{lang}_*")),
                       reverse=True)[:RESULTS_PER_PAGE]
    return sum(served_bytes(p) for p in files) + max(chunks, default=0) + sum(fragments)
