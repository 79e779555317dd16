"""Schema and cross-file checks: exact messages, exact lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import pipeline
from generator.cli import main

from .conftest import MINIMAL_BODY, MINIMAL_YAML, ProjectFactory, minimal_protocol

P = "protocol_src/protocols/acme"


def errors(root: Path) -> list[str]:
    return [p.format() for p in pipeline.check(root).sorted() if p.severity == "error"]


def test_seed_protocols_are_clean(make_project: ProjectFactory) -> None:
    root = make_project(seeds=True)
    assert errors(root) == []


def test_seed_gaps_are_reported_as_warnings(make_project: ProjectFactory) -> None:
    root = make_project(seeds=True)
    warnings = [p.format() for p in pipeline.check(root).warnings]
    assert ("protocol_src/protocols/cmv-icu/protocol.yaml:7: warning: "
            "owner is not recorded") in warnings
    assert ("protocol_src/protocols/cmv-recurrent-anemia/protocol.yaml:19: warning: "
            "reference 'ref-1' has no text") in warnings


@pytest.mark.parametrize(("yaml_text", "expected"), [
    (MINIMAL_YAML.format(id="acme").replace('version: "1.0"', "version: 1.10"),
     f"{P}/protocol.yaml:2: error: version must be a quoted string like \"1.0\", not 1.1 "
     "(hint: unquoted, YAML reads 1.10 as the number 1.1)"),
    (MINIMAL_YAML.format(id="acme").replace('version: "1.0"', 'version: "1"'),
     f"{P}/protocol.yaml:2: error: version '1' is not MAJOR.MINOR (hint: for example \"2.1\")"),
    (MINIMAL_YAML.format(id="acme").replace("status: approved", "status: aproved"),
     f"{P}/protocol.yaml:3: error: status 'aproved' is not one of: draft, review, approved, retired"),
    (MINIMAL_YAML.format(id="acme").replace("review_due: 2030-01-01", "review_due: next year"),
     f"{P}/protocol.yaml:6: error: review_due 'next year' is not a date (hint: write it as YYYY-MM-DD)"),
    (MINIMAL_YAML.format(id="other"),
     f"{P}/protocol.yaml:1: error: id 'other' does not match its folder name 'acme'"),
    (MINIMAL_YAML.format(id="acme").replace("original_language: en", "original_language: fr"),
     f"{P}/protocol.yaml:4: error: original_language 'fr' is not one of: en, nl, id"),
    (MINIMAL_YAML.format(id="acme").replace("owner: Infectious Diseases\n", ""),
     f"{P}/protocol.yaml:1: error: required key 'owner' is missing"),
    (MINIMAL_YAML.format(id="acme") + "reviewer: someone\n",
     f"{P}/protocol.yaml:13: error: unknown key 'reviewer' (hint: did you mean 'review_due'?)"),
    (MINIMAL_YAML.format(id="acme") + "related: [nowhere]\n",
     f"{P}/protocol.yaml:13: error: related protocol 'nowhere' does not exist"),
    (MINIMAL_YAML.format(id="acme") + "specialties:\n  - cardiology\n",
     f"{P}/protocol.yaml:14: error: unknown specialty 'cardiology' "
     "(hint: specialties are listed in site_config/taxonomy.yaml)"),
    (MINIMAL_YAML.format(id="acme").replace("status: approved", "status: [approved"),
     f"{P}/protocol.yaml:4: error: invalid YAML: expected ',' or ']', but got ':' (hint: the "
     "'[' opened on line 3 is not closed: end it with ']' on the same line, or put the whole "
     "value in quotes)"),
    (MINIMAL_YAML.format(id="acme") + "owner: twice\n",
     f"{P}/protocol.yaml:13: error: duplicate key 'owner'"),
])
def test_protocol_yaml_errors(make_project: ProjectFactory, yaml_text: str, expected: str) -> None:
    root = make_project({f"{P}/protocol.yaml": yaml_text,
                         f"{P}/en.md": MINIMAL_BODY.format(title="Acme")})
    assert expected in errors(root)


@pytest.mark.parametrize(("body", "expected"), [
    ("---\ntitle: A\n\n## X {#x}\n", f"{P}/en.md:1: error: front matter is not closed "
     "(hint: end it with a line '---')"),
    ("## X {#x}\n", f"{P}/en.md:1: error: front matter is missing "
     "(hint: start the file with a line '---')"),
    ("---\nsummary: s\n---\n\nText.\n", f"{P}/en.md:2: error: front matter needs a 'title'"),
    ("---\ntitle: A\ntitel: B\n---\n\nText.\n",
     f"{P}/en.md:3: error: unknown front matter key 'titel' (hint: did you mean 'title'?)"),
    ("---\ntitle: A\n---\n\n", f"{P}/en.md:3: error: the body is empty "
     "(hint: write the protocol below the front matter)"),
    ("---\ntitle: A\n---\n\n# Big\n", f"{P}/en.md:5: error: a body must not contain a level-1 "
     "heading (hint: the title comes from the front matter; start sections with '##')"),
    ("---\ntitle: A\n---\n\n## Dosing\n", f"{P}/en.md:5: error: heading 'Dosing' has no explicit "
     "id (hint: end it with an id shared by every language, e.g. {#dosing})"),
    ("---\ntitle: A\n---\n\n## Sources {#references}\n",
     f"{P}/en.md:5: error: heading id 'references' is used by the generated page "
     "(hint: choose another id)"),
    ("---\ntitle: A\n---\n\n## A {#a}\n\n## B {#a}\n",
     f"{P}/en.md:7: error: duplicate heading id 'a' (first used on line 5)"),
    ("---\ntitle: A\n---\n\nSee [[nowhere]].\n",
     f"{P}/en.md:5: error: link to unknown protocol 'nowhere'"),
    ("---\ntitle: A\n---\n\nAs shown [@smith].\n", f"{P}/en.md:5: error: citation of unknown "
     "reference 'smith' (hint: declare it under 'references' in protocol.yaml)"),
    ("---\ntitle: A\n---\n\nText\n\n[[calc:nope]]\n",
     f"{P}/en.md:7: error: unknown calculator 'nope' (hint: known calculators: none)"),
    ("---\ntitle: A\n---\n\n```\n## not a heading\n", f"{P}/en.md:5: error: a code block is "
     "never closed (hint: end it with a line of the same backticks or tildes)"),
    (b"---\ntitle: A\n---\n\nCaf\xe9\n", f"{P}/en.md:5: error: file is not valid UTF-8 "
     "(byte 22) (hint: save the file as UTF-8)"),
])
def test_body_errors(make_project: ProjectFactory, body: str | bytes, expected: str) -> None:
    root = make_project({f"{P}/protocol.yaml": MINIMAL_YAML.format(id="acme"), f"{P}/en.md": body})
    assert expected in errors(root)


def test_link_to_unknown_heading_names_the_known_ones(make_project: ProjectFactory) -> None:
    files = {**minimal_protocol("target"),
             f"{P}/protocol.yaml": MINIMAL_YAML.format(id="acme"),
             f"{P}/en.md": "---\ntitle: A\n---\n\nSee [[target#dose]].\n"}
    root = make_project(files)
    assert errors(root) == [f"{P}/en.md:5: error: link to unknown heading 'dose' in protocol "
                            "'target' (hint: headings of target: dosing)"]


def test_code_is_left_alone(make_project: ProjectFactory) -> None:
    body = "---\ntitle: A\n---\n\nWrite `[[id]]` to link.\n\n```\n[[nowhere]] [@x]\n```\n"
    root = make_project({f"{P}/protocol.yaml": MINIMAL_YAML.format(id="acme"), f"{P}/en.md": body})
    assert errors(root) == []


def test_translation_rules(make_project: ProjectFactory) -> None:
    files = {
        f"{P}/protocol.yaml": MINIMAL_YAML.format(id="acme"),
        f"{P}/en.md": MINIMAL_BODY.format(title="Acme"),
        f"{P}/nl.md": "---\ntitle: Acme\n---\n\n## Dosering {#dosing}\n",
        f"{P}/id.md": "---\ntitle: Acme\ntranslation_of_version: \"1.0\"\n---\n\n## Dosis {#dosis}\n",
        f"{P}/fr.md": MINIMAL_BODY.format(title="Acme"),
    }
    root = make_project(files)
    assert errors(root) == [
        f"{P}/fr.md:1: error: unknown language 'fr' (hint: body files are named after a site "
        "language: en, nl, id)",
        f"{P}/id.md:6: error: heading ids differ from the original {P}/en.md "
        "(hint: missing dosing; not in the original: dosis)",
        f"{P}/nl.md:1: error: a translation needs translation_of_version (hint: the protocol "
        "version this text translates, e.g. \"1.0\")",
    ]


def test_every_problem_is_reported_in_one_run(make_project: ProjectFactory) -> None:
    files = {
        "protocol_src/protocols/one/protocol.yaml": MINIMAL_YAML.format(id="one").replace(
            "status: approved", "status: nope"),
        "protocol_src/protocols/one/en.md": MINIMAL_BODY.format(title="One"),
        "protocol_src/protocols/two/protocol.yaml": MINIMAL_YAML.format(id="two"),
        "protocol_src/protocols/two/en.md": "---\ntitle: Two\n---\n\n[[three]]\n",
    }
    root = make_project(files)
    assert len(errors(root)) == 2


def test_cli_check_exit_codes(make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch,
                              capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(minimal_protocol("fine"))
    monkeypatch.chdir(root)
    assert main(["check"]) == 0
    assert capsys.readouterr().out == "0 error(s), 0 warning(s)\n"
    (root / "protocol_src/protocols/fine/en.md").write_text("---\ntitle: x\n---\n\n# H\n")
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("protocol_src/protocols/fine/en.md:5: error: a body must not contain")


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("    date: 2025-01-01", '    date: "2025-01-01"', None),  # quoted or not, as the interface says
    ("review_due: 2030-01-01", 'review_due: "2030-01-01"', None),
    ("review_due: 2030-01-01", 'review_due: "20300101"',
     f"{P}/protocol.yaml:6: error: review_due '20300101' is not a date "
     "(hint: write it as YYYY-MM-DD)"),
    ("review_due: 2030-01-01", "review_due: 2030-01-01 10:00:00",
     f"{P}/protocol.yaml:6: error: review_due '2030-01-01 10:00:00' is not a date "
     "(hint: write it as YYYY-MM-DD)"),
    ("    date: 2025-01-01", '    date: "1 januari 2025"',
     f"{P}/protocol.yaml:11: error: date '1 januari 2025' is not a date "
     "(hint: write it as YYYY-MM-DD)"),
])
def test_dates_are_yyyy_mm_dd_quoted_or_not(make_project: ProjectFactory, old: str, new: str,
                                            expected: str | None) -> None:
    text = MINIMAL_YAML.format(id="acme")
    assert old in text
    root = make_project({f"{P}/protocol.yaml": text.replace(old, new),
                         f"{P}/en.md": MINIMAL_BODY.format(title="Acme")})
    assert errors(root) == ([expected] if expected else [])
