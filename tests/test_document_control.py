"""Document control: dates, approval, review copies, the source note (issue 17)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import pipeline
from generator.load import load_protocol
from generator.problems import Problems

from .conftest import MINIMAL_BODY, MINIMAL_YAML, ProjectFactory

P = "protocol_src/protocols/acme"


def messages(root: Path, severity: str = "error") -> list[str]:
    return [p.format() for p in pipeline.check(root).sorted() if p.severity == severity]


def yaml_with(**replace: str) -> str:
    text = MINIMAL_YAML.format(id="acme")
    for old, new in replace.items():
        text = text.replace(old.replace("_COLON_", ": "), new)
    return text


def _load(yaml_text: str) -> tuple[object, list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "acme"
        folder.mkdir()
        (folder / "protocol.yaml").write_text(yaml_text, encoding="utf-8")
        (folder / "en.md").write_text(MINIMAL_BODY.format(title="Acme"), encoding="utf-8")
        found = Problems()
        protocol = load_protocol(folder, P, ("en", "nl", "id"), found)
        return protocol, [p.format() for p in found.items]


@settings(max_examples=60, deadline=None)
@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)),
       quote=st.sampled_from(["", '"', "'"]))
def test_any_iso_date_quoted_or_not_is_read_wherever_a_date_is_asked(day: date,
                                                                     quote: str) -> None:
    written = f"{quote}{day.isoformat()}{quote}"
    text = (MINIMAL_YAML.format(id="acme")
            .replace("review_due: 2030-01-01", f"review_due: {written}")
            .replace("approved_on: 2025-01-01", f"approved_on: {written}")
            .replace("date: 2025-01-01", f"date: {written}"))
    protocol, found = _load(text)
    assert found == []
    assert protocol.review_due == day  # type: ignore[attr-defined]
    assert protocol.approved_on == day  # type: ignore[attr-defined]
    assert protocol.changelog[0].date == day  # type: ignore[attr-defined]


@pytest.mark.parametrize("written", ["2025-13-01", '"2025-13-01"', "'2025-02-30'", "next week",
                                     '"2025-6-1"', '"20250601"', "2025-06-01 10:00:00"])
def test_a_wrong_date_gets_the_same_message_everywhere(written: str) -> None:
    shown = written.strip("'\"")
    for key, old in (("review_due", "review_due: 2030-01-01"),
                     ("approved_on", "approved_on: 2025-01-01"),
                     ("date", "    date: 2025-01-01")):
        line = next(i for i, text in enumerate(MINIMAL_YAML.splitlines(), 1) if old.strip() in text)
        indent = old[: len(old) - len(old.lstrip())]
        protocol, found = _load(MINIMAL_YAML.format(id="acme").replace(
            old, f"{indent}{key}: {written}"))
        assert protocol is None
        assert found == [f"{P}/protocol.yaml:{line}: error: {key} '{shown}' is not a date "
                         "(hint: write it as YYYY-MM-DD)"]
