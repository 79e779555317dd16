"""MkDocs hooks (a documented MkDocs feature), registered by :mod:`generator.mkdocs_site`.

Only the content of each page passes the sanitiser: Material's own chrome
(header, navigation, search, its scripts) is the theme's, not the editors'.
"""

from __future__ import annotations

from typing import Any

from generator.sanitize import sanitize_html


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    return sanitize_html(html)
