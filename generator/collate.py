"""Sorting and grouping of titles that does not depend on the machine's locale.

Babel has no collation and ``locale.strxfrm`` depends on which locales the build
machine has installed, so two machines could order an index differently. For
the Latin-script languages of this site (en, nl, id) a case- and accent-blind
key gives the order readers expect: "Échographie" files under E, "ijzer" under I.
"""

from __future__ import annotations

import unicodedata


def sort_key(text: str) -> tuple[str, str]:
    """Primary: letters without case or accents; secondary: the text itself, for a stable order."""
    return _fold(text), text


def initial(text: str) -> str:
    """The index letter a title files under: A-Z, or '#' for digits and other signs."""
    folded = _fold(text).lstrip(" \"'([«“‘")
    first = folded[:1].upper()
    return first if "A" <= first <= "Z" else "#"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()
