"""The calculators' interface strings, per site language (``calculator`` in site_config/ui.yaml,
read and kept current by generator/sources/strings.py).

Validation messages are rendered here, in Python, for one input and one language, and
the browser gets the finished strings in the page's JSON. So the page and
``protocols calc`` show the same words, and the browser never formats a message itself.
Numbers inside messages (range limits) are formatted with Babel's CLDR data.
"""

from __future__ import annotations

from fractions import Fraction

from babel.numbers import format_decimal

from ..sources import strings
from ..sources.config import load_site_config
from ..sources.languages import REPO
from ..sources.languages import decimal_symbol as decimal_symbol  # for the widget and evaluator
from ..sources.problems import Problems
from ..sources.strings import Strings
from .exact import for_display


def languages() -> tuple[str, ...]:
    """The site languages, in which every calculator text must be written."""
    return _loaded()[0]


def _loaded() -> Strings:
    found = strings.current()
    if found is None:
        # Not loaded by a build or check yet: this repository's own settings.
        load_site_config(REPO, Problems())
        found = strings.current()
    assert found is not None
    return found


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
