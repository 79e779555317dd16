"""Content lint: mistakes in clinical text that a reader at the bedside could act on.

- ``tel:`` and ``mailto:`` links: phone apps turn numbers such as "10.000" into
  links (the Dutch seed had ``[10.000](tel:+3110000)``); a tap must never dial.
- A decimal point in the text of a language that writes a decimal comma (CLDR), where
  a comma is meant: a Dutch reader reads "1.500 mg" as fifteen hundred, so "0.5" is at
  best ambiguous.
- A dose without a unit: a number straight after a drug name or the word "dose"
  with no unit after it. Drug names come from data (:func:`drug_names`), dose and unit
  words from ``site_config/languages/<code>.yaml``.

Each rule is precise rather than clever: it names the line and the text it found.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..sources.languages import Words, all_words, decimal_symbol, english_name, group_symbol
from ..sources.model import Body, Glossary, Protocol, SiteConfig
from ..sources.problems import Problems
from ..sources.prose import prose_lines
from .numbers import without_markup

if TYPE_CHECKING:
    from ..calculators import CalculatorSpec

LINK_SCHEME = re.compile(r"\b(tel|mailto):", re.I)
# A number with a decimal point: not a thousands group (10.000) and not part of a
# longer dotted token such as a date (16.02.2024) or a version after "versie".
DECIMAL_POINT = re.compile(r"(?<![\w.,])(\d+)\.(\d+)(?![\w.,]*\d)")
THOUSANDS = re.compile(r"^[1-9]\d{0,2}$")

NUMBER_TEXT = r"\d+(?:[.,]\d+)*"
# What every dose above has: a letter, whitespace, a digit. Lines without it (most prose)
# are not searched for doses, which takes the drug-name pattern a while per word.
MAY_BE_DOSE = re.compile(r"[a-z]\s+\d", re.I)


def dose_pattern(drugs: frozenset[str], every: tuple[Words, ...] = ()) -> re.Pattern[str]:
    """A dose word or a drug name of ``drugs``, then a number (or a range).

    The names come from data (:func:`drug_names`), so a drug is known by its name in
    any site language, never guessed from its ending; the dose words are those of
    ``every`` language (default: the current site languages').
    """
    return _dose_pattern(drugs, every or all_words())


@functools.lru_cache(maxsize=8)
def _dose_pattern(drugs: frozenset[str], every: tuple[Words, ...]) -> re.Pattern[str]:
    """Longest name first: of two names that start alike, the longer one is found."""
    names = "|".join(re.escape(name) for name in sorted(drugs, key=lambda n: (-len(n), n)))
    dose_words = _union(every, "dose_words")
    words = f"{dose_words}|{names}" if names else dose_words
    return re.compile(rf"\b({words})\s+({NUMBER_TEXT}(?:\s*[-–]\s*{NUMBER_TEXT})?)(?!\d)",
                      re.I)


def drug_names(site: SiteConfig, glossary: Glossary,
               calculators: Iterable[CalculatorSpec]) -> frozenset[str]:
    """Every drug name the project knows: the site's lists per language, the glossary's
    terms marked as drugs, and the drugs the calculators dose."""
    names = {name for listed in site.drugs.values() for name in listed}
    names.update(term.term for term in glossary.terms if term.drug)
    names.update(drug for spec in calculators for drug in spec.drugs)
    return frozenset(name.lower() for name in names)


@functools.cache
def after_dose(every: tuple[Words, ...]) -> re.Pattern[str]:
    """What may follow a dose's number in any site language: a unit, a frequency, a
    duration, or "of" (dose 2 of 3)."""
    return re.compile(rf"\s*(?:[a-zµμ]*/|%|(?:{_union(every, 'after_dose_words')})\b)", re.I)


@functools.cache
def version_word(every: tuple[Words, ...]) -> re.Pattern[str]:
    """A word before a dotted number that makes it a version ("versie 1.2")."""
    return re.compile(rf"(?:{_union(every, 'version_words')})\s*$", re.I)


def _union(every: tuple[Words, ...], key: str) -> str:
    """The words under ``key`` of every language, as alternatives, longest first."""
    found = {word for each in every for word in getattr(each, key)}
    return "|".join(re.escape(w) for w in sorted(found, key=lambda w: (-len(w), w))) or "(?!)"


@dataclass(frozen=True)
class Lint:
    """What every rule may read besides the line: the protocol, the dose pattern and the
    words of the site languages."""

    protocol: Protocol
    dose: re.Pattern[str]
    every: tuple[Words, ...]


def lint_protocol(protocol: Protocol, problems: Problems,
                  drugs: frozenset[str] = frozenset()) -> None:
    every = all_words()
    lint = Lint(protocol, dose_pattern(drugs, every), every)
    for body in protocol.bodies.values():
        for number, line in prose_lines(body):
            text = without_markup(line)  # the same for every rule that reads text, not markup
            for rule in RULES:
                rule(lint, body, number, line, text, problems)


def _contact_links(lint: Lint, body: Body, number: int, markup: str, text: str,
                   problems: Problems) -> None:
    for match in LINK_SCHEME.finditer(markup):
        scheme = match.group(1).lower()
        problems.error(body.path, number, f"a '{scheme}:' link in clinical text",
                       "phone and mail apps turn numbers and addresses into links; "
                       "write plain text")


def _decimal_point(lint: Lint, body: Body, number: int, markup: str, text: str,
                   problems: Problems) -> None:
    if decimal_symbol(body.lang) != ",":
        return
    for match in DECIMAL_POINT.finditer(text):
        whole, fraction = match.groups()
        if len(fraction) == 3 and THOUSANDS.match(whole) and group_symbol(body.lang) == ".":
            continue  # 10.000 is ten thousand in Dutch and Indonesian
        if version_word(lint.every).search(text[: match.start()]):
            continue
        problems.warning(body.path, number,
                         f"decimal point in {english_name(body.lang)} text: "
                         f"'{match.group(0)}'", f"write {whole},{fraction}")


def _dose_without_unit(lint: Lint, body: Body, number: int, markup: str, text: str,
                       problems: Problems) -> None:
    if not MAY_BE_DOSE.search(text):
        return
    for match in lint.dose.finditer(text):
        if after_dose(lint.every).match(text, match.end()):
            continue
        problems.error(body.path, number,
                       f"dose without a unit: '{match.group(1)} {match.group(2)}'",
                       "write the unit, e.g. '5 mg' or '5 mg/kg'")


# A rule gets a prose line as written and as text (markup replaced: :func:`without_markup`).
Rule = Callable[[Lint, Body, int, str, str, Problems], None]
RULES: tuple[Rule, ...] = (_contact_links, _decimal_point, _dose_without_unit)
