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
    """Name Material's search dialog after its own (translated) search label.

    axe-core: a dialog needs an accessible name (aria-dialog-name, serious); the theme
    gives its search field one but not the dialog around it.
    """
    label = SEARCH_LABEL.search(output)
    if label is None:
        return output
    named = SEARCH_DIALOG.replace('role="dialog"', f'role="dialog" aria-label="{label.group(1)}"')
    return output.replace(SEARCH_DIALOG, named, 1)
