"""Language names and long dates in the reader's language (CLDR through Babel)."""

from __future__ import annotations

import functools
from datetime import date

from babel import Locale
from babel.dates import format_date


@functools.cache  # thousands of pages ask for the same few names and dates
def language_name(code: str, reader: str) -> str:
    """The language's name in the reader's language, as CLDR (Babel) writes it in a sentence."""
    return str(Locale.parse(reader).languages.get(code, code))


@functools.cache
def long_date(value: date, lang: str) -> str:
    return format_date(value, format="long", locale=lang)
