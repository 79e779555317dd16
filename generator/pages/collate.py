"""Sorting and grouping of titles that does not depend on the machine's locale.

Babel has no collation and ``locale.strxfrm`` depends on which locales the build
machine has installed, so two machines could order an index differently. A case-
and accent-blind key (Unicode's own data, the same on every machine) gives the order
readers expect: "Échographie" files under E, "ijzer" under I. Titles in any script
file under their first letter ("Ωμέγα" under Ω, "Щит" under Щ); titles in one script
sort together, in the order of that script's letters in Unicode.
"""

from __future__ import annotations

import unicodedata


def sort_key(text: str) -> tuple[str, str]:
    """Primary: letters without case or accents; secondary: the text itself, for a stable order."""
    return _fold(text), text


def initial(text: str) -> str:
    """The index letter a title files under: its first letter, without accent and in
    capitals where the script has them, or '#' for digits and other signs."""
    folded = _fold(text).lstrip(" \"'([«“‘")
    first = folded[:1]
    if not unicodedata.category(first or "0").startswith("L"):
        return "#"
    upper = first.upper()
    return upper if len(upper) == 1 else first


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip()
