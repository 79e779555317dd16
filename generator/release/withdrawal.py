"""Withdrawing a release: pure functions from its published files to their marked copies.

A withdrawn release leaves ``versions.json`` (so the version selector), and ``latest``
moves back when it pointed there; its pages stay where links and bookmarks find them,
each with a bar that says it was withdrawn and why. The bar is self-contained: one
element with ``data-withdrawn`` (the reason) and the release's own ``withdrawn.css``,
so it needs nothing of the theme it was built with.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from typing import Any

from ..pages.paths import built_url, in_release, to_site_root
from ..pages.withdrawn import history_note
from ..sources.model import SiteConfig
from ..sources.releases import LATEST, ReleaseError

STYLESHEET = "withdrawn.css"
CSS = """\
/* The bar of a withdrawn release (protocols withdraw): always on screen, and printed. */
.protocols-withdrawn { position: fixed; left: 0; right: 0; bottom: 0; z-index: 10;
  margin: 0; padding: .6rem 1rem; background: #b71c1c; color: #fff; font-weight: 700;
  font-size: .8rem; line-height: 1.4; }
.protocols-withdrawn a { color: #fff; text-decoration: underline; }
body { padding-bottom: 5rem; }
@media print {
  .protocols-withdrawn { position: static; display: block !important; color: #000;
    background: none; border: 2px solid #000; }
  .protocols-withdrawn a { display: none; }
}
"""
MAX_REASON = 300
BODY = re.compile(r"<body\b[^>]*>", re.I)
HEAD_END = re.compile(r"</head\s*>", re.I)
LANG = re.compile(r"<html\b[^>]*\blang=\"([^\"]+)\"", re.I)


def check_reason(reason: str) -> str:
    """The reason, trimmed; ReleaseError unless it is one line of plain text."""
    text = reason.strip()
    if not text:
        raise ReleaseError("give the reason readers will see: --reason TEXT")
    if len(text) > MAX_REASON:
        raise ReleaseError(f"the reason is {len(text)} characters long; at most {MAX_REASON}")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in text):
        raise ReleaseError("the reason must be one line of text, without control or "
                           "formatting characters")
    return text


def without_release(versions: list[dict[str, Any]], release: str,
                    successor: str) -> tuple[list[dict[str, Any]], bool]:
    """``versions.json`` without ``release``; ``latest`` moved to ``successor`` if it was there.

    Returns the new list and whether ``latest`` moved.
    """
    moved = any(v["version"] == release and LATEST in v.get("aliases", []) for v in versions)
    result = []
    for entry in versions:
        if entry["version"] == release:
            continue
        aliases = [a for a in entry.get("aliases", []) if not (moved and a == LATEST)]
        if moved and entry["version"] == successor:
            aliases = [LATEST, *aliases]
        result.append({**entry, "aliases": aliases})
    return result, moved


def versions_json(versions: list[dict[str, Any]]) -> bytes:
    return (json.dumps(versions) + "\n").encode("utf-8")


def mark_page(page: str, path: str, reason: str, site: SiteConfig) -> str:
    """The page at ``path`` (inside its release folder) with the withdrawn bar and its style."""
    here = built_url(path)
    match = LANG.search(page)
    lang = match.group(1) if match and match.group(1) in site.codes else site.default_language
    bar = (f'<div class="protocols-withdrawn" role="alert" '
           f'data-withdrawn="{html.escape(reason)}">'
           f'{html.escape(site.text("release_withdrawn", lang, reason=reason))} '
           f'<a href="{html.escape(in_release(here, LATEST, here))}">'
           f'{html.escape(site.text("release_withdrawn_link", lang))}</a></div>')
    style = f'<link rel="stylesheet" href="{to_site_root(here)}{STYLESHEET}">'
    page = HEAD_END.sub(lambda m: style + m.group(0), page, count=1)
    return BODY.sub(lambda m: m.group(0) + bar, page, count=1)


def mark_history(page: str, release: str, reason: str, site: SiteConfig) -> str:
    """A built History page with the note after each link to ``release``."""
    match = LANG.search(page)
    lang = match.group(1) if match and match.group(1) in site.codes else site.default_language
    link = re.compile(r'<a class="release-link" href="(?:\.\./)+' + re.escape(release)
                      + r'/[^"]*">.*?</a>', re.S)
    return link.sub(lambda m: m.group(0) + history_note(reason, lang, site), page)
