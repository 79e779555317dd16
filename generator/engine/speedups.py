"""Every engine internal the build leans on for speed, in one list, each switchable.

MkDocs, Material and mkdocs-static-i18n document none of what is listed here. Each entry
names what it reaches into, why, and the test that proves the site equal to the engine's
own build. ``tests/test_engine_canary.py`` fails loudly when an upgrade removes a symbol or
a speed-up stops being used. ``PROTOCOLS_SPEEDUPS_OFF`` turns them off (``all``, or names
separated by commas); the site is the same, only slower.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass

SWITCH = "PROTOCOLS_SPEEDUPS_OFF"


@dataclass(frozen=True)
class SpeedUp:
    name: str
    internals: tuple[str, ...]  # ``module:attribute`` (or an attribute of an instance, in words)
    why: str
    guard: str                  # the test that compares it with the engine's own way


SPEED_UPS = (
    SpeedUp("language-processes",
            ("mkdocs_static_i18n.plugin:I18n (attributes current_language, building)",),
            "one process per language, as the plugin builds each language in turn",
            "tests/test_parallel_build.py::test_parallel_build_matches_mkdocs_static_i18n_own_build"),
    SpeedUp("i18n-files",
            ("mkdocs_static_i18n.folder:create_i18n_file", "mkdocs.structure.files:File._get_url"),
            "the plugin's per-file step on strings instead of path objects",
            "tests/test_i18n_files.py"),
    SpeedUp("one-markdown",
            ("mkdocs.structure.pages:markdown",),
            "one Python-Markdown converter per build, reset between pages, not one per page",
            "tests/test_parallel_build.py::test_a_page_gets_no_abbreviation_or_link_of_the_page_before"),
    SpeedUp("anchors-when-needed",
            ("mkdocs.structure.pages:_RawHTMLPreprocessor", "mkdocs.structure.pages:_HTMLHandler"),
            "a page's raw HTML parsed for anchor ids only when a link needs one",
            "tests/test_parallel_build.py::test_anchors_in_raw_html_are_checked_as_mkdocs_checks_them"),
    SpeedUp("compiled-templates",
            ("mkdocs.theme:Theme.get_env",),
            "the theme's templates compiled once per process, not once per build (the preview)",
            "tests/test_engine_canary.py::test_the_site_is_the_same_with_every_speed_up_off"),
    SpeedUp("shared-renderings",
            ("jinja2:Template (attribute root_render_func of a compiled template)",),
            "navigation, palette and search box rendered once per folder of pages",
            "tests/test_parallel_build.py::test_parallel_build_matches_mkdocs_static_i18n_own_build"),
    SpeedUp("file-events",
            ("mkdocs.livereload:LiveReloadServer (attributes observer, _watched_paths, _watch_refs)",),
            "the preview watches sources with file events instead of MkDocs' polling",
            "tests/test_serve.py::test_the_preview_watches_by_file_events"),
)
NAMES = frozenset(speed_up.name for speed_up in SPEED_UPS)

# How often each speed-up took effect in this process: the canary's proof that it applies.
USED: Counter[str] = Counter()


def is_on(name: str) -> bool:
    assert name in NAMES, name
    off = {part.strip() for part in os.environ.get(SWITCH, "").split(",") if part.strip()}
    return "all" not in off and name not in off


def unknown_names() -> list[str]:
    """Names in the switch that name no speed-up (a typo would otherwise switch nothing)."""
    off = {part.strip() for part in os.environ.get(SWITCH, "").split(",") if part.strip()}
    return sorted(off - NAMES - {"all"})
