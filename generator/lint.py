"""Content lint: mistakes in clinical text that a reader at the bedside could act on.

- ``tel:`` and ``mailto:`` links: phone apps turn numbers such as "10.000" into
  links (the Dutch seed had ``[10.000](tel:+3110000)``); a tap must never dial.
- A decimal point in Dutch or Indonesian text, where a comma is meant: a Dutch
  reader reads "1.500 mg" as fifteen hundred, so "0.5" is at best ambiguous.
- A dose without a unit: a number straight after a drug name or the word "dose"
  with no unit after it. Drug names come from data (:func:`drug_names`).

Each rule is precise rather than clever: it names the line and the text it found.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .model import Body, Glossary, Protocol, SiteConfig
from .numbers import without_markup
from .problems import Problems
from .prose import prose_lines

if TYPE_CHECKING:
    from .calculators import CalculatorSpec

LINK_SCHEME = re.compile(r"\b(tel|mailto):", re.I)
LANGUAGE_NAMES = {"nl": "Dutch", "id": "Indonesian"}
# A number with a decimal point: not a thousands group (10.000) and not part of a
# longer dotted token such as a date (16.02.2024) or a version after "versie".
DECIMAL_POINT = re.compile(r"(?<![\w.,])(\d+)\.(\d+)(?![\w.,]*\d)")
THOUSANDS = re.compile(r"^[1-9]\d{0,2}$")
VERSION_WORD = re.compile(r"(?:versie|versi|version|v)\s*$", re.I)

DOSE_WORDS = r"dose|doses|dosis|dosering|dosage"
NUMBER_TEXT = r"\d+(?:[.,]\d+)*"
# What every dose above has: a letter, whitespace, a digit. Lines without it (most prose)
# are not searched for doses, which takes the drug-name pattern a while per word.
MAY_BE_DOSE = re.compile(r"[a-z]\s+\d", re.I)
# What may follow a dose's number: a unit, a frequency, a duration, or "of" (dose 2 of 3).
AFTER_DOSE = re.compile(
    r"\s*(?:[a-zµμ]*/|%|(?:mg|g|mcg|µg|μg|microgram|ng|kg|ml|l|dl|iu|ie|e|u|units?|"
    r"eenheden|unit|mmol|µmol|μmol|meq|dd|x|times|maal|keer|kali|daily|daags|"
    r"days?|dagen|dag|hari|weeks?|weken|minggu|h|uur|jam|of|van|dari)\b)", re.I)


@functools.lru_cache(maxsize=8)
def dose_pattern(drugs: frozenset[str]) -> re.Pattern[str]:
    """A dose word or a drug name of ``drugs``, then a number (or a range).

    The names come from data (:func:`drug_names`), so a drug is known by its name in
    any site language, never guessed from its ending. Longest first: of two names that
    start alike, the longer one is found.
    """
    names = "|".join(re.escape(name) for name in sorted(drugs, key=lambda n: (-len(n), n)))
    words = f"{DOSE_WORDS}|{names}" if names else DOSE_WORDS
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


@dataclass(frozen=True)
class Lint:
    """What every rule may read besides the line: the protocol and the dose pattern."""

    protocol: Protocol
    dose: re.Pattern[str]


def lint_protocol(protocol: Protocol, problems: Problems,
                  drugs: frozenset[str] = frozenset()) -> None:
    lint = Lint(protocol, dose_pattern(drugs))
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
    if body.lang not in LANGUAGE_NAMES:
        return
    for match in DECIMAL_POINT.finditer(text):
        whole, fraction = match.groups()
        if len(fraction) == 3 and THOUSANDS.match(whole):
            continue  # 10.000 is ten thousand in Dutch and Indonesian
        if VERSION_WORD.search(text[: match.start()]):
            continue
        problems.warning(body.path, number,
                         f"decimal point in {LANGUAGE_NAMES[body.lang]} text: "
                         f"'{match.group(0)}'", f"write {whole},{fraction}")


def _dose_without_unit(lint: Lint, body: Body, number: int, markup: str, text: str,
                       problems: Problems) -> None:
    if not MAY_BE_DOSE.search(text):
        return
    for match in lint.dose.finditer(text):
        if AFTER_DOSE.match(text, match.end()):
            continue
        problems.error(body.path, number,
                       f"dose without a unit: '{match.group(1)} {match.group(2)}'",
                       "write the unit, e.g. '5 mg' or '5 mg/kg'")


# A rule gets a prose line as written and as text (markup replaced: :func:`without_markup`).
Rule = Callable[[Lint, Body, int, str, str, Problems], None]
RULES: tuple[Rule, ...] = (_contact_links, _decimal_point, _dose_without_unit)
