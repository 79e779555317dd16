"""The prose of a body: its text outside code, with source line numbers.

Checks that read what editors wrote (numbers, lint, raw HTML) skip code, because
code is shown literally and escaped: a ``<script>`` or ``0.5`` inside backticks is
an example, not content. Code is blanked with spaces rather than removed so that
offsets, and therefore line numbers, stay those of the source.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .model import Body

FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def body_lines(body: Body) -> Iterator[tuple[int, str, bool]]:
    """Every line of the body with its source line number and whether it is fenced code.

    The one place that knows where code blocks start and end: the link resolver, the
    link graph and every check read the body through it, so they agree on what is code.
    """
    fence: str | None = None
    for offset, line in enumerate(body.text.split("\n")):
        marker = FENCE.match(line)
        if marker:
            token = marker.group(1)
            if fence is None:
                fence = token[0] * 3
            elif token.startswith(fence):
                fence = None
            yield body.first_line + offset, line, True
            continue
        yield body.first_line + offset, line, fence is not None


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
