"""A number as a language writes it: CLDR's decimal and group symbols (through Babel).

"10.000" is ten thousand in Dutch and Indonesian, "0,5" a half; English writes "10,000"
and "0.5". The number check reads the numbers of a protocol's prose with these rules, and
the loader the numbers a translation's ``number_exceptions`` name, as written in its language.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal

from .languages import decimal_symbol, group_symbol

# A written number: digits, with dots or commas between them; not part of a word or of a
# name like UL97 or COVID-19.
NUMBER = re.compile(r"(?<!\w)(?<![^\W\d_]-)\d+(?:[.,]\d+)*")


def parse_number(text: str, lang: str) -> list[Decimal]:
    """One written number in ``lang``'s notation (CLDR); a list of several when it is one."""
    decimal, grouped, plain = _notation(lang)
    if grouped is not None and grouped.match(text):
        return [Decimal(text.replace(group_symbol(lang), "").replace(decimal, "."))]
    if plain.match(text):
        return [Decimal(text.replace(decimal, "."))]
    if decimal != "." and PLAIN_POINT.match(text):
        # "0.5" where "0,5" is meant: read as meant; the lint warns about it.
        return [Decimal(text)]
    # "1,5,7" or "1.2.3": a list of numbers, not one.
    return [Decimal(part) for part in re.split(r"[.,]", text)]


PLAIN_POINT = re.compile(r"^\d+(\.\d+)?$")


@functools.cache
def _notation(lang: str) -> tuple[str, re.Pattern[str] | None, re.Pattern[str]]:
    """The decimal symbol, a grouped number ("10,000.5") and a plain one ("0.5") in ``lang``.

    Only "." and "," are read as symbols (NUMBER finds no other); a language that groups
    digits otherwise (a space) has no grouped pattern.
    """
    decimal, group = decimal_symbol(lang), group_symbol(lang)
    if decimal not in ".,":
        decimal = "."
    point = re.escape(decimal)
    grouped = (re.compile(rf"^\d{{1,3}}({re.escape(group)}\d{{3}})+({point}\d+)?$")
               if group in ".," and group != decimal else None)
    return decimal, grouped, re.compile(rf"^\d+({point}\d+)?$")
