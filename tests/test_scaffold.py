"""`protocols new`: a draft that passes `protocols check`, and exact refusals."""

from __future__ import annotations

import pytest

from generator import pipeline
from generator.cli import main

from .conftest import ProjectFactory, minimal_protocol


def test_new_protocol_passes_check(make_project: ProjectFactory,
                                   monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project()
    monkeypatch.chdir(root)
    assert main(["new", "sepsis-adults", "--lang", "nl"]) == 0
    assert capsys.readouterr().err == (
        "Created protocol_src/protocols/sepsis-adults/protocol.yaml\n"
        "Created protocol_src/protocols/sepsis-adults/nl.md\n")
    problems = pipeline.check(root)
    assert problems.errors == []
    protocol = pipeline.load(root).project.protocols["sepsis-adults"]
    assert (protocol.status, protocol.version, protocol.original_language) == ("draft", "0.1", "nl")
    assert protocol.owner is None and protocol.review_due is None


@pytest.mark.parametrize(("args", "message"), [
    (["new", "Sepsis", "--lang", "en"],
     "invalid protocol id 'Sepsis': use lowercase words joined by hyphens, e.g. sepsis-adults"),
    (["new", "sepsis", "--lang", "fr"], "unknown language 'fr': use one of en, nl, id"),
    (["new", "acme", "--lang", "en"],
     "protocol 'acme' already exists in protocol_src/protocols/acme"),
])
def test_new_refuses(make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch,
                     capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    root = make_project(minimal_protocol("acme"))
    monkeypatch.chdir(root)
    before = sorted(p.as_posix() for p in root.rglob("*"))
    assert main(args) == 1
    assert capsys.readouterr().err == f"protocols: error: {message}\n"
    assert sorted(p.as_posix() for p in root.rglob("*")) == before
