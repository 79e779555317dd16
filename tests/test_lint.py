"""Content lint: exact messages at exact lines, and the text that must not be flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import pipeline
from generator.checks import lint

from .conftest import MINIMAL_YAML, REPO, ProjectFactory

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
    # The case: a drug whose name has no tell-tale ending, in Dutch.
    ("Start noradrenaline 0,05 bij MAP < 65.\n", "nl",
     f"{P}/nl.md:7: error: dose without a unit: 'noradrenaline 0,05' {UNIT_HINT}"),
    ("Mulai norepinefrin 0,05 bila MAP rendah.\n", "id",
     f"{P}/id.md:7: error: dose without a unit: 'norepinefrin 0,05' {UNIT_HINT}"),
    ("Give Norepinephrine 0.1 and reassess.\n", "en",
     f"{P}/en.md:7: error: dose without a unit: 'Norepinephrine 0.1' {UNIT_HINT}"),
    ("Geef vancomycine 1000 per keer.\n", "nl",
     f"{P}/nl.md:7: error: dose without a unit: 'vancomycine 1000' {UNIT_HINT}"),
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
    ("Start noradrenaline 0,05 microgram/kg/min bij MAP < 65.\n", "nl"),
    # Not drugs: a word that merely ends like one is no longer taken for a drug.
    ("Bravir 2 and Elmycin 3 are ward names.\n", "en"),
])
def test_lint_leaves_correct_text_alone(make_project: ProjectFactory, text: str,
                                        lang: str) -> None:
    assert problems(make_project, text, lang) == []


DRUG_PROJECT = {
    "protocol_src/glossary.yaml": "terms:\n  - term: XYZ\n    drug: true\n"
                                  "    en: A drug\n    nl: Een middel\n    id: Obat\n",
    "site_config/drugs.yaml": "nl: [middelx]\nen: []\n",
}


@pytest.mark.parametrize(("text", "expected"), [
    ("Give XYZ 5 now.\n", "dose without a unit: 'XYZ 5'"),
    ("Give middelx 5 now.\n", "dose without a unit: 'middelx 5'"),
    ("Give calcdrug 5 now.\n", "dose without a unit: 'calcdrug 5'"),
    ("Give ganciclovir 5 now.\n", None),  # this project's lists do not name it
])
def test_drugs_come_from_the_glossary_the_site_lists_and_the_calculators(
        make_project: ProjectFactory, text: str, expected: str | None) -> None:
    calc = (REPO / "protocol_src/calculators/cmv-load-decline.yaml").read_text(encoding="utf-8")
    root: Path = make_project({
        **DRUG_PROJECT,
        "protocol_src/calculators/cmv-load-decline.yaml":
            calc.replace("\nsource:", "\ndrugs: [calcdrug]\nsource:", 1),
        f"{P}/protocol.yaml": MINIMAL_YAML.format(id="acme"),
        f"{P}/en.md": f"---\ntitle: Acme\n---\n\n## Dosing {{#dosing}}\n\n{text}"})
    (root / "site_config/drugs.yaml").write_text(DRUG_PROJECT["site_config/drugs.yaml"],
                                                 encoding="utf-8")
    found = [p.message for p in pipeline.check(root).errors]
    assert found == ([expected] if expected else [])


@pytest.mark.parametrize(("text", "expected"), [
    ("nl: [Noradrenaline]\n", "site_config/drugs.yaml:1: error: 'Noradrenaline' is not a drug "
     "name (hint: a name in lowercase letters, words joined by '-' or a space)"),
    ("fr: [x]\n", "site_config/drugs.yaml:1: error: unknown language 'fr' (hint: site "
     "languages: en, nl, id)"),
    ("nl: noradrenaline\n", "site_config/drugs.yaml:1: error: 'nl' must be a list of drug names"),
])
def test_the_drug_lists_are_checked(make_project: ProjectFactory, text: str,
                                   expected: str) -> None:
    root: Path = make_project({f"{P}/protocol.yaml": MINIMAL_YAML.format(id="acme"),
                               f"{P}/en.md": "---\ntitle: A\n---\n\nText.\n"})
    (root / "site_config/drugs.yaml").write_text(text, encoding="utf-8")
    assert [p.format() for p in pipeline.check(root).errors] == [expected]


def test_every_listed_drug_followed_by_a_bare_number_is_caught() -> None:
    """Each name of the repository's lists, as written, in any case."""
    loaded = pipeline.load(REPO).project
    names = lint.drug_names(loaded.site, loaded.glossary, loaded.calculators.values())
    assert {"noradrenaline", "ganciclovir", "ivig", "norepinefrin"} <= names
    pattern = lint.dose_pattern(names)
    for name in names:
        for written in (name, name.upper(), name.capitalize()):
            match = pattern.search(f"Start {written} 0,05 bij MAP")
            assert match is not None and match.group(1) == written, name
