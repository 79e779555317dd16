"""Translations carry the original's numbers.

A dose of 5 mg/kg translated as 50 mg/kg, or "2 dd" as "three times daily", is the
translation error that harms patients. For every translation of the protocol's
current version, the numbers of each section (heading id) of the original must
be those of the same section of the translation, compared as numbers:

- "10.000" in Dutch or Indonesian is ten thousand, "0,5" a half; English writes
  "10,000" and "0.5";
- a frequency written in words carries its number: "twice daily", "dua kali
  sehari" and "tweemaal daags" carry a 2, as "2 dd" and "2dd" do.

A deliberate difference is acknowledged in the translation's front matter under
``number_exceptions``, with a reason, so it stays visible to every reviewer.
Numbers that are names rather than quantities (UL97, CD4, COVID-19), list
numbering, heading ids, citations, link targets and code are not compared.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

from .model import Body, NumberException, Protocol
from .problems import Problems
from .prose import prose_lines
from .yamlpos import LineList, LineMap

# ---------------------------------------------------------------- reading numbers

NUMBER = re.compile(r"(?<!\w)(?<![^\W\d_]-)\d+(?:[.,]\d+)*")
UNIT = re.compile(r"\s?([^\W\d_][\w/µμ°%-]{0,11}|%)")
# Words shown after a number in messages; anything else is not a unit ("7 geen").
UNIT_WORDS = frozenset(["mg", "g", "kg", "mcg", "µg", "μg", "ng", "ml", "l", "dl", "iu", "u", "ie", "mmol", "umol", "µmol", "μmol", "mol", "meq", "h", "hr", "hrs", "uur", "jam", "min", "d", "dd", "dag", "dagen", "day", "days", "hari", "w", "wk", "week", "weeks", "weken", "minggu", "month", "months", "maand", "maanden", "bulan", "x", "log", "kali", "keer", "times"])
ENGLISH_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
DOTTED_GROUPED = re.compile(r"^\d{1,3}(\.\d{3})+(,\d+)?$")
PLAIN_POINT = re.compile(r"^\d+(\.\d+)?$")
PLAIN_COMMA = re.compile(r"^\d+(,\d+)?$")

# Markup whose digits are not clinical numbers; replaced before numbers are read. Each
# pattern comes with a text it cannot match without (or None): a line without that text
# is not searched, which saves most of the time of the checks on long protocols.
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


COUNT_WORDS = {
    "en": {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6},
    "nl": {"een": 1, "één": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6},
    "id": {"satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6},
}
# Frequencies in words: "<count> times", and the single words for once/twice.
FREQUENCY = {
    "en": (r"\b({counts})\s+times\b", {"once": 1, "twice": 2, "thrice": 3}),
    "nl": (r"\b({counts})(?:maal|\s+maal|\s+keer)\b",
           {"eenmaal": 1, "eenmalig": 1, "tweemaal": 2, "driemaal": 3, "viermaal": 4}),
    # "sekali" alone also means "very"; only before a period of time is it "once".
    "id": (r"\b({counts})\s+kali\b", {}),
}
ID_ONCE = re.compile(r"\bsekali(?=\s+(?:sehari|seminggu|sebulan|setiap|tiap|per)\b)", re.I)


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


def parse_number(text: str, lang: str) -> list[Decimal]:
    """One written number in ``lang``'s notation; a list of several when it is one."""
    if lang == "en":
        if ENGLISH_GROUPED.match(text):
            return [Decimal(text.replace(",", ""))]
        if PLAIN_POINT.match(text):
            return [Decimal(text)]
    else:
        if DOTTED_GROUPED.match(text):
            return [Decimal(text.replace(".", "").replace(",", "."))]
        if PLAIN_COMMA.match(text):
            return [Decimal(text.replace(",", "."))]
        if PLAIN_POINT.match(text):
            # "0.5" where "0,5" is meant: read as meant; the lint warns about it.
            return [Decimal(text)]
    # "1,5,7" or "1.2.3": a list of numbers, not one.
    return [Decimal(part) for part in re.split(r"[.,]", text)]


@functools.cache
def _frequency_rules(lang: str) -> tuple[re.Pattern[str], tuple[tuple[re.Pattern[str], Any], ...]]:
    """The rewrites of :func:`_words_to_digits` in ``lang``, in order, and a pattern that
    finds a word every one of them needs ("times", "maal", "kali", ...)."""
    pattern, singles = FREQUENCY.get(lang, FREQUENCY["en"])
    counts = COUNT_WORDS.get(lang, COUNT_WORDS["en"])
    rules: list[tuple[re.Pattern[str], Any]] = [
        (re.compile(pattern.format(counts="|".join(counts)), re.I),
         lambda m: f" {counts[m.group(1).lower()]} ")]
    rules += [(re.compile(rf"\b{word}\b", re.I), f" {value} ") for word, value in singles.items()]
    if lang == "id":
        rules.append((ID_ONCE, " 1 "))
    needed = {"en": ["times"], "nl": ["maal", "keer"], "id": ["kali"]}.get(lang, ["times"])
    return re.compile("|".join([*needed, *singles]), re.I), tuple(rules)


def _words_to_digits(line: str, lang: str) -> str:
    needs, rules = _frequency_rules(lang)
    if not needs.search(line):
        return line
    for regex, replacement in rules:
        line = regex.sub(replacement, line)
    return line


def numbers_in_line(line: str, number: int, lang: str) -> list[Occurrence]:
    line = _words_to_digits(without_markup(line), lang)
    found: list[Occurrence] = []
    for match in NUMBER.finditer(line):
        unit_match = UNIT.match(line, match.end())
        unit = unit_match.group(1).rstrip(".-") if unit_match else ""
        if not ("/" in unit or "%" in unit or unit.lower() in UNIT_WORDS):
            unit = ""
        for value in parse_number(match.group(0), lang):
            found.append(Occurrence(value, match.group(0), unit, number))
    return found


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


# ---------------------------------------------------------------- exceptions


def parse_exceptions(value: Any, rel: str, line: int, lang: str,
                     problems: Problems) -> tuple[NumberException, ...]:
    """Read ``number_exceptions`` from a front matter: a list of number, reason, section."""
    if value is None:
        return ()
    if not isinstance(value, LineList):
        problems.error(rel, line, "number_exceptions must be a list of number and reason")
        return ()
    result = []
    for index, item in enumerate(value):
        item_line = value.line_of(index)
        if not (isinstance(item, LineMap) and isinstance(item.get("number"), str | int | float)
                and isinstance(item.get("reason"), str) and item["reason"].strip()
                and set(item) <= {"number", "reason", "section"}
                and isinstance(item.get("section", ""), str)):
            problems.error(rel, item_line, "each number exception needs 'number' (as written "
                           "in this file, quoted) and 'reason', and may name a 'section' id")
            continue
        written = str(item["number"]).strip()
        if not NUMBER.fullmatch(written):
            problems.error(rel, item_line, f"number exception '{written}' is not a number")
            continue
        for parsed in parse_number(written, lang):
            result.append(NumberException(parsed, written, item["reason"].strip(),
                                          item.get("section"), item_line))
    return tuple(result)


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
