"""Translation drift by section, from the git history of the original (issue 17)."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import pipeline
from generator.sources.drift import changed_sections, sections

from .conftest import ProjectFactory

P = "protocol_src/protocols/acme"
YAML = """\
id: acme
version: "{version}"
status: approved
original_language: nl
owner: Infectious Diseases
review_due: 2030-01-01
approved_by: Dr. A. Test
approved_on: 2025-01-01
changelog:
{changelog}"""
ENTRY = '  - version: "{version}"\n    date: {day}\n    note: {note}\n'
NL = """\
---
title: Acme
---

Inleiding.

## Dosering {{#dosing}}

Geef {dose} mg.

### Bij nierfalen {{#renal}}

Halveer de dosis.

## Controle {{#monitoring}}

Spiegel op dag 3.
"""
EN = """\
---
title: Acme
translation_of_version: "{version}"
---

Introduction.

## Dosing {{#dosing}}

Give {dose} mg.

### In renal failure {{#renal}}

Halve the dose.

## Monitoring {{#monitoring}}

Level on day 3.
"""
FIRST = ENTRY.format(version="1.0", day="2025-01-01", note="First version.")
SECOND = ENTRY.format(version="2.0", day='"2026-02-01"', note="Dose raised from 500 to 750 mg.")


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def _commit(root: Path, message: str) -> None:
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", message)


def _write(root: Path, version: str, dose: int, en_version: str, changelog: str) -> None:
    (root / P / "protocol.yaml").write_text(YAML.format(version=version, changelog=changelog),
                                            encoding="utf-8")
    (root / P / "nl.md").write_text(NL.format(dose=dose), encoding="utf-8")
    (root / P / "en.md").write_text(EN.format(version=en_version, dose=500), encoding="utf-8")


@pytest.fixture
def history(make_project: ProjectFactory) -> Path:
    """acme 1.0 committed (original nl, English translation of 1.0), then 2.0 with a
    changed dose in one section; the English translation left at 1.0."""
    root = make_project()
    (root / P).mkdir(parents=True)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "config", "user.name", "Test Editor")
    _git(root, "config", "user.email", "editor@example.org")
    _write(root, "1.0", 500, "1.0", FIRST)
    _commit(root, "acme 1.0")
    _write(root, "2.0", 750, "1.0", SECOND + FIRST)
    _commit(root, "acme 2.0: dose")
    return root


def _pages(root: Path) -> dict[str, str]:
    files = pipeline.render(pipeline.load(root), date(2026, 11, 22), include_unpublished=False)
    return {rel: str(text) for rel, text in files.items() if rel.endswith("/acme.md")
            and "/protocols/" in rel}


def _drift(page: str) -> list[str]:
    return re.findall(r'data-drift="([^"]+)"', page)


def test_only_the_changed_section_is_marked_and_links_to_the_original(history: Path) -> None:
    pages = _pages(history)
    en = pages["en/protocols/acme.md"]
    assert _drift(en) == ["dosing"]
    notice = en[en.index('data-drift="dosing"') - 40:]
    notice = notice[:notice.index("</p>")]
    assert 'href="../../nl/protocols/acme/#dosing"' in notice
    assert "changed since version 1.0" in notice
    # The notice sits in the section: after its heading, before the next one.
    assert en.index("## Dosing {#dosing}") < en.index('data-drift="dosing"') \
        < en.index("### In renal failure {#renal}")
    # The reader's language: the Indonesian page shows the English text (fallback).
    assert _drift(pages["id/protocols/acme.md"]) == ["dosing"]
    assert 'lang="id"' in pages["id/protocols/acme.md"].split('data-drift="dosing"')[1][:40]
    assert _drift(pages["nl/protocols/acme.md"]) == []


def test_the_top_notice_quotes_the_changelog_since_the_translated_version(
        history: Path) -> None:
    en = _pages(history)["en/protocols/acme.md"]
    banner = en[en.index("!!! warning outdated-translation"):en.index('<details')]
    assert "Changes since version 1.0:" in banner
    assert "**2.0** (February 1, 2026): Dose raised from 500 to 750 mg." in banner
    assert "First version." not in banner


def test_no_mark_once_the_translation_catches_up(history: Path) -> None:
    _write(history, "2.0", 750, "2.0", SECOND + FIRST)
    _commit(history, "en 2.0")
    assert all(_drift(page) == [] for page in _pages(history).values())


def test_an_uncommitted_change_of_the_original_is_compared_too(history: Path) -> None:
    _write(history, "3.0", 750, "1.0", FIRST)  # the work tree only
    (history / P / "nl.md").write_text(NL.format(dose=750).replace("Spiegel op dag 3.",
                                                                   "Spiegel op dag 2."),
                                       encoding="utf-8")
    assert _drift(_pages(history)["en/protocols/acme.md"]) == ["dosing", "monitoring"]


def test_without_history_every_section_is_marked_as_not_known(history: Path) -> None:
    subprocess.run(["rm", "-rf", str(history / ".git")], check=True)
    en = _pages(history)["en/protocols/acme.md"]
    assert _drift(en) == ["top", "dosing", "renal", "monitoring"]
    assert "is not known" in en


def test_check_warns_for_each_outdated_translation_naming_both_files(history: Path) -> None:
    warnings = [p.format() for p in pipeline.check(history).warnings]
    assert (f"{P}/en.md:3: warning: outdated translation: it renders version 1.0, the original "
            f"{P}/nl.md is at version 2.0 (hint: translate the sections marked as changed, then "
            'set translation_of_version: "2.0")') in warnings


WORDS = st.lists(st.sampled_from(["dose", "500", "mg", "daily", "stop"]), min_size=1,
                 max_size=5).map(" ".join)


@settings(max_examples=80, deadline=None)
@given(texts=st.lists(WORDS, min_size=3, max_size=3), edits=st.lists(WORDS, min_size=3,
                                                                    max_size=3))
def test_changed_sections_are_exactly_those_whose_text_differs(texts: list[str],
                                                               edits: list[str]) -> None:
    ids = ["top", "a", "b"]

    def body(parts: list[str]) -> str:
        return f"{parts[0]}\n\n## A {{#a}}\n\n{parts[1]}\n\n## B {{#b}}\n\n  {parts[2]}\n"

    changed = changed_sections("---\ntitle: T\n---\n" + body(texts), body(edits))
    assert changed == {i for i, old, new in zip(ids, texts, edits, strict=True) if old != new}
    assert set(sections(body(texts), front_matter=False)) == set(ids)
