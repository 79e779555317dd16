"""The calculators' interface strings, per site language (``calculator`` in site_config/ui.yaml).

Validation messages are rendered here, in Python, for one input and one language, and
the browser gets the finished strings in the page's JSON. So the page and
``protocols calc`` show the same words, and the browser never formats a message itself.
Numbers inside messages (range limits) are formatted with Babel's CLDR data.
"""

from __future__ import annotations

from fractions import Fraction

from babel.numbers import format_decimal

from ..sources.languages import decimal_symbol as decimal_symbol  # for the widget and evaluator
from ..sources.problems import Problems
from .exact import for_display

# Every key the calculators use; check reports a key that ui.yaml lacks.
KEYS: tuple[str, ...] = (
    "missing", "choose", "not_number", "not_whole", "range", "implausible", "bad_choice",
    "impossible", "not_approved_dose", "not_approved_clearance", "not_approved_trend", "ambiguous",
    "placeholder_choice", "result", "details", "details_with_table", "details_without_table",
    "unavailable", "formula", "table", "band", "source", "version", "status", "limits", "notes",
    "empty", "chart_start", "chart_end", "chart_target", "day", "whole", "status_draft",
    "status_review", "status_approved", "status_retired", "link_waiting", "link_implausible",
    "link_typed", "link_restore", "word_and", "word_or", "word_not", "word_given", "word_otherwise",
    "copy", "copied", "copy_failed", "reset", "unrounded",
)

_current: tuple[tuple[str, ...], dict[str, dict[str, str]]] | None = None


def install(languages: tuple[str, ...], strings: dict[str, dict[str, str]]) -> None:
    """Make ``strings`` (key -> language -> text) the strings of the site ``languages``."""
    global _current
    _current = (tuple(languages), {key: dict(texts) for key, texts in strings.items()})


def languages() -> tuple[str, ...]:
    """The site languages, in which every calculator text must be written."""
    return _loaded()[0]


def _loaded() -> tuple[tuple[str, ...], dict[str, dict[str, str]]]:
    if _current is None:
        # Not loaded by a build or check yet: this repository's own settings.
        from ..sources.config import load_site_config
        from ..sources.languages import REPO

        load_site_config(REPO, Problems())
    assert _current is not None
    return _current


def ui(lang: str, key: str) -> str:
    return _loaded()[1][key][lang]


def not_approved(lang: str, gives: str) -> str:
    """The status notice of a calculator that is not approved, naming what it gives."""
    return ui(lang, f"not_approved_{gives}")


def number(value: Fraction | float, lang: str) -> str:
    """A limit or table value in the language's own notation (CLDR via Babel)."""
    return format_decimal(for_display(value), locale=lang, decimal_quantization=False)


def message(lang: str, key: str, label: str, unit: str = "", low: Fraction | float = 0,
            high: Fraction | float = 0) -> str:
    return ui(lang, key).format(
        label=label,
        min=number(low, lang),
        max=number(high, lang),
        unit=f" {unit}" if unit else "",
    )
