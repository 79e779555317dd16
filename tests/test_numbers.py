"""Translations carry the original's numbers: exact messages, both files, both lines."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from generator import pipeline
from generator.checks.numbers import numbers_in_line
from generator.sources.numerals import parse_number

from .conftest import MINIMAL_YAML, ProjectFactory

P = "protocol_src/protocols/acme"
NL_YAML = MINIMAL_YAML.format(id="acme").replace("original_language: en", "original_language: nl")


def body(title: str, text: str, translation_of: str | None = None, extra: str = "") -> str:
    version = f'translation_of_version: "{translation_of}"\n' if translation_of else ""
    return f"---\ntitle: {title}\n{version}{extra}---\n\n{text}"


NL = body("Acme", "Inleiding.\n\n## Beleid {#management}\n\nStart ganciclovir 5 mg/kg 2dd.\n"
          "Drempel 10.000 IU/mL, halve dosis 0,5 mg.\n")


def problems(root: Path, severity: str = "error") -> list[str]:
    return [p.format() for p in pipeline.check(root).sorted() if p.severity == severity]


def project(make_project: ProjectFactory, nl: str, en: str, yaml: str = NL_YAML) -> Path:
    return make_project({f"{P}/protocol.yaml": yaml, f"{P}/nl.md": nl, f"{P}/en.md": en})


@pytest.mark.parametrize(("text", "lang", "expected"), [
    ("10.000", "nl", ["10000"]), ("10.000", "id", ["10000"]), ("10,000", "en", ["10000"]),
    ("0,5", "nl", ["0.5"]), ("0.5", "en", ["0.5"]), ("0.5", "nl", ["0.5"]),
    ("1.500", "nl", ["1500"]), ("1.500", "en", ["1.5"]), ("1.250,5", "id", ["1250.5"]),
    ("1,5,7", "en", ["1", "5", "7"]),
])
def test_numbers_are_read_in_the_language_of_the_text(text: str, lang: str,
                                                      expected: list[str]) -> None:
    assert parse_number(text, lang) == [Decimal(e) for e in expected]


@pytest.mark.parametrize(("line", "lang", "expected"), [
    ("ganciclovir 5 mg/kg 2 dd", "nl", ["5", "2"]),
    ("ganciclovir 5 mg/kg 2dd", "nl", ["5", "2"]),
    ("ganciclovir 5 mg/kg tweemaal daags", "nl", ["5", "2"]),
    ("ganciclovir 5 mg/kg twice daily", "en", ["5", "2"]),
    ("ganciclovir 5 mg/kg dua kali sehari", "id", ["5", "2"]),
    ("foscarnet 60 mg/kg 3dd", "nl", ["60", "3"]),
    ("foscarnet 60 mg/kg three times daily", "en", ["60", "3"]),
    ("foscarnet 60 mg/kg tiga kali sehari", "id", ["60", "3"]),
    ("valganciclovir 900 mg once daily", "en", ["900", "1"]),
    ("valganciclovir 900 mg sekali sehari", "id", ["900", "1"]),
    ("valganciclovir every 12 hours, q12h", "en", ["12", "12"]),
    # Names, markup and list numbering carry no clinical number.
    ("1. UL97, CD4+ and COVID-19 [@ref-2] [[other#step-2|see step]]", "en", []),
    ("## Step {#step-3}", "en", []),
    ("- 2. [label](https://example.org/7) <span data-x=\"9\">text</span>", "en", []),
    ("penting sekali", "id", []),
])
def test_clinical_numbers_of_a_line(line: str, lang: str, expected: list[str]) -> None:
    assert [o.value for o in numbers_in_line(line, 1, lang)] == [Decimal(e) for e in expected]


def test_matching_translation_is_clean(make_project: ProjectFactory) -> None:
    en = body("Acme", "Introduction.\n\n## Management {#management}\n\nStart ganciclovir "
              "5 mg/kg twice daily.\nThreshold 10,000 IU/mL, half dose 0.5 mg.\n", "1.0")
    assert problems(project(make_project, NL, en)) == []


def test_changed_dose_names_both_files_and_lines(make_project: ProjectFactory) -> None:
    en = body("Acme", "Introduction.\n\n## Management {#management}\n\nStart ganciclovir "
              "50 mg/kg three times daily.\nThreshold 10,000 IU/mL, half dose 0.5 mg.\n", "1.0")
    hint = ("(hint: write the same number, or acknowledge the difference under "
            "number_exceptions in en.md)")
    assert problems(project(make_project, NL, en)) == [
        f"{P}/en.md:8: error: nl.md:9 has 2 (dd) with no match in en.md section 'management' "
        f"(en.md:8-11) {hint}",
        f"{P}/en.md:8: error: nl.md:9 has 5 (mg/kg) with no match in en.md section "
        f"'management' (en.md:8-11) {hint}",
        f"{P}/en.md:10: error: en.md:10 has 3 with no match in nl.md section 'management' "
        f"(nl.md:7-10) {hint}",
        f"{P}/en.md:10: error: en.md:10 has 50 (mg/kg) with no match in nl.md section "
        f"'management' (nl.md:7-10) {hint}",
    ]


def test_thousands_separator_of_the_original_in_english_is_caught(
        make_project: ProjectFactory) -> None:
    # "10.000" left as written in English reads as ten: the error that harms patients.
    en = body("Acme", "Introduction.\n\n## Management {#management}\n\nStart ganciclovir "
              "5 mg/kg twice daily.\nThreshold 10.000 IU/mL, half dose 0.5 mg.\n", "1.0")
    assert [p.split(" (hint")[0] for p in problems(project(make_project, NL, en))] == [
        f"{P}/en.md:8: error: nl.md:10 has 10.000 (IU/mL) with no match in en.md section "
        "'management' (en.md:8-11)",
        f"{P}/en.md:11: error: en.md:11 has 10.000 (IU/mL) with no match in nl.md section "
        "'management' (nl.md:7-10)",
    ]


def test_number_moved_to_another_section_is_reported(make_project: ProjectFactory) -> None:
    en = body("Acme", "Introduction, 5 mg/kg.\n\n## Management {#management}\n\nStart "
              "ganciclovir twice daily.\nThreshold 10,000 IU/mL, half dose 0.5 mg.\n", "1.0")
    assert [p.split(" (hint")[0] for p in problems(project(make_project, NL, en))] == [
        f"{P}/en.md:6: error: en.md:6 has 5 (mg/kg) with no match in nl.md before the first "
        "heading (nl.md:4-6)",
        f"{P}/en.md:8: error: nl.md:9 has 5 (mg/kg) with no match in en.md section "
        "'management' (en.md:8-11)",
    ]


EN_DIFFERENT = ("Introduction.\n\n## Management {#management}\n\nStart ganciclovir 5 mg/kg "
                "twice daily.\nThreshold 10,000 IU/mL, half dose 0.25 mg.\n")


def test_acknowledged_difference_is_accepted(make_project: ProjectFactory) -> None:
    extra = ("number_exceptions:\n  - number: \"0.25\"\n    reason: local pharmacy stocks "
             "0.25 mg\n  - number: \"0.5\"\n    section: management\n    reason: see above\n")
    root = project(make_project, NL, body("Acme", EN_DIFFERENT, "1.0", extra))
    assert problems(root) == []


def test_exception_in_another_section_does_not_count(make_project: ProjectFactory) -> None:
    extra = "number_exceptions:\n  - number: \"0.25\"\n    section: dosing\n    reason: r\n"
    root = project(make_project, NL, body("Acme", EN_DIFFERENT, "1.0", extra))
    assert len(problems(root)) == 2
    assert problems(root, "warning") == [
        f"{P}/en.md:5: warning: number exception '0.25' matches no difference from nl.md "
        "(hint: remove it)"]


@pytest.mark.parametrize(("extra", "expected"), [
    ("number_exceptions: 5\n",
     f"{P}/en.md:4: error: number_exceptions must be a list of number and reason"),
    ("number_exceptions:\n  - number: \"5\"\n",
     f"{P}/en.md:5: error: each number exception needs 'number' (as written in this file, "
     "quoted) and 'reason', and may name a 'section' id"),
    ("number_exceptions:\n  - number: five\n    reason: r\n",
     f"{P}/en.md:5: error: number exception 'five' is not a number"),
])
def test_malformed_exceptions(make_project: ProjectFactory, extra: str, expected: str) -> None:
    root = project(make_project, NL, body("Acme", EN_DIFFERENT, "1.0", extra))
    assert expected in problems(root)


@pytest.mark.parametrize(("version", "translation_of"), [("2.0", "1.0"), ("1.1", "1.0")])
def test_translation_of_an_older_version_is_not_compared(
        make_project: ProjectFactory, version: str, translation_of: str) -> None:
    yaml = NL_YAML.replace('version: "1.0"', f'version: "{version}"').replace(
        '- version: "1.0"', f'- version: "{version}"')
    root = project(make_project, NL, body("Acme", EN_DIFFERENT, translation_of), yaml)
    assert problems(root) == []
