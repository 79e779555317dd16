"""MkDocs hooks (a documented MkDocs feature), registered by :mod:`generator.mkdocs_site`.

Only the content of each page passes the sanitiser: Material's own chrome
(header, navigation, search, its scripts) is the theme's, not the editors'.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from generator.sanitize import sanitize_html
from generator.search import extra_terms

SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
SEARCH_LABEL = re.compile(r'class="md-search__input"[^>]*?aria-label="([^"]*)"')


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    # The search terms are added after sanitising: they are escaped text of our own.
    clean = sanitize_html(html)
    aliases = page.meta.get("aliases") or []  # HTML-escaped in the front matter (yaml_string)
    return clean + extra_terms(clean, [unescape(str(alias)) for alias in aliases])


def on_post_page(output: str, page: Any, config: Any) -> str:
    return collapse_whitespace(_name_search_dialog(output))


def _name_search_dialog(output: str) -> str:
    """Name Material's search dialog after its own (translated) search label.

    axe-core: a dialog needs an accessible name (aria-dialog-name, serious); the theme
    gives its search field one but not the dialog around it.
    """
    label = SEARCH_LABEL.search(output)
    if label is None:
        return output
    named = SEARCH_DIALOG.replace('role="dialog"', f'role="dialog" aria-label="{label.group(1)}"')
    return output.replace(SEARCH_DIALOG, named, 1)


# Elements whose text is kept byte for byte: preformatted text, and scripts and styles
# (the CSP names Material's inline scripts by the hash of their exact text).
VERBATIM = re.compile(r"<(?P<tag>pre|textarea|script|style)\b.*?</(?P=tag)\s*>", re.S | re.I)
# HTML's own whitespace (not Python's \s, which takes a no-break space for one): a line
# break and all the whitespace after it.
BREAK = re.compile(r"\n[ \t\n\r\f]*")
TRAILING = " \t\r\f"


def collapse_whitespace(html: str) -> str:
    """Collapse each run of whitespace that holds a line break to one line break.

    Material's templates indent deeply; on a protocol page that is about a tenth of the
    bytes a reader downloads. Outside preformatted text a run of whitespace renders as
    one space, so one line break renders the same; preformatted text, scripts and styles
    are left as they are.
    """
    parts: list[str] = []
    start = 0
    for verbatim in VERBATIM.finditer(html):
        parts += (_collapse(html[start:verbatim.start()]), verbatim.group(0))
        start = verbatim.end()
    parts.append(_collapse(html[start:]))
    return "".join(parts)


def _collapse(text: str) -> str:
    # One pass for the line breaks and what follows them; the whitespace before each is
    # stripped line by line (a regular expression for it tries every position: 3x slower).
    lines = BREAK.sub("\n", text).split("\n")
    last = lines.pop()  # not followed by a line break: its trailing spaces stay
    return "\n".join([line.rstrip(TRAILING) for line in lines] + [last])
