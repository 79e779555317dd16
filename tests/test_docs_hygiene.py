"""Docstrings and comments say what and why, never how long something took.

A timing in the code ("1.2 s of every build", "3x slower", "several times faster") is true
of one machine on one day and stays behind when the code changes; the reason behind it,
in words, stays true. Measurements live in docs/performance.md, their history in git log.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from .conftest import REPO

GENERATOR = REPO / "generator"

_NUMBER = r"(?<![\w.,:])\d+(?:[.,]\d+)*"  # not inside a word, a number or a format spec
MEASUREMENT = re.compile("|".join((
    rf"{_NUMBER}\s?(?:ms|µs|ns|secs?|seconds?|minutes?|mins?)\b",  # 250 ms, 2 minutes
    rf"{_NUMBER}\s+s\b|(?<![\w.,])\d+[.,]\d+s\b",                   # 1.2 s, 0.5s (not the 1990s)
    rf"{_NUMBER}[x×](?!\w)",                                        # 3x, 0.87x
    r"\b(?:\d+(?:[.,]\d+)?|several|many|two|three|four|five|ten)\s*(?:x|×|times)\s+"
    r"(?:faster|slower|quicker|as fast|as slow)",                   # several times faster
    rf"{_NUMBER}\s?%\s+(?:faster|slower|quicker)",                  # 30% faster
)), re.IGNORECASE)

# (module, the words matched): a unit that states a rule, not a measurement. Keep it short.
RULES: frozenset[tuple[str, str]] = frozenset()

# Timings not yet rewritten in words (empty: keep it so).
KNOWN: frozenset[tuple[str, str]] = frozenset()


def _texts(path: Path) -> Iterator[tuple[int, str]]:
    """Every comment and every string statement (docstrings) of a module, by line."""
    source = path.read_text(encoding="utf-8")
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, str):
            yield node.lineno, node.value.value


def measurements(text: str) -> list[str]:
    return [match.group(0) for match in MEASUREMENT.finditer(text)]


def _found() -> dict[tuple[str, str], int]:
    """(module, the words) -> the line they are on, for every timing in ``generator/``."""
    found = {}
    for path in sorted(GENERATOR.rglob("*.py")):
        rel = path.relative_to(REPO).as_posix()
        for line, text in _texts(path):
            for match in MEASUREMENT.finditer(text):
                found[(rel, match.group(0))] = line + text.count("\n", 0, match.start())
    return found


def test_no_docstring_or_comment_states_a_timing() -> None:
    found = _found()
    stray = sorted(f"{rel}:{line}: '{words}'" for (rel, words), line in found.items()
                   if (rel, words) not in RULES | KNOWN)
    assert not stray, ("a timing in a docstring or comment: say why in words "
                       f"(measurements belong in docs/performance.md): {stray}")


def test_every_excepted_timing_is_still_there() -> None:
    # Once a timing is gone, its exception goes too, so the lists stay the truth.
    assert sorted((RULES | KNOWN) - set(_found())) == []


@pytest.mark.parametrize("text", [
    "At 1,000 protocols that is 1.2 s of every language's build",
    "loading 1,000 took 2.2 s instead of 2.9",
    "a regular expression for it tries every position: 3x slower",
    "reads a valid file several times faster",
    "the build takes 0.5s", "about 250 ms a page", "the better part of 2 minutes",
    "0.87x of plain Material", "two times faster", "30% faster",
])
def test_a_timing_is_found(text: str) -> None:
    assert measurements(text), text


@pytest.mark.parametrize("text", [
    "# q8h: every 8 hours", "(140 − age) × weight / (72 × creatinine)", "under 40 KB",
    "the 1990s", "version 2.1", "com1-9, lpt1-9", "a 2x2 table", "utf-8 bytes",
    "the lint warns", "5 mg/kg", "the file's 3 sections", "#x{exc.character:04x}",
])
def test_a_rule_or_a_dose_is_not_a_timing(text: str) -> None:
    assert not measurements(text), text


@given(st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False),
       st.sampled_from(["s", "ms", "seconds", "minutes", "x slower", "x faster"]))
def test_any_number_with_a_time_unit_or_a_ratio_is_found(value: object, unit: str) -> None:
    written = f"{value}{'' if unit.startswith('x') else ' '}{unit}"
    assert measurements(f"it took {written} on the benchmark"), written
