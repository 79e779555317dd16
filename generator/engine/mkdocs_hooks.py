"""MkDocs hooks (a documented MkDocs feature), registered by :mod:`generator.engine.mkdocs_site`.

Only the content of each page passes the sanitiser: Material's own chrome
(header, navigation, search, its scripts) is the theme's, not the editors'.
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from generator.checks.sanitize import sanitize_html
from generator.engine.search import extra_terms


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    # The search terms are added after sanitising: they are escaped text of our own.
    clean = sanitize_html(html)
    # Aliases are HTML-escaped in the front matter (yaml_string).
    words = [unescape(str(word)) for key in ("aliases", "synonyms") for word in page.meta.get(key) or []]
    # First, before any heading: Pagefind files it under no section of the page, so no
    # section's excerpt is made of it.
    return extra_terms(clean, words, page.meta.get("specialty")) + clean


def on_post_page(output: str, page: Any, config: Any) -> str:
    return collapse_whitespace(_without_alternate_links(output))


# Material's <head> links to each language's version of the page; its script then asks
# for a sitemap.xml beside each of them, which no release has (a 404 per language on
# every page). The language switcher in the header links to the same pages.
ALTERNATE_LINK = re.compile(r'<link rel="alternate" href="[^"]*" hreflang="[^"]*">[ \t]*\n?')


def _without_alternate_links(output: str) -> str:
    head_end = output.find("</head>")
    return ALTERNATE_LINK.sub("", output[:head_end]) + output[head_end:] if head_end >= 0 \
        else output


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
    # stripped line by line (a regular expression for it would try a match at every
    # position of the page, not only at the line ends).
    lines = BREAK.sub("\n", text).split("\n")
    last = lines.pop()  # not followed by a line break: its trailing spaces stay
    return "\n".join([line.rstrip(TRAILING) for line in lines] + [last])
