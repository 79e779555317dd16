"""Plain text placed into generated Markdown."""

from __future__ import annotations

import html


def markdown_text(text: str) -> str:
    """Source text shown as written: no Markdown or HTML in a note becomes markup.

    A changelog note may quote what was corrected, e.g. a `tel:` link; quoting it
    must not publish the link again.
    """
    escaped = html.escape(text, quote=False).replace("\\", "\\\\")
    for char in "`*_[]{}()!#<>":
        escaped = escaped.replace(char, "\\" + char)
    return escaped


def yaml_string(text: str) -> str:
    """``text`` as a double-quoted YAML scalar, for generated front matter."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def link_label(text: str) -> str:
    """``text`` safe inside the brackets of a Markdown link."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
