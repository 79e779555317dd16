"""`protocols new`: a draft that passes `protocols check`, and exact refusals."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator import pipeline
from generator.cli import main
from generator.sources.load import load_body
from generator.sources.problems import Problems
from generator.sources.scaffold import TEMPLATE_FILE, load_templates, scaffold

from .conftest import REPO, SITE_LANGUAGES, ProjectFactory, minimal_protocol


def test_new_protocol_passes_check(make_project: ProjectFactory,
                                   monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project()
    monkeypatch.chdir(root)
    assert main(["new", "sepsis-adults", "--lang", "nl"]) == 0
    assert capsys.readouterr().err == (
        "Created protocol_src/protocols/sepsis-adults/protocol.yaml\n"
        "Created protocol_src/protocols/sepsis-adults/nl.md\n"
        "Next steps:\n"
        "  1. write the title, summary and text in protocol_src/protocols/sepsis-adults/nl.md "
        "(keep each heading's {#id})\n"
        "  2. fill in owner, review_due and specialties in "
        "protocol_src/protocols/sepsis-adults/protocol.yaml\n"
        "  3. protocols check protocol_src/protocols/sepsis-adults   (only this protocol's "
        "problems)\n"
        "  4. make serve, then open http://127.0.0.1:8000/nl/protocols/sepsis-adults/ "
        "(a draft, shown with a banner)\n"
        "  5. commit on a branch and open a merge request (CONTRIBUTING.md, steps 5-6)\n")
    problems = pipeline.check(root)
    assert problems.errors == []
    protocol = pipeline.load(root).project.protocols["sepsis-adults"]
    assert (protocol.status, protocol.version, protocol.original_language) == ("draft", "0.1", "nl")
    assert protocol.owner is None and protocol.review_due is None


@pytest.mark.parametrize(("args", "message"), [
    (["new", "Sepsis", "--lang", "en"],
     "invalid protocol id 'Sepsis': use lowercase words joined by hyphens, e.g. sepsis-adults"),
    # A lowercase id that is reserved is not told to be lowercase.
    (["new", "index", "--lang", "en"],
     "invalid protocol id 'index': 'index' (the name of a folder's own page) and the names "
     "Windows reserves (con, prn, aux, nul, com1-9, lpt1-9) cannot be ids"),
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


NL_BODY = """\
---
title: "Sepsis: eerste uur"
summary: "Eén zin: waar dit protocol over gaat en voor wie."
aliases: []  # andere namen waaronder lezers zoeken, bijv. ["Sepsis bij volwassenen"]
---

## Indicatie {#indication}

Schrijf hier de tekst van deze sectie.

## Diagnostiek {#diagnosis}

Schrijf hier de tekst van deze sectie.

## Behandeling {#treatment}

Schrijf hier de tekst van deze sectie.

## Monitoring {#monitoring}

Schrijf hier de tekst van deze sectie.
"""


def test_new_protocol_is_in_the_editors_language(make_project: ProjectFactory,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project()
    monkeypatch.chdir(root)
    assert main(["new", "sepsis-adults", "--lang", "nl", "--title", "Sepsis: eerste uur"]) == 0
    folder = root / "protocol_src/protocols/sepsis-adults"
    assert (folder / "nl.md").read_text(encoding="utf-8") == NL_BODY
    yaml_text = (folder / "protocol.yaml").read_text(encoding="utf-8")
    assert yaml_text.startswith(
        "# yaml-language-server: $schema=../../../schemas/protocol.schema.json\n")
    assert ("# specialties: de specialismen waar het bij hoort, een of meer van:\n"
            "#   infectious-diseases: Infectieziekten\n"
            "#   intensive-care: Intensive care\n"
            "#   haematology: Hematologie\n") in yaml_text
    assert pipeline.check(root).errors == []
    body = pipeline.load(root).project.protocols["sepsis-adults"].bodies["nl"]
    assert body.title == "Sepsis: eerste uur"
    assert [h.text for h in body.headings] == ["Indicatie", "Diagnostiek", "Behandeling",
                                               "Monitoring"]


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_every_language_template_gives_a_clean_draft(make_project: ProjectFactory,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     lang: str) -> None:
    root = make_project()
    monkeypatch.chdir(root)
    assert main(["new", "draft-one", "--lang", lang]) == 0
    assert pipeline.check(root).errors == []
    body = pipeline.load(root).project.protocols["draft-one"].bodies[lang]
    template = load_templates(REPO, SITE_LANGUAGES, Problems())[lang]
    assert body.title == template.texts["title"]
    assert body.summary == template.texts["summary"]


def test_templates_share_their_section_ids() -> None:
    problems = Problems()
    templates = load_templates(REPO, SITE_LANGUAGES, problems)
    assert problems.items == []
    ids = {lang: [s.id for s in t.sections] for lang, t in templates.items()}
    assert ids["nl"] == ids["en"] == ids["id"]


def test_a_missing_template_is_a_problem_with_its_line(make_project: ProjectFactory,
                                                       monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]
                                                       ) -> None:
    root = make_project()
    path = root / TEMPLATE_FILE
    path.write_text(path.read_text(encoding="utf-8").replace(
        "  section_text: Schrijf hier de tekst van deze sectie.\n", ""), encoding="utf-8")
    monkeypatch.chdir(root)
    assert main(["new", "sepsis", "--lang", "nl"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        f"{TEMPLATE_FILE}:21: error: 'nl' needs a text 'section_text'")
    assert not (root / "protocol_src/protocols/sepsis").exists()


@pytest.mark.parametrize("title", ["Sepsis\nuur", "Sepsis\ruur", "Sepsis\u2028uur", "  ",
                                   "Sepsis\x07", "Sepsis\ufffe"])
def test_a_title_yaml_cannot_hold_on_one_line_is_refused(
        make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], title: str) -> None:
    root = make_project()
    monkeypatch.chdir(root)
    assert main(["new", "sepsis", "--lang", "nl", "--title", title]) == 1
    assert capsys.readouterr().err == (
        "protocols: error: the title must be one line of printable text\n")
    assert not (root / "protocol_src/protocols/sepsis").exists()


# Format characters (Cf: bidi controls, soft hyphens) are refused in every source (sourcetext.py).
TITLE = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp"),
                              blacklist_characters="\ufffe\uffff\ufeff"),
                min_size=1, max_size=40).filter(lambda t: t.strip() != "")


@settings(max_examples=100, deadline=None)
@given(title=TITLE)
@example(title="Sepsis: eerste uur")
@example(title="'Dosis' \"hoog\" C:\\temp # niet")
@example(title="- [x] {y} &a *b @c `d` %e")
def test_any_one_line_title_survives_the_front_matter(title: str) -> None:
    site = pipeline.load_site_config(REPO, Problems())
    assert site is not None
    templates = load_templates(REPO, site.codes, Problems())
    files = scaffold("sepsis", "nl", site, templates, set(), "2026-12-01", title)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "nl.md"
        path.write_text(files["protocol_src/protocols/sepsis/nl.md"], encoding="utf-8")
        problems = Problems()
        body = load_body(path, "nl.md", "nl", problems)
    assert problems.items == []
    assert body is not None and body.title == title.strip()


PLACEHOLDER = "placeholder text of `protocols new` left: '{}' (hint: replace it with the " \
              "protocol's own text)"


def test_placeholders_left_are_warnings_in_a_draft_and_errors_on_the_way_to_readers(
        make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project()
    monkeypatch.chdir(root)
    assert main(["new", "sepsis", "--lang", "id", "--title", "Sepsis"]) == 0
    body = root / "protocol_src/protocols/sepsis/id.md"
    text = body.read_text(encoding="utf-8")
    body.write_text(text.replace("Tulis teks bagian ini di sini.", "Teks.", 3), encoding="utf-8")
    found = [p.format() for p in pipeline.check(root).sorted() if "placeholder" in p.message]
    path = "protocol_src/protocols/sepsis/id.md"
    assert found == [
        f"{path}:3: warning: " + PLACEHOLDER.format(
            "Satu kalimat: tentang apa protokol ini dan untuk siapa."),
        f"{path}:21: warning: " + PLACEHOLDER.format("Tulis teks bagian ini di sini."),
    ]
    yaml_path = root / "protocol_src/protocols/sepsis/protocol.yaml"
    yaml_path.write_text(yaml_path.read_text(encoding="utf-8").replace(
        "status: draft  ", "status: review "), encoding="utf-8")
    assert [p.format() for p in pipeline.check(root).errors] == [
        f"{path}:3: error: " + PLACEHOLDER.format(
            "Satu kalimat: tentang apa protokol ini dan untuk siapa."),
        f"{path}:21: error: " + PLACEHOLDER.format("Tulis teks bagian ini di sini."),
    ]
