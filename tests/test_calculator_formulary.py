"""Calculators that read like a formulary (issue 18, item 3), outside the browser: the
creatinine unit each language's labs report, chosen in ``site_config``; a widget whose
markup repeats nothing per input, so a page with five widgets has room to spare.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from generator import pipeline
from generator.calculators.widget import render_widget

from .conftest import copy_seed_project

UNIT_SELECT = re.compile(r'<select name="creatinine_unit">(.*?)</select>')


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str | bytes]:
    root = copy_seed_project(tmp_path_factory.mktemp("formulary") / "project")
    return pipeline.render(pipeline.load(root), date(2026, 11, 22), include_unpublished=False)


@pytest.mark.parametrize(("lang", "selected"), [("nl", "umol_l"), ("id", "umol_l"), ("en", None)])
@pytest.mark.parametrize("page", ["calculators/creatinine-clearance.md",
                                  "calculators/foscarnet-iv.md",
                                  "protocols/cmv-icu.md"])
def test_the_creatinine_unit_starts_at_the_one_the_languages_labs_report(
        rendered: dict[str, str | bytes], lang: str, selected: str | None, page: str) -> None:
    text = rendered[f"{lang}/{page}"]
    assert isinstance(text, str)
    selects = UNIT_SELECT.findall(text)
    assert selects
    for options in selects:
        marked = re.findall(r'<option value="([^"]*)" selected>', options)
        assert marked == ([selected] if selected else [])
        # English: no default, as the data gives none; the reader chooses
        assert options.startswith('<option value="">') == (selected is None)


def _site_yaml(root: Path, block: str) -> None:
    site = root / "site_config" / "site.yaml"
    text = site.read_text(encoding="utf-8").split("\ncalculator_defaults:")[0]
    site.write_text(text + "\n" + block, encoding="utf-8")


@pytest.mark.parametrize(("block", "line", "message"), [
    ("calculator_defaults:\n  nl: {creatinine_unit: mmol_l}\n", 2,
     "error: calculator_defaults: 'mmol_l' is not an option of 'creatinine_unit'"),
    ("calculator_defaults:\n  nl:\n    kreatinine: umol_l\n", 3,
     "warning: calculator_defaults: no calculator has a choice input 'kreatinine'; it does "
     "nothing"),
    ("calculator_defaults:\n  fr: {creatinine_unit: umol_l}\n", 2,
     "error: unknown language 'fr'"),
    ("calculator_defaults: [umol_l]\n", 1,
     "error: 'calculator_defaults' must map languages to {input: option}"),
])
def test_a_wrong_language_default_is_an_error_at_its_line(
        tmp_path: Path, block: str, line: int, message: str) -> None:
    root = copy_seed_project(tmp_path / "project")
    _site_yaml(root, block)
    start = (root / "site_config" / "site.yaml").read_text(encoding="utf-8").splitlines().index(
        block.splitlines()[0]) + 1
    found = [p.format() for p in pipeline.check(root).sorted()
             if p.path == "site_config/site.yaml"]
    assert len(found) == 1
    assert found[0].startswith(f"site_config/site.yaml:{start + line - 1}: {message}")


def test_a_widget_repeats_nothing_per_input(rendered: dict[str, str | bytes]) -> None:
    """calculator.js sets these; the page carries each control's name and label only."""
    text = rendered["id/protocols/cmv-recurrent-anemia.md"]
    assert isinstance(text, str) and text.count('class="calculator"') >= 4
    for repeated in ('type="text"', "autocomplete=", "spellcheck=", "aria-describedby=",
                     '<label for="', 'id="calc-'):
        assert repeated not in text


def test_the_band_is_said_with_the_unit_of_the_value_it_is_chosen_by() -> None:
    from generator.calculators.widget import page_spec

    from .test_calculators import SPECS

    table = next(s for s in page_spec(SPECS["ganciclovir-iv"], "id")["logic"]
                 if s["kind"] == "table")
    assert [b["shown"] for b in table["bands"]] == [
        "< 10 mL/menit, tanpa dialisis", "10–24 mL/menit", "25–49 mL/menit",
        "50–69 mL/menit", "≥ 70 mL/menit"]
    assert all(b["shown"] == b["label"] for b in table["overrides"].values())  # no unit
    assert table["shown"]["caption"] == "Tabel dosis: Klirens kreatinin (mL/menit)"
    assert table["shown"]["rows"][0] == [
        "≥ 70", "5 mg/kgBB, setiap 12 jam (dua kali sehari)",
        "5 mg/kgBB, setiap 24 jam (sekali sehari)"]
    assert "calculator-table" not in render_widget(SPECS["ganciclovir-iv"], "id", "x.json",
                                                   details_url="../x/")
