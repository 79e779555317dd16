"""`protocols status`: review and translation states, table and JSON."""

from __future__ import annotations

import json
from datetime import date

import pytest

from generator import pipeline
from generator.checks import status
from generator.cli import main

from .conftest import MINIMAL_YAML, ProjectFactory, minimal_protocol

TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(("due", "expected"), [
    (None, "not-recorded"), (date(2026, 11, 21), "overdue"), (TODAY, "due-soon"),
    (date(2026, 12, 22), "due-soon"), (date(2026, 12, 23), "ok"),
])
def test_review_state(due: date | None, expected: str) -> None:
    assert status.review_state(due, TODAY) == expected


def test_report_of_seeds(make_project: ProjectFactory) -> None:
    root = make_project(seeds=True)
    rows = status.report(pipeline.load(root).project, TODAY)
    data = json.loads(status.to_json(rows, TODAY))
    assert data["schema"] == 1
    icu = data["protocols"][0]
    assert icu == {
        "id": "cmv-icu", "version": "1.2", "status": "review",
        "review": {"state": "not-recorded", "due": None},
        "translations": {"en": "current", "nl": "original", "id": "missing"},
        "missing": ["owner", "review_due"],
    }


def test_outdated_translation_and_overdue_review(make_project: ProjectFactory) -> None:
    files = minimal_protocol("acme")
    files["protocol_src/protocols/acme/protocol.yaml"] = MINIMAL_YAML.format(id="acme").replace(
        'version: "1.0"', 'version: "2.0"').replace("2030-01-01", "2026-01-01") + (
        '  - version: "2.0"\n    date: 2026-02-01\n    note: Dose changed.\n')
    files["protocol_src/protocols/acme/nl.md"] = (
        '---\ntitle: Een protocol\ntranslation_of_version: "1.0"\n---\n\n'
        "## Dosering {#dosing}\n\nTekst.\n")
    root = make_project(files)
    rows = status.report(pipeline.load(root).project, TODAY)
    assert rows[0].translations == {"en": "original", "nl": "outdated", "id": "missing"}
    table = status.to_table(rows, ("en", "nl", "id"))
    assert table.splitlines() == [
        "protocol  version  status    review                en        nl        id       "
        "not recorded",
        "acme      2.0      approved  OVERDUE (2026-01-01)  original  OUTDATED  missing  -",
    ]


def test_cli_status_json(make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch,
                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(make_project(minimal_protocol("acme")))
    assert main(["status", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["protocols"][0]["id"] == "acme"
