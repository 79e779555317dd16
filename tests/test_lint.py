"""Content lint: exact messages at exact lines, and the text that must not be flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import pipeline

from .conftest import MINIMAL_YAML, ProjectFactory

P = "protocol_src/protocols/acme"
TEL_HINT = "(hint: phone and mail apps turn numbers and addresses into links; write plain text)"
UNIT_HINT = "(hint: write the unit, e.g. '5 mg' or '5 mg/kg')"


def problems(make_project: ProjectFactory, text: str, lang: str = "en") -> list[str]:
    yaml = MINIMAL_YAML.format(id="acme").replace("original_language: en",
                                                  f"original_language: {lang}")
    root: Path = make_project({
        f"{P}/protocol.yaml": yaml,
        f"{P}/{lang}.md": f"---\ntitle: Acme\n---\n\n## Dosing {{#dosing}}\n\n{text}"})
    return [p.format() for p in pipeline.check(root).sorted()]


@pytest.mark.parametrize(("text", "lang", "expected"), [
    # The Dutch seed's phone-app artefact, as it was in the source.
    ("Indicatie behandeling CMV PCR: [10.000](tel:+3110000).\n", "nl",
     f"{P}/nl.md:7: error: a 'tel:' link in clinical text {TEL_HINT}"),
    ("Call <tel:+31201234567>.\n", "en",
     f"{P}/en.md:7: error: a 'tel:' link in clinical text {TEL_HINT}"),
    ("Mail [the pharmacy](mailto:apotheek@example.org).\n", "en",
     f"{P}/en.md:7: error: a 'mailto:' link in clinical text {TEL_HINT}"),
    ("Geef 0.5 mg/kg.\n", "nl",
     f"{P}/nl.md:7: warning: decimal point in Dutch text: '0.5' (hint: write 0,5)"),
    ("Berikan 1.25 mg.\n", "id",
     f"{P}/id.md:7: warning: decimal point in Indonesian text: '1.25' (hint: write 1,25)"),
    ("Geef 0.125 mg.\n", "nl",
     f"{P}/nl.md:7: warning: decimal point in Dutch text: '0.125' (hint: write 0,125)"),
    ("Start ganciclovir 5 twice daily.\n", "en",
     f"{P}/en.md:7: error: dose without a unit: 'ganciclovir 5' {UNIT_HINT}"),
    ("Start foscarnet 60, then review.\n", "en",
     f"{P}/en.md:7: error: dose without a unit: 'foscarnet 60' {UNIT_HINT}"),
    ("De dosis 900 is voldoende.\n", "nl",
     f"{P}/nl.md:7: error: dose without a unit: 'dosis 900' {UNIT_HINT}"),
    ("Valganciclovir 450-900.\n", "en",
     f"{P}/en.md:7: error: dose without a unit: 'Valganciclovir 450-900' {UNIT_HINT}"),
])
def test_lint_finds(make_project: ProjectFactory, text: str, lang: str, expected: str) -> None:
    assert problems(make_project, text, lang) == [expected]


@pytest.mark.parametrize(("text", "lang"), [
    ("Start ganciclovir 5mg/kg 2dd, foscarnet 60 mg/kg 3dd.\n", "nl"),
    ("Valganciclovir 900 mg per hari, ganciclovir 5 mg/kg dua kali sehari.\n", "id"),
    ("Ganciclovir 2dd; foscarnet 3 dd; cidofovir 1x per week.\n", "nl"),
    ("Ganciclovir 2 weeks, then valganciclovir 14 days.\n", "en"),
    ("Dose 2 of 3 is given on day 7.\n", "en"),
    ("Consensus: 10.000 IU/mL; 1.500 patiënten.\n", "nl"),
    ("Zie versie 1.0 en de datum 16.02.2024.\n", "nl"),
    ("Mutasi UL97 dan UL54; CD4+ <50 sel/μL.\n", "id"),
    ("Write `tel:` or `0.5` in code.\n", "nl"),
    ("See [[acme#dosing]] and [the guideline](https://example.org/v1.5/dose 5).\n", "nl"),
    ("Foscarnet (60 mg/kg) is the 2nd choice; 3 doses of 5 mg/kg.\n", "en"),
    ("Half a dose: 0.5 mg.\n", "en"),
])
def test_lint_leaves_correct_text_alone(make_project: ProjectFactory, text: str,
                                        lang: str) -> None:
    assert problems(make_project, text, lang) == []
