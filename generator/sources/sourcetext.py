"""Reading a source file: UTF-8, line endings, size limits and invisible characters.

Every source an editor writes (protocol YAML and bodies, the glossary, calculator
specs, site settings) is read here, so each rule holds for all of them and each
refusal names the file and line: a file too large, a line too long, bytes that are
not UTF-8, and Unicode format characters (category Cf: bidi overrides and isolates,
zero-width spaces, soft hyphens...), which can make a page show what the checks did
not read, e.g. "Geef U+202E 15 U+202C mg/kg" displayed as "51 mg/kg".
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .problems import Problem

# Far above any real source (the longest seed file is under 20 KB, its longest line
# under 1,000 characters), and low enough that the Markdown engine's slowest inputs
# still build in seconds.
MAX_FILE_BYTES = 500_000
MAX_LINE_CHARS = 4_000
# Lists and quotes nested deeper make the Markdown engine recurse until it fails.
MAX_NESTING = 12
_OPENERS = re.compile(r"(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])|[ \t])*")
_MARKER = re.compile(r">|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t])")

# The joiners shape letters in scripts that need them (Arabic, Indic, emoji sequences):
# allowed between two letters or marks, nowhere else.
JOINERS = frozenset("\u200c\u200d")
_FORMAT = re.compile("[" + "".join(
    re.escape(chr(c)) for c in range(0x110000) if unicodedata.category(chr(c)) == "Cf") + "]")


def read_source(path: Path, rel: str) -> tuple[str | None, list[Problem]]:
    """The text of ``path`` (``rel`` in messages), or ``None`` if it cannot be used.

    A byte-order mark is dropped, and CRLF and lone CR line endings become LF.
    """
    raw = path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(rel, 1, f"file is {len(raw):,} bytes; the limit is "
                              f"{MAX_FILE_BYTES:,}", hint="split it into several protocols")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(rel, line, f"file is not valid UTF-8 (byte {exc.start + 1})",
                              hint="save the file as UTF-8")]
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    problems = _long_lines(text, rel)
    if problems:
        return None, problems
    return text, format_characters(text, rel)


def _long_lines(text: str, rel: str) -> list[Problem]:
    problems = []
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            problems.append(Problem(rel, number, f"line is {len(line):,} characters long; "
                                    f"the limit is {MAX_LINE_CHARS:,}",
                                    hint="break it into shorter lines or paragraphs"))
    return problems


def nesting_problems(text: str, rel: str, first_line: int = 1) -> list[Problem]:
    """An error at the first Markdown line nested deeper than :data:`MAX_NESTING` levels.

    A level is a quote marker, a list marker or four columns of indentation.
    """
    for number, line in enumerate(text.split("\n"), start=first_line):
        opening = _OPENERS.match(line).group()  # type: ignore[union-attr]  # matches ""
        markers = _MARKER.findall(opening)
        spaces = _MARKER.sub("", opening).expandtabs(4)
        depth = len(markers) + len(spaces) // 4
        if depth > MAX_NESTING:
            return [Problem(rel, number, f"lists or quotes nested {depth} levels deep; the "
                            f"limit is {MAX_NESTING}",
                            hint="flatten the list, or split it under headings")]
    return []


def format_characters(text: str, rel: str, first_line: int = 1) -> list[Problem]:
    """An error at each line of ``text`` with an invisible format character."""
    problems = []
    for match in _FORMAT.finditer(text):
        char, at = match.group(), match.start()
        if char in JOINERS and _between_letters(text, at):
            continue
        name = unicodedata.name(char, "format character")
        problems.append(Problem(rel, text.count("\n", 0, at) + first_line,
                                f"invisible character U+{ord(char):04X} ({name}) is not "
                                "allowed: it can change how the text around it is shown",
                                hint="delete it; retype the text around it if unsure"))
    return problems


def _between_letters(text: str, at: int) -> bool:
    def letter(index: int) -> bool:
        return 0 <= index < len(text) and unicodedata.category(text[index])[0] in "LMS"

    return letter(at - 1) and letter(at + 1)
