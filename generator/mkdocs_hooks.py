"""MkDocs hooks (a documented MkDocs feature), registered by :mod:`generator.mkdocs_site`.

Only the content of each page passes the sanitiser: Material's own chrome
(header, navigation, search, its scripts) is the theme's, not the editors'.
"""

from __future__ import annotations

import re
from typing import Any

from generator.sanitize import sanitize_html
from generator.search import extra_terms

SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
SEARCH_LABEL = re.compile(r'class="md-search__input"[^>]*?aria-label="([^"]*)"')


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    # The search terms are added after sanitising: they are escaped text of our own.
    clean = sanitize_html(html)
    aliases = page.meta.get("aliases") or []
    return clean + extra_terms(clean, [str(alias) for alias in aliases])


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
VERBATIM = r"<(?P<tag>pre|textarea|script|style)\b.*?</(?P=tag)\s*>"
WHITESPACE = re.compile(rf"({VERBATIM})|[ \t]*\n\s*", re.S | re.I)


def collapse_whitespace(html: str) -> str:
    """Collapse each run of whitespace that holds a line break to one line break.

    Material's templates indent deeply; on a protocol page that is about a tenth of the
    bytes a reader downloads. Outside preformatted text a run of whitespace renders as
    one space, so one line break renders the same; preformatted text, scripts and styles
    are left as they are.
    """
    return WHITESPACE.sub(lambda m: m.group(1) or "\n", html)
