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

from .problems import Problem

BUNDLE = "pagefind"
ABBR = re.compile(r'<abbr title="([^"]*)">([^<]*)</abbr>')
# Ranks a hit on an alias or a glossary expansion above one in running text.
EXTRA_WEIGHT = "5"


def _executable() -> str:
    import pagefind_bin  # the pinned binary from PyPI: no download at build time

    return str(pagefind_bin.get_executable())


def index_site(site_dir: Path) -> list[Problem]:
    """Index ``site_dir`` in place; a failure is a problem of the build, not a crash."""
    # Heading permalinks ("¶") are page furniture, not words a reader searches for.
    result = subprocess.run([_executable(), "--site", str(site_dir), "--output-subdir", BUNDLE,
                             "--exclude-selectors", ".headerlink", "--quiet"],
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["failed"]
        return [Problem("mkdocs.yml", 1, f"Pagefind: {detail[0]}")]
    return []


def extra_terms(content: str, aliases: list[str]) -> str:
    """Hidden text for the index: the page's aliases and the glossary expansions it uses.

    Readers search for "cytomegalovirus" or an alias as often as for "CMV"; neither
    is in the running text, so both go into one hidden paragraph that only Pagefind
    reads (``hidden``: not shown, not read out, not printed).
    """
    expansions = sorted({f"{term} {title}" for title, term in ABBR.findall(content)})
    terms = [html.escape(text, quote=False) for text in (*aliases, *expansions)]
    if not terms:
        return ""
    return (f'<p hidden data-pagefind-weight="{EXTRA_WEIGHT}">'
            + " · ".join(terms) + "</p>")


def first_query_bytes(site_dir: Path, lang: str) -> int:
    """Bytes a first query in ``lang`` transfers, as served gzipped (Pagefind's own index
    files are gzipped already): the UI, the loader, the language's WebAssembly, the entry
    and metadata files, the largest index chunk and the five largest result fragments.
    An upper bound of what the browser fetches for one word."""
    bundle = site_dir / BUNDLE
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    info = entry["languages"][lang]
    fixed = [bundle / name for name in ("pagefind-ui.js", "pagefind-ui.css", "pagefind.js")]
    text = sum(len(gzip.compress(p.read_bytes())) for p in fixed)
    text += len(gzip.compress((bundle / "pagefind-entry.json").read_bytes()))
    # A language without a stemmer uses the generic WebAssembly.
    wasm_bytes = (bundle / f"wasm.{info.get('wasm') or 'unknown'}.pagefind").stat().st_size
    meta = (bundle / f"pagefind.{info['hash']}.pf_meta").stat().st_size
    chunks = [p.stat().st_size for p in (bundle / "index").glob(f"{lang}_*.pf_index")]
    fragments = sorted((p.stat().st_size for p in (bundle / "fragment").glob(f"{lang}_*")),
                       reverse=True)[:5]
    return text + wasm_bytes + meta + max(chunks, default=0) + sum(fragments)
