"""The calculators' strings: the ``calculator`` section of site_config/ui.yaml, the part of
the one string catalogue that the widgets, ``protocols calc`` and the spec readers show.

Loading the site settings (config.py) makes them current for the project loaded last; the
calculators read them through calculators/i18n.py.
"""

from __future__ import annotations

# Every key the calculators use; check reports a key that ui.yaml lacks.
KEYS: tuple[str, ...] = (
    "missing", "choose", "not_number", "not_whole", "range", "implausible", "bad_choice",
    "impossible", "not_approved_dose", "not_approved_clearance", "not_approved_trend", "ambiguous",
    "placeholder_choice", "result", "details", "details_with_table", "details_without_table",
    "unavailable", "formula", "table", "band", "source", "version", "status", "limits", "notes",
    "empty", "chart_start", "chart_end", "chart_target", "day", "whole", "status_draft",
    "status_review", "status_approved", "status_retired", "link_waiting", "link_implausible",
    "link_typed", "link_restore", "word_and", "word_or", "word_not", "word_given", "word_otherwise",
    "formula_if", "formula_unless", "copy", "copied", "copy_failed", "reset", "unrounded",
)

Strings = tuple[tuple[str, ...], dict[str, dict[str, str]]]
"""The site languages, and each key's text per language."""

_current: Strings | None = None


def install(languages: tuple[str, ...], strings: dict[str, dict[str, str]]) -> None:
    """Make ``strings`` (key -> language -> text) the strings of the site ``languages``."""
    global _current
    _current = (tuple(languages), {key: dict(texts) for key, texts in strings.items()})


def current() -> Strings | None:
    """The strings of the project loaded last, or None before any was loaded."""
    return _current
