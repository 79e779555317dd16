"""The prose of a body: its text outside code, with source line numbers.

Checks that read what editors wrote (numbers, lint, raw HTML) skip code, because
code is shown literally and escaped: a ``<script>`` or ``0.5`` inside backticks is
an example, not content. Code is blanked with spaces rather than removed so that
offsets, and therefore line numbers, stay those of the source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from markdown.extensions.attr_list import get_attrs_and_remainder
from markdown.extensions.fenced_code import FencedBlockPreprocessor

if TYPE_CHECKING:  # the model parses its bodies' syntax through this module
    from .model import Body

# The engine's own rule (mkdocs.yml enables ``fenced_code``): a fence starts at column 0,
# ends with the very same fence, and a block that is never closed is not code at all.
FENCED_BLOCK = FencedBlockPreprocessor.FENCED_BLOCK_RE
# A line that opens a fence as the engine would, whether or not it is ever closed.
OPENING_FENCE = re.compile(r"(?:`{3,}[^`]*|~{3,}.*)")
CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")
TAB_LENGTH = 4  # Python-Markdown expands tabs before it looks for fences


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def fenced_lines(text: str) -> set[int]:
    """The 0-based numbers of the lines that Python-Markdown's fenced_code turns into code.

    The fences themselves count as code. It follows ``FencedBlockPreprocessor.run``: the same
    pattern over the same tab-expanded text, and the same skip of a ``{`` that never closes.
    """
    expanded = text.expandtabs(TAB_LENGTH)
    lines: set[int] = set()
    index = 0
    while match := FENCED_BLOCK.search(expanded, index):
        if match.group("attrs") and get_attrs_and_remainder(match.group("attrs"))[1]:
            index = match.end("attrs")
            continue
        first = expanded.count("\n", 0, match.start())
        last = expanded.count("\n", 0, match.end())
        lines.update(range(first, last + 1))
        index = match.end()
    return lines


def body_lines(body: Body) -> Iterator[tuple[int, str, bool]]:
    """Every line of the body with its source line number and whether it is fenced code.

    The one place that knows where code blocks start and end: the heading reader, the link
    resolver, the link graph and every check read the body through it, so they agree with
    each other and with the engine on what is code.
    """
    code = fenced_lines(body.text)
    for offset, line in enumerate(body.text.split("\n")):
        yield body.first_line + offset, line, offset in code


def prose_lines(body: Body) -> Iterator[tuple[int, str]]:
    """Every line outside fenced code, code spans blanked, with its line number."""
    for number, line, code in body_lines(body):
        if not code:
            yield number, CODE_SPAN.sub(_blank, line)


def prose_text(body: Body) -> str:
    """The whole body with code blanked: for patterns that may span lines (HTML tags)."""
    lines = body.text.split("\n")
    kept = dict(prose_lines(body))
    return "\n".join(kept.get(body.first_line + i, " " * len(line))
                     for i, line in enumerate(lines))


def line_of_offset(body: Body, text: str, offset: int) -> int:
    return body.first_line + text.count("\n", 0, offset)
