"""The protocol syntax of a body, read once into a language-neutral form.

``[[id]]``, ``[[id#heading|label]]``, ``[@ref]`` and a ``[[calc:id]]`` line name other
things; which things does not depend on who reads the page. So a body is parsed once
(:attr:`~generator.sources.model.Body.syntax`): ``checks/links.py`` reports what it names
that does not exist, and each reader language's page (``pages/transforms.py``) only fills
in labels, hrefs and widgets. Code, fenced or in spans, stays as written (:func:`body_lines`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .prose import CODE_SPAN, body_lines

if TYPE_CHECKING:
    from .model import Body

CALC_LINE = re.compile(r"^\s*\[\[calc:([^\]|#]*)\]\]\s*$")
CALC_ANY = re.compile(r"\[\[calc:")
LINK = re.compile(r"\[\[([^\[\]|#]+)(?:#([^\[\]|]+))?(?:\|([^\[\]]+))?\]\]")
CITATION = re.compile(r"\[@([^\]\s]+)\]")


@dataclass(frozen=True, slots=True)
class Link:
    """``[[target#anchor|label]]``; ``raw`` is shown when the target does not exist."""

    target: str
    anchor: str
    label: str
    raw: str


@dataclass(frozen=True, slots=True)
class Citation:
    key: str
    raw: str


Piece = str | Link | Citation


@dataclass(frozen=True, slots=True)
class Prose:
    """Text between code spans: plain text, links and citations in order, and whether it
    names a calculator, which must stand on a line of its own."""

    pieces: tuple[Piece, ...]
    inline_calc: bool


@dataclass(frozen=True, slots=True)
class Line:
    """A line with protocol syntax: a widget line (``calc``), or prose and code spans."""

    number: int
    text: str  # as written
    calc: str | None
    parts: tuple[str | Prose, ...]  # a str is a code span, shown as written


@dataclass(frozen=True, slots=True)
class BodySyntax:
    """Every line of a body: a str is shown as written (code, or no syntax at all)."""

    lines: tuple[str | Line, ...]

    def references(self) -> Iterator[tuple[int, Link | Citation]]:
        """Each link and citation with its source line, in the order written."""
        for line in self.lines:
            if isinstance(line, Line):
                for part in line.parts:
                    if isinstance(part, Prose):
                        for piece in part.pieces:
                            if not isinstance(piece, str):
                                yield line.number, piece

    def links(self) -> Iterator[Link]:
        return (piece for _, piece in self.references() if isinstance(piece, Link))


def parse(body: Body) -> BodySyntax:
    """The body's lines, those with protocol syntax read into their pieces."""
    return BodySyntax(tuple(_line(number, text) if not code and _has_syntax(text) else text
                            for number, text, code in body_lines(body)))


def _has_syntax(text: str) -> bool:
    # Every form starts with "[[" or "[@": a line with neither is shown as written.
    return "[[" in text or "[@" in text


def _line(number: int, text: str) -> Line:
    calc = CALC_LINE.match(text)
    if calc:
        return Line(number, text, calc.group(1).strip(), ())
    if "`" not in text:
        return Line(number, text, None, (_prose(text),))
    parts: list[str | Prose] = []
    position = 0
    for span in CODE_SPAN.finditer(text):
        parts += [_prose(text[position:span.start()]), span.group(0)]
        position = span.end()
    parts.append(_prose(text[position:]))
    return Line(number, text, None, tuple(parts))


def _prose(text: str) -> Prose:
    if not _has_syntax(text):
        return Prose((text,) if text else (), False)
    pieces: list[Piece] = []
    position = 0
    for match in LINK.finditer(text):
        pieces += _citations(text[position:match.start()])
        pieces.append(Link(match.group(1).strip(), (match.group(2) or "").strip(),
                           (match.group(3) or "").strip(), match.group(0)))
        position = match.end()
    pieces += _citations(text[position:])
    return Prose(tuple(pieces), CALC_ANY.search(text) is not None)


def _citations(text: str) -> list[Piece]:
    if "[@" not in text:
        return [text] if text else []
    pieces: list[Piece] = []
    position = 0
    for match in CITATION.finditer(text):
        pieces += [text[position:match.start()], Citation(match.group(1), match.group(0))]
        position = match.end()
    pieces.append(text[position:])
    return [piece for piece in pieces if piece != ""]
