"""Exact numbers for calculators: typed decimals and spec constants as fractions.

A dose band is decided by comparing a value with a boundary. In binary floating point
78.4 / 56 is not 1.4 and a Cockcroft–Gault result that is mathematically 50 comes out as
49.99999999999999, which moves a patient into another band. So every number a person
types and every constant of a spec is read as an exact fraction, and ``+ - * /`` and
comparisons stay exact (``clinical/dosing-tables.md``, "Band boundaries"). Only what is
shown, and the machine values of ``protocols calc``, are converted to doubles, correctly
rounded, so the browser's twin (``calculator.js``, ``Rat``) gives the identical double.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction


def parse_decimal(text: str) -> Fraction:
    """A typed decimal (``"72,5"``, ``"-0.5"``, ``".5"``), already checked by the caller."""
    return Fraction(text.replace(",", "."))


def from_yaml(value: float | int) -> Fraction:
    """A YAML number as the editor wrote it: ``1.4`` is 7/5, not the double nearest 1.4.

    ``repr`` of a double is the shortest text that reads back as the same double, which
    is the decimal the editor typed for any constant of up to 15 significant digits.
    """
    return Fraction(value) if isinstance(value, int) else Fraction(repr(float(value)))


def to_text(value: Fraction) -> str:
    """The exact value as text for the page's JSON: ``"1.4"``, ``"-2"`` or ``"1/3"``."""
    decimal = to_decimal(value)
    if decimal is None:
        return f"{value.numerator}/{value.denominator}"
    text = format(decimal, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def to_decimal(value: Fraction) -> Decimal | None:
    """The value as a finite ``Decimal``, or ``None`` when its decimal expansion repeats."""
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return None
    digits = max(twos, fives)
    scaled = value * 10**digits
    assert scaled.denominator == 1
    return Decimal(scaled.numerator).scaleb(-digits)


def for_display(value: Fraction | float) -> Decimal | float:
    """A value Babel can format: exact where the decimal ends, else the nearest double."""
    if isinstance(value, Fraction):
        decimal = to_decimal(value)
        return float(value) if decimal is None else decimal
    return value
