"""The code stays clean: ruff and mypy (configuration in pyproject.toml), modules of a size
one can read."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO

MAX_MODULE_LINES = 500


def test_ruff_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "generator", "tests", "scripts"],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy", "generator"],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_is_longer_than_a_reader_keeps_in_mind() -> None:
    # A module past this length does more than one thing: split it along a seam whose
    # names explain themselves, rather than raise the limit.
    sizes = {path.relative_to(REPO).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
             for path in sorted((REPO / "generator").rglob("*.py"))}
    long = {path: lines for path, lines in sizes.items() if lines > MAX_MODULE_LINES}
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"
