"""Golden files: the generated Markdown of the seed protocols, page by page.

Regenerate after a deliberate change with ``UPDATE_GOLDEN=1 pytest tests/test_render_golden.py``
and review the diff like any other change.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from generator import pipeline

from .conftest import REPO

GOLDEN = Path(__file__).parent / "golden"
TODAY = date(2026, 11, 22)


def _rendered() -> dict[str, str]:
    loaded = pipeline.load(REPO)
    files = pipeline.render(loaded, TODAY, include_unpublished=False)
    return {rel: data for rel, data in files.items() if rel.endswith(".md")
            and isinstance(data, str)}


RENDERED = _rendered()


@pytest.mark.parametrize("rel", sorted(RENDERED))
def test_generated_markdown_matches_golden(rel: str) -> None:
    golden = GOLDEN / rel
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(RENDERED[rel], encoding="utf-8")
    assert golden.is_file(), f"no golden file for {rel}: run with UPDATE_GOLDEN=1 and review it"
    assert RENDERED[rel] == golden.read_text(encoding="utf-8")


def test_no_golden_file_is_stale() -> None:
    goldens = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.md")}
    assert goldens == set(RENDERED)
