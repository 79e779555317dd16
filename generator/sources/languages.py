"""Site languages as data: number conventions from CLDR, words from ``site_config/languages/``.

Adding a language is configuration and strings only. Decimal and group symbols and
language names come from CLDR through Babel; the words a check must know (count words,
units, dose words) come from ``site_config/languages/<code>.yaml``, one file per site
language (see ``en.yaml`` there for what each list is for).

The checks read the words of the project being checked: :func:`install` makes them
current once its site settings are loaded, so the number check and the lint need no
project passed down to every line they read.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol, get_group_symbol

from .problems import Problems
from .yamlpos import LineList, LineMap, load_yaml

LANGUAGES_DIR = "site_config/languages"
REPO = Path(__file__).resolve().parents[2]  # generator/sources/languages.py -> the repository


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a cache key per line read
class Words:
    """How one language writes counts, frequencies, units and doses in words."""

    count_words: tuple[tuple[str, int], ...] = ()
    times_words: tuple[str, ...] = ()
    times_suffixes: tuple[str, ...] = ()
    frequency_words: tuple[tuple[str, int], ...] = ()
    frequency_words_before: tuple[tuple[str, int, tuple[str, ...]], ...] = ()
    unit_words: tuple[str, ...] = ()
    dose_words: tuple[str, ...] = ()
    after_dose_words: tuple[str, ...] = ()
    version_words: tuple[str, ...] = ()


NO_WORDS = Words()  # a language without a words file (check reports the file missing)
LISTS = ("times_words", "times_suffixes", "unit_words", "dose_words", "after_dose_words",
         "version_words")
COUNTS = ("count_words", "frequency_words")
KEYS = (*COUNTS, *LISTS, "frequency_words_before")


def words_file(code: str) -> str:
    return f"{LANGUAGES_DIR}/{code}.yaml"


def load_words(root: Path, codes: Iterable[str], problems: Problems) -> dict[str, Words]:
    """Every site language's words; a missing file or key is an error at its file and line."""
    return {code: _load_one(root, code, problems) for code in codes}


def _load_one(root: Path, code: str, problems: Problems) -> Words:
    rel = words_file(code)
    path = root / rel
    if not path.is_file():
        problems.error(rel, 1, f"file is missing: the words of language '{code}'",
                       f"copy {words_file('en')} and translate each list")
        return Words()
    data, found = load_yaml(path.read_text(encoding="utf-8"), rel)
    problems.extend(found)
    if not isinstance(data, LineMap):
        if not found:
            problems.error(rel, 1, "expected a mapping of word lists (see en.yaml)")
        return Words()
    for key in data:
        if key not in KEYS:
            problems.error(rel, data.line_of(key), f"unknown key '{key}'",
                           "keys: " + ", ".join(KEYS))
    for key in KEYS:
        if key not in data:
            problems.error(rel, data.line, f"'{key}' is missing for language '{code}'",
                           "write [] or {} if the language has no such word")
    return Words(
        count_words=_counts(data, "count_words", rel, problems),
        frequency_words=_counts(data, "frequency_words", rel, problems),
        frequency_words_before=_before(data, rel, problems),
        **{key: _list(data, key, rel, problems) for key in LISTS},
    )


def _list(data: LineMap, key: str, rel: str, problems: Problems) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(w, str) and w.strip() for w in value):
        problems.error(rel, data.line_of(key), f"'{key}' must be a list of words")
        return ()
    return tuple(word.strip().lower() for word in value)


def _counts(data: LineMap, key: str, rel: str, problems: Problems) -> tuple[tuple[str, int], ...]:
    value = data.get(key, {})
    if not isinstance(value, dict) or not all(
            isinstance(w, str) and w.strip() and type(n) is int and n > 0
            for w, n in value.items()):
        problems.error(rel, data.line_of(key), f"'{key}' must map each word to a whole number "
                                               "above 0, e.g. {two: 2}")
        return ()
    return tuple((word.strip().lower(), count) for word, count in value.items())


def _before(data: LineMap, rel: str, problems: Problems
            ) -> tuple[tuple[str, int, tuple[str, ...]], ...]:
    value = data.get("frequency_words_before", {})
    result = []
    ok = isinstance(value, dict)
    for word, rule in (value.items() if ok else ()):
        before = rule.get("before") if isinstance(rule, dict) else None
        count = rule.get("count") if isinstance(rule, dict) else None
        if not (isinstance(word, str) and type(count) is int and count > 0
                and isinstance(before, LineList) and before
                and all(isinstance(w, str) and w.strip() for w in before)):
            ok = False
            continue
        result.append((word.lower(), count, tuple(w.lower() for w in before)))
    if not ok:
        problems.error(rel, data.line_of("frequency_words_before"),
                       "'frequency_words_before' must map each word to {count: N, before: "
                       "[words]}")
    return tuple(result)


# ---------------------------------------------------------------- the current project's words

_current: dict[str, Words] | None = None
_every: tuple[Words, ...] = ()


def install(words: dict[str, Words]) -> None:
    """Make ``words`` (per language code) the words the checks read."""
    global _current, _every
    _current = dict(words)
    _every = tuple(_current[code] for code in sorted(_current))


def words(lang: str) -> Words:
    """The words of ``lang``; before any project is loaded, this repository's own."""
    if _current is None:
        install(_repository_words())
    assert _current is not None
    return _current.get(lang, NO_WORDS)


def all_words() -> tuple[Words, ...]:
    """The words of every current site language, for rules that read any language."""
    if _current is None:
        install(_repository_words())
    return _every


def _repository_words() -> dict[str, Words]:
    folder = REPO / LANGUAGES_DIR
    codes = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
    return load_words(REPO, codes, Problems())


# ---------------------------------------------------------------- CLDR conventions


@functools.cache
def decimal_symbol(lang: str) -> str:
    """The language's decimal symbol (CLDR): "." in English, "," in Dutch and Indonesian."""
    return str(get_decimal_symbol(_locale(lang)))


@functools.cache
def group_symbol(lang: str) -> str:
    """The language's digit group symbol (CLDR): "," in English, "." in Dutch."""
    return str(get_group_symbol(_locale(lang)))


@functools.cache
def english_name(lang: str) -> str:
    """The language's name in English (CLDR), for messages to editors."""
    return str(Locale.parse("en").languages.get(lang, lang))


def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")
