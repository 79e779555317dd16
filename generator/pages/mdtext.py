"""Plain text placed into generated Markdown."""

from __future__ import annotations

import html
import re


def markdown_text(text: str) -> str:
    """Source text shown as written: no Markdown or HTML in a note becomes markup.

    A changelog note may quote what was corrected, e.g. a `tel:` link; quoting it
    must not publish the link again.
    """
    escaped = html.escape(text, quote=False).replace("\\", "\\\\")
    for char in "`*_[]{}()!#<>":
        escaped = escaped.replace(char, "\\" + char)
    return escaped


def heading_text(text: str) -> str:
    """A title as the text of a generated heading: shown as written, never markup.

    Like :func:`markdown_text`, but parentheses stay as they are: without brackets
    they make no link, and titles often have them.
    """
    escaped = html.escape(text, quote=False).replace("\\", "\\\\")
    for char in "`*_[]{}!#<>":
        escaped = escaped.replace(char, "\\" + char)
    return escaped


def yaml_string(text: str) -> str:
    """``text`` as a double-quoted YAML scalar, for generated front matter.

    HTML-escaped too: the theme puts front matter (``title``, ``description``) into the
    page head and header as HTML, unescaped, so a quote could otherwise end an attribute.
    """
    escaped = html.escape(text, quote=False).replace('"', "&quot;").replace("\\", "\\\\")
    return f'"{escaped}"'


def link_label(text: str) -> str:
    """``text`` safe inside the brackets of a Markdown link: brackets, emphasis and code
    marks shown as written."""
    return re.sub(r"([\[\]\\*_`])", r"\\\1", text)
