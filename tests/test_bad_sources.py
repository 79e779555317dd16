"""A corpus of broken protocols (tests/bad_sources/<case>/), run through the command line.

Each case is laid over the seed protocols. ``protocols check`` must print exactly the
case's expected.txt as its errors and exit 1; ``protocols build`` must exit 1 and
leave the previous site and content/ byte-identical.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.cli import main

from .conftest import ProjectFactory
from .test_build import tree_digest

CORPUS = Path(__file__).parent / "bad_sources"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
# The issue's list; every one must have a case.
REQUIRED = {"yaml-syntax-error", "missing-required-key", "id-not-matching-folder",
            "invalid-status", "version-not-major-minor", "review-date-not-a-date",
            "unknown-language", "unknown-related-id", "translation-without-version",
            "missing-title", "unclosed-front-matter", "body-not-utf8", "duplicate-heading-id",
            "empty-body"}


@pytest.fixture(scope="module")
def good_build(seed_build: Path) -> Path:
    return seed_build


def test_corpus_covers_the_issue() -> None:
    assert set(CASES) >= REQUIRED


@pytest.mark.parametrize("case", CASES)
def test_bad_source(case: str, make_project: ProjectFactory, good_build: Path,
                    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(seeds=True)
    shutil.copytree(CORPUS / case / "protocol_src", root / "protocol_src", dirs_exist_ok=True)
    expected = (CORPUS / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    monkeypatch.chdir(root)

    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if ": error: " in line] == expected

    for name in ("site", "content"):
        shutil.copytree(good_build / name, root / name)
    before = {name: tree_digest(root / name) for name in ("site", "content")}
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert expected[0] in err
    assert "Traceback" not in err
    assert {name: tree_digest(root / name) for name in ("site", "content")} == before
