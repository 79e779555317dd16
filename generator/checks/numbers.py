"""Translations carry the original's numbers.

A dose of 5 mg/kg translated as 50 mg/kg, or "2 dd" as "three times daily", is the
translation error that harms patients. For every translation of the protocol's
current version, the numbers of each section (heading id) of the original must
be those of the same section of the translation, compared as numbers:

- numbers are read in the language's own notation (CLDR's decimal and group
  symbols): "10.000" in Dutch or Indonesian is ten thousand, "0,5" a half; English
  writes "10,000" and "0.5";
- a frequency written in words carries its number: "twice daily", "dua kali
  sehari" and "tweemaal daags" carry a 2, as "2 dd" and "2dd" do (the words of each
  language are data: ``site_config/languages/<code>.yaml``).

A deliberate difference is acknowledged in the translation's front matter under
``number_exceptions``, with a reason, so it stays visible to every reviewer.
Numbers that are names rather than quantities (UL97, CD4, COVID-19), list
numbering, heading ids, citations, link targets and code are not compared.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from ..sources.languages import Words, all_words, words
from ..sources.model import Body, NumberException, Protocol
from ..sources.numerals import NUMBER, parse_number
from ..sources.problems import Problems
from ..sources.prose import prose_lines

# ---------------------------------------------------------------- reading numbers

UNIT = re.compile(r"\s?([^\W\d_][\w/µμ°%-]{0,11}|%)")

# Markup whose digits are not clinical numbers; replaced before numbers are read. Each
# pattern comes with a text it cannot match without (or None): a line without that text
# is not searched, and most lines of a protocol hold none of them.
NOT_PROSE: tuple[tuple[re.Pattern[str], str, str | None], ...] = (
    (re.compile(r"\{[:#.][^}]*\}"), " ", "{"),                               # ids, attr lists
    (re.compile(r"\[@[^\]]*\]"), " ", "[@"),                                 # citations
    (re.compile(r"\[\[[^\]|]*\|([^\]]*)\]\]"), r" \1 ", "[["),               # [[id|label]]
    (re.compile(r"\[\[[^\]]*\]\]"), " ", "[["),                              # [[id#anchor]]
    (re.compile(r"^\s*\[[^\]]+\]:\s*\S+.*$"), " ", "]:"),                    # link definitions
    (re.compile(r"\]\([^)]*\)"), "] ", "]("),                                # link targets
    (re.compile(r"<[^>]*>"), " ", "<"),                                     # HTML tags
    (re.compile(r"\b[a-z][a-z0-9+.-]*:[^\s)\]>]+", re.I), " ", ":"),         # URLs
    (re.compile(r"^(\s*(?:[-*+>]\s+)*)\d+[.)](?=\s)"), r"\1 ", None),         # list numbering
    (re.compile(r"\bq(\d+)h\b"), r" \1 ", "q"),                              # q8h: every 8 hours
)


def without_markup(line: str) -> str:
    """``line`` with the markup of :data:`NOT_PROSE` replaced, in that order."""
    for pattern, replacement, needs in NOT_PROSE:
        if needs is None or needs in line:
            line = pattern.sub(replacement, line)
    return line


@dataclass(frozen=True)
class Occurrence:
    value: Decimal
    written: str
    unit: str
    line: int

    def describe(self) -> str:
        return f"{self.written} ({self.unit})" if self.unit else self.written


@dataclass(frozen=True)
class Section:
    id: str
    start: int
    end: int
    numbers: tuple[Occurrence, ...]


@functools.cache
def _frequency_rules(lang_words: Words) -> tuple[re.Pattern[str], tuple[tuple[re.Pattern[str], Any], ...]]:
    """The rewrites of :func:`_words_to_digits` for one language's words, in order, and a
    pattern that finds a word every one of them needs ("times", "maal", "kali", ...)."""
    counts = dict(lang_words.count_words)
    rules: list[tuple[re.Pattern[str], Any]] = []
    after = [f"\\s+(?:{_any(lang_words.times_words)})"] if lang_words.times_words else []
    endings = [*map(re.escape, lang_words.times_suffixes), *after]
    if counts and endings:
        rules.append((re.compile(rf"\b({_any(counts)})(?:{'|'.join(endings)})\b", re.I),
                      lambda m: f" {counts[m.group(1).lower()]} "))
    rules += [(re.compile(rf"\b{re.escape(word)}\b", re.I), f" {value} ")
              for word, value in lang_words.frequency_words]
    rules += [(re.compile(rf"\b{re.escape(word)}(?=\s+(?:{_any(before)})\b)", re.I), f" {value} ")
              for word, value, before in lang_words.frequency_words_before]
    needed = [*lang_words.times_words, *lang_words.times_suffixes, *dict(lang_words.frequency_words),
              *(word for word, _, _ in lang_words.frequency_words_before)]
    return re.compile(_any(needed) if needed else r"(?!)", re.I), tuple(rules)


def _any(words: Iterable[str]) -> str:
    return "|".join(re.escape(word) for word in words)


def _words_to_digits(line: str, lang: str) -> str:
    needs, rules = _frequency_rules(words(lang))
    if not needs.search(line):
        return line
    for regex, replacement in rules:
        line = regex.sub(replacement, line)
    return line


def numbers_in_line(line: str, number: int, lang: str) -> list[Occurrence]:
    line = _words_to_digits(without_markup(line), lang)
    found: list[Occurrence] = []
    units = _unit_words(all_words())
    for match in NUMBER.finditer(line):
        unit_match = UNIT.match(line, match.end())
        unit = unit_match.group(1).rstrip(".-") if unit_match else ""
        if not ("/" in unit or "%" in unit or unit.lower() in units):
            unit = ""
        for value in parse_number(match.group(0), lang):
            found.append(Occurrence(value, match.group(0), unit, number))
    return found


@functools.cache
def _unit_words(every: tuple[Words, ...]) -> frozenset[str]:
    """Words shown after a number in messages: the units of every site language, since a
    translation may keep the original's unit; anything else is not a unit ("7 geen")."""
    return frozenset(unit for each in every for unit in each.unit_words)


def sections(body: Body) -> list[Section]:
    """The body's sections, split at every heading; text before the first has id ''."""
    last = body.first_line + len(body.text.rstrip("\n").split("\n")) - 1
    starts = [("", body.first_line)] + [(h.id, h.line) for h in body.headings]
    bounds = [(sid, start, (starts[i + 1][1] - 1) if i + 1 < len(starts) else last)
              for i, (sid, start) in enumerate(starts)]
    found: dict[str, list[Occurrence]] = {sid: [] for sid, _, _ in bounds}
    for line_no, text in prose_lines(body):
        sid = next(s for s, start, end in reversed(bounds) if line_no >= start)
        found[sid].extend(numbers_in_line(text, line_no, body.lang))
    return [Section(sid, start, end, tuple(found[sid])) for sid, start, end in bounds]


# ---------------------------------------------------------------- the check


def check_protocol_numbers(protocol: Protocol, problems: Problems) -> None:
    left: list[Section] | None = None  # the original's, read once for all translations
    for lang, body in sorted(protocol.bodies.items()):
        if lang == protocol.original_language:
            continue
        # Only translations of the current version must match; an outdated one
        # is marked as such on its page, and its numbers may rightly differ.
        if body.translation_of_version == protocol.version:
            left = left if left is not None else sections(protocol.original)
            _compare(protocol, left, body, problems)


def _compare(protocol: Protocol, left: list[Section], translation: Body,
             problems: Problems) -> None:
    original = protocol.original
    right = sections(translation)
    if [s.id for s in left] != [s.id for s in right]:
        return  # validate reports the differing headings; sections cannot be paired
    used: set[NumberException] = set()
    for ours, theirs in zip(left, right, strict=False):
        _report(original, ours, translation, theirs, translation, used, problems)
        _report(translation, theirs, original, ours, translation, used, problems)
    for exception in translation.number_exceptions:
        if exception not in used:
            problems.warning(translation.path, exception.line,
                             f"number exception '{exception.written}' matches no difference "
                             f"from {_name(original)}", "remove it")


def _report(has: Body, section: Section, lacks: Body, other: Section, translation: Body,
            used: set[NumberException], problems: Problems) -> None:
    """Report each number of ``section`` in ``has`` that ``other`` in ``lacks`` does not carry."""
    unmatched = Counter(o.value for o in section.numbers) - Counter(o.value for o in other.numbers)
    for value, count in unmatched.items():
        exception = next((e for e in translation.number_exceptions if e.value == value
                          and e.section in (None, section.id)), None)
        if exception is not None:
            used.add(exception)
            continue
        occurrences = [o for o in section.numbers if o.value == value][-count:]
        for occurrence in occurrences:
            # Reported in the translation: it is what must change, or say why it differs.
            line = occurrence.line if has is translation else other.start
            problems.error(
                translation.path, line,
                f"{_name(has)}:{occurrence.line} has {occurrence.describe()} with no match in "
                f"{_name(lacks)} {_where(other)} ({_name(lacks)}:{other.start}-{other.end})",
                f"write the same number, or acknowledge the difference under "
                f"number_exceptions in {_name(translation)}")


def _name(body: Body) -> str:
    return PurePosixPath(body.path).name


def _where(section: Section) -> str:
    return f"section '{section.id}'" if section.id else "before the first heading"
