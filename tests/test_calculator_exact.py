"""Issue 14: calculators that cannot mislead at the bedside (the Python reference).

Band edges are decided exactly (``clinical/dosing-tables.md``, "Band boundaries"),
renal replacement therapy, foscarnet from creatinine, plausibility and ambiguous numbers,
and words that fit. The browser twin of these checks is in test_calculator_browser.py.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator.calculators import CalcInputError, calc_json, evaluate, load_calculators
from generator.calculators import expr as ex
from generator.calculators.spec import CalculatorSpec, load_calculator

from .calc_edges import (
    COLUMN,
    EDGES,
    SEX,
    WEIGHTS,
    ages_for,
    band_of,
    batch,
    boundaries,
    from_creatinine,
    measured,
    per_kg_creatinine,
    through_cockcroft_gault,
    typed,
)

ROOT = Path(__file__).resolve().parent.parent


def _specs() -> dict[str, CalculatorSpec]:
    specs, problems = load_calculators(ROOT / "protocol_src" / "calculators", "calculators")
    assert problems == []
    return specs


SPECS = _specs()
PROPERTY = settings(max_examples=400, deadline=None)


def _calc(ident: str, *args: str) -> dict[str, object]:
    return calc_json(SPECS[ident], list(args))


# ---------------------------------------------------------------- 1. exact band decisions


@pytest.mark.parametrize(("args", "per_kg", "dose", "interval"), [
    (["weight=56", "crcl=78.4", "regimen=induction-60"], 1.4, 45.0, "q8h"),
    (["weight=72", "crcl=43.2", "regimen=induction-60"], 0.6, 60.0, "q24h"),
    (["weight=56", "crcl=22.4", "regimen=induction-60"], 0.4, 50.0, "q24h"),
])
def test_foscarnet_values_exactly_on_a_boundary_get_the_tables_band(
        args: list[str], per_kg: float, dose: float, interval: str) -> None:
    out = _calc("foscarnet-iv", *args)["outputs"]
    assert out["crcl_per_kg"] == per_kg  # not 1.4000000000000001
    assert (out["dose_mg_per_kg"], out["interval"]) == (dose, interval)


def test_cockcroft_gault_exactly_50_is_50_and_doses_in_50_to_69() -> None:
    out = _calc("creatinine-clearance", "age=20", "weight=63", "sex=male", "creatinine=2.1",
                "creatinine_unit=mg_dl")["outputs"]
    assert out["crcl"] == 50.0  # not 49.99999999999999
    dose = _calc("ganciclovir-iv", "weight=63", f"crcl={out['crcl']!r}", "phase=induction")
    assert dose["outputs"]["interval"] == "q12h" and dose["outputs"]["dose_mg_per_kg"] == 2.5


def test_protocols_calc_on_the_command_line_decides_exactly() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "calc", "foscarnet-iv", "weight=56",
         "crcl=78.4", "regimen=induction-60"], cwd=ROOT, capture_output=True, text=True,
        check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["outputs"] == {
        "crcl_per_kg": 1.4, "dose_mg_per_kg": 45.0, "dose_mg": 2520.0, "interval": "q8h"}


def test_the_edge_table_covers_every_boundary_of_every_dosing_table() -> None:
    for calc, edges in EDGES.items():
        assert boundaries(SPECS[calc]) == set(edges), calc


@PROPERTY
@given(edge=st.sampled_from(sorted(EDGES["foscarnet-iv"])), tenths=st.sampled_from(WEIGHTS),
       side=st.sampled_from((-1, 0, 1)), comma=st.booleans(),
       regimen=st.sampled_from(COLUMN["foscarnet-iv"][1]))
@example(edge=Fraction("1.4"), tenths=560, side=0, comma=False, regimen="induction-60")
@example(edge=Fraction("0.6"), tenths=720, side=0, comma=False, regimen="induction-60")
@example(edge=Fraction("0.4"), tenths=560, side=0, comma=True, regimen="maintenance-90")
def test_a_measured_clearance_on_a_foscarnet_boundary_through_any_weight(
        edge: Fraction, tenths: int, side: int, comma: bool, regimen: str) -> None:
    case = measured(edge, tenths, side, comma, regimen)
    assert band_of(SPECS, case) == case.expect, case


@PROPERTY
@given(data=st.data(), calc=st.sampled_from(["ganciclovir-iv", "valganciclovir-oral"]),
       tenths=st.sampled_from(WEIGHTS), sex=st.sampled_from(sorted(SEX)),
       unit=st.sampled_from(["mg_dl", "umol_l"]))
def test_cockcroft_gault_landing_exactly_on_a_boundary_gets_that_band(
        data: st.DataObject, calc: str, tenths: int, sex: str, unit: str) -> None:
    edge = data.draw(st.sampled_from(sorted(EDGES[calc])))
    ages = ages_for(edge, tenths, sex, unit)
    if not ages:
        return  # no whole age gives a creatinine with at most 8 decimals for this weight
    case = through_cockcroft_gault(calc, edge, tenths, data.draw(st.sampled_from(ages)), sex,
                                   unit, data.draw(st.sampled_from(COLUMN[calc][1])))
    crcl = evaluate(SPECS["creatinine-clearance"], case.via).outputs["crcl"]
    assert crcl == float(edge), case  # exactly, not 49.99999999999999
    assert band_of(SPECS, case) == case.expect, case


@PROPERTY
@given(data=st.data(), edge=st.sampled_from(sorted(EDGES["foscarnet-iv"])),
       sex=st.sampled_from(sorted(SEX)), unit=st.sampled_from(["mg_dl", "umol_l"]),
       tenths=st.sampled_from(WEIGHTS), regimen=st.sampled_from(COLUMN["foscarnet-iv"][1]))
def test_foscarnet_from_creatinine_on_a_boundary_gets_that_band_whatever_the_weight(
        data: st.DataObject, edge: Fraction, sex: str, unit: str, tenths: int,
        regimen: str) -> None:
    ages = [age for age in range(18, 121) if per_kg_creatinine(edge, age, sex, unit)]
    if not ages:
        return
    case = from_creatinine(edge, data.draw(st.sampled_from(ages)), sex, unit, tenths, regimen)
    assert band_of(SPECS, case) == case.expect, case
    per_kg = evaluate(SPECS["foscarnet-iv"], case.inputs).outputs["crcl_per_kg"]
    assert per_kg == float(edge)


def test_the_deterministic_batch_gets_every_band_right() -> None:
    cases = batch()
    assert len(cases) > 10_000
    wrong = [c for c in cases if band_of(SPECS, c) != c.expect]
    assert wrong == []


@contextmanager
def plain_floats() -> Iterator[None]:
    """The mutation: typed numbers and every operation as IEEE doubles, as before issue 14."""
    # the module, not the function of the same name that the package exports
    evaluate_module = sys.modules["generator.calculators.evaluate"]
    saved = (evaluate_module.parse_decimal, ex._binary)

    def parse(text: str) -> Fraction:
        return Fraction(float(text.replace(",", ".")))

    def binary(op: str, a: ex.Number, b: ex.Number) -> ex.Number | bool:
        x, y = float(a), float(b)
        if op in ex.COMPARISONS:
            return {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y, "==": x == y,
                    "!=": x != y}[op]
        if op == "/" and y == 0:
            raise ex.NotFinite("division by zero")
        return Fraction({"+": x + y, "-": x - y, "*": x * y, "/": x / y}[op])

    evaluate_module.parse_decimal = parse  # type: ignore[assignment]
    ex._binary = binary  # type: ignore[assignment]
    try:
        yield
    finally:
        evaluate_module.parse_decimal, ex._binary = saved  # type: ignore[assignment]


def test_with_plain_float_arithmetic_the_boundary_cases_fail() -> None:
    """The property tests can fail: with doubles, values on a boundary change band."""
    cases = batch()
    with plain_floats():
        wrong = [c for c in cases if band_of(SPECS, c) != c.expect]
        assert _calc("foscarnet-iv", "weight=56", "crcl=78.4",
                     "regimen=induction-60")["outputs"]["interval"] == "q8h"
        assert _calc("foscarnet-iv", "weight=56", "crcl=78.4",
                     "regimen=induction-60")["outputs"]["dose_mg_per_kg"] == 60  # wrong band
    assert len(wrong) > 100, len(wrong)
    assert {c.calc for c in wrong} >= {"foscarnet-iv", "ganciclovir-iv", "valganciclovir-oral"}


def test_shown_values_are_rounded_only_for_display() -> None:
    # 69.99 mL/min is shown as "70" with no decimals but stays in 50–69
    assert _calc("ganciclovir-iv", "weight=70", "crcl=69,99",
                 "phase=induction")["outputs"]["dose_mg_per_kg"] == 2.5


def test_a_band_cannot_be_decided_by_log10(tmp_path: Path) -> None:
    spec = (ROOT / "tests" / "test_calculators.py").read_text(encoding="utf-8")
    valid = spec.split('VALID = """\\\n', 1)[1].split('"""', 1)[0]
    text = valid.replace("logic:\n", "logic:\n  - let: lw\n    expr: log10(weight)\n", 1)
    text = text.replace("    by: weight\n", "    by: lw\n", 1)
    path = tmp_path / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    _, problems = load_calculator(path, "calculators/demo.yaml")
    assert [p.format() for p in problems] == [
        "calculators/demo.yaml:25: error: table 't': 'lw' is computed with log10, which is not "
        "exact, so it cannot choose a band"]
    text = valid.replace("logic:\n", "logic:\n  - check: log10(weight) > 1\n"
                                     "    message: {en: a, nl: a, id: a}\n", 1)
    path.write_text(text, encoding="utf-8")
    _, problems = load_calculator(path, "calculators/demo.yaml")
    assert [p.format() for p in problems] == [
        "calculators/demo.yaml:22: error: check: a comparison cannot use log10 or a value "
        "computed from it: log10 is not exact in 'log10(weight) > 1'"]


def test_exact_text_round_trips() -> None:
    from generator.calculators import exact

    for text in ("1.4", "-2", "0.625", "1/3", "88.4", "0"):
        assert exact.to_text(Fraction(text)) == text
    assert exact.from_yaml(1.4) == Fraction(7, 5)
    assert exact.parse_decimal("72,5") == Fraction(145, 2)


# ---------------------------------------------------------------- 3. renal replacement therapy


@pytest.mark.parametrize(("calc", "args", "interval", "notice"), [
    ("ganciclovir-iv", ["weight=70", "crcl=5", "phase=induction"], "no-label-dose",
     "The label gives no dose for a creatinine clearance below 10 mL/min without dialysis."),
    ("ganciclovir-iv", ["weight=70", "phase=induction", "rrt=crrt"], "no-label-dose",
     "Follow the local ICU or pharmacy CRRT guidance."),
    ("ganciclovir-iv", ["weight=70", "phase=induction", "rrt=intermittent-hd"],
     "three-times-weekly-after-dialysis", None),
    ("valganciclovir-oral", ["crcl=5", "phase=induction"], "no-label-dose",
     "without dialysis"),
    ("valganciclovir-oral", ["phase=induction", "rrt=intermittent-hd"], "not-recommended",
     "not recommended on haemodialysis"),
    ("valganciclovir-oral", ["crcl=60", "phase=induction", "rrt=crrt"], "no-label-dose",
     "CRRT guidance"),
    ("foscarnet-iv", ["weight=70", "regimen=induction-60", "rrt=intermittent-hd"],
     "no-label-dose", "no foscarnet dose for patients on haemodialysis"),
    ("foscarnet-iv", ["weight=70", "crcl=90", "regimen=induction-60", "rrt=crrt"],
     "no-label-dose", "CRRT guidance"),
])
def test_renal_replacement_therapy_on_the_command_line(calc: str, args: list[str],
                                                       interval: str,
                                                       notice: str | None) -> None:
    data = _calc(calc, *args)
    assert data["outputs"]["interval"] == interval
    if interval != "three-times-weekly-after-dialysis":
        assert data["outputs"]["dose_mg"] is None
    else:
        assert data["outputs"]["dose_mg"] == 87.5
    if notice:
        assert any(notice in m for m in data["messages"]), data["messages"]  # type: ignore[attr-defined]


def test_every_clearance_result_carries_the_aki_caveat() -> None:
    messages = _calc("creatinine-clearance", "age=60", "weight=72", "sex=male", "creatinine=1",
                     "creatinine_unit=mg_dl")["messages"]
    assert any("in acute kidney injury it overestimates renal function" in m
               for m in messages)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- 4. foscarnet from creatinine


@settings(max_examples=200, deadline=None)
@given(age=st.integers(18, 120), sex=st.sampled_from(sorted(SEX)),
       creatinine=st.integers(20, 2000).map(lambda n: Fraction(n, 100)),
       first=st.sampled_from(WEIGHTS), second=st.sampled_from(WEIGHTS))
def test_foscarnet_from_creatinine_a_second_weight_cannot_move_the_band(
        age: int, sex: str, creatinine: Fraction, first: int, second: int) -> None:
    def run(tenths: int) -> dict[str, object]:
        return evaluate(SPECS["foscarnet-iv"], {
            "weight": typed(Fraction(tenths, 10)) or "", "age": str(age), "sex": sex,
            "creatinine": f"{float(creatinine):.2f}", "creatinine_unit": "mg_dl",
            "regimen": "induction-90"}).outputs
    a, b = run(first), run(second)
    assert (a["crcl_per_kg"], a["dose_mg_per_kg"], a["interval"]) == \
        (b["crcl_per_kg"], b["dose_mg_per_kg"], b["interval"])
    per_kg = (140 - age) / (72 * creatinine) * SEX[sex]
    assert a["crcl_per_kg"] == float(per_kg)


# ---------------------------------------------------------------- 5. plausibility


@pytest.mark.parametrize(("text", "lang", "message"), [
    ("1.500", "en", "Actual body weight: “1.500” could mean 1500 or 1.5. Type 1500 or 1.5."),
    ("1,500", "en", "Actual body weight: “1,500” could mean 1500 or 1.5. Type 1500 or 1.5."),
    ("1.500", "nl", "Werkelijk lichaamsgewicht: ‘1.500’ kan 1500 of 1,5 betekenen. "
                    "Typ 1500 of 1,5."),
    ("100,250", "id", "Berat badan aktual: “100,250” bisa berarti 100250 atau 100,25. "
                      "Ketik 100250 atau 100,25."),
    ("2.000", "en", "Actual body weight: “2.000” could mean 2000 or 2. Type 2000 or 2."),
])
def test_numbers_that_read_differently_are_refused_with_both_readings(
        text: str, lang: str, message: str) -> None:
    with pytest.raises(CalcInputError) as info:
        evaluate(SPECS["ganciclovir-iv"], {"weight": text, "crcl": "60", "phase": "induction"},
                 lang)
    assert info.value.messages == [message]


@pytest.mark.parametrize(("text", "value"), [("72,5", 72.5), ("72.5", 72.5), ("0.500", 0.5),
                                             ("72,50", 72.5), ("1500", 1500.0),
                                             ("1234.567", 1234.567)])
def test_unambiguous_numbers_are_read(text: str, value: float) -> None:
    spec = SPECS["cmv-load-decline"]
    assert spec.input("load_start").whole_number  # whole numbers: no separator at all
    crcl = evaluate(SPECS["valganciclovir-oral"], {"crcl": "60", "phase": "induction"})
    assert crcl.outputs["dose_mg"] == 900
    from generator.calculators.evaluate import read_input
    item = SPECS["creatinine-clearance"].input("creatinine")
    assert read_input(item, text, "nl") == (Fraction(text.replace(",", ".")), None)
    assert float(Fraction(text.replace(",", "."))) == value


def test_a_load_of_250000_is_accepted_and_implausible_clearance_is_said() -> None:
    out = _calc("cmv-load-decline", "load_start=250000", "load_end=2500", "days=14")
    assert out["outputs"]["log_decline"] == 2.0
    cg = _calc("creatinine-clearance", "age=50", "weight=300", "sex=male", "creatinine=0.5",
               "creatinine_unit=mg_dl")
    assert cg["outputs"]["crcl"] == 750.0
    assert any("above 150 mL/min is implausible" in m for m in cg["messages"])  # type: ignore[attr-defined]
    assert any("Above 120 kg" in m for m in cg["messages"])  # type: ignore[attr-defined]
    dose = _calc("ganciclovir-iv", "weight=300", "crcl=80", "phase=maintenance")
    assert any("many hospitals adjust the weight in obesity" in m
               for m in dose["messages"])  # type: ignore[attr-defined]


# ---------------------------------------------------------------- 6. words that fit


def test_the_disclaimer_names_what_the_widget_gives() -> None:
    first = {ident: _calc_messages(ident)[0] for ident in SPECS}
    assert "dose" in first["ganciclovir-iv"]
    assert "dose" not in first["creatinine-clearance"] and "clearance" in \
        first["creatinine-clearance"]
    assert "dose" not in first["cmv-load-decline"] and "decline" in first["cmv-load-decline"]


def _calc_messages(ident: str) -> list[str]:
    sample = {
        "creatinine-clearance": ["age=60", "weight=72", "sex=male", "creatinine=1",
                                 "creatinine_unit=mg_dl"],
        "ganciclovir-iv": ["weight=70", "crcl=60", "phase=induction"],
        "valganciclovir-oral": ["crcl=60", "phase=induction"],
        "foscarnet-iv": ["weight=70", "crcl=60", "regimen=induction-60"],
        "cmv-load-decline": ["load_start=1000", "load_end=10", "days=7"],
    }[ident]
    return _calc(ident, *sample)["messages"]  # type: ignore[return-value]


def test_viral_load_change_within_assay_noise_is_said() -> None:
    noisy = _calc("cmv-load-decline", "load_start=200", "load_end=100", "days=1")
    assert noisy["outputs"]["log_decline_per_week"] == pytest.approx(2.107, abs=1e-3)
    assert any("within the noise of the assay" in m for m in noisy["messages"])  # type: ignore[attr-defined]
    clear = _calc("cmv-load-decline", "load_start=100000", "load_end=1000", "days=14")
    assert not any("noise" in m for m in clear["messages"])  # type: ignore[attr-defined]


def test_viral_load_wording_and_vectors_say_more_than_1() -> None:
    spec = SPECS["cmv-load-decline"]
    for vector in spec.vectors:
        if vector.expect and vector.expect.get("log_decline_per_week") == 1.0:
            assert "not more than 1" in vector.name and "exactly the target" not in vector.name
    texts = [spec.chart.title["en"]] if spec.chart else []
    texts += [note["en"] for note in spec.notes]
    assert all("more than 1 log" in t for t in texts if "target" in t), texts
    assert not re.search(r"target: 1 log", json.dumps(texts))


MACHINE_KEYS = {"id", "k", "v", "op", "f", "name", "by", "column", "sets", "kind", "choices",
                "calculator", "output", "overrideBy", "lang", "status", "format", "version",
                "default", "type", "start", "end", "days", "cells", "names", "decimal", "range",
                "plausible", "lower", "upper", "max", "expr", "when"}
# The same word in English and in the page's language, or a name: never a translation slip.
SAME_WORD = {"BHIVA", "CRRT", "ClinCalc", "Cockcroft", "Gault", "CrCl", "Cytovene", "Foscavir",
             "Valcyte", "Interval", "Status", "Viral", "viral", "load", "Loads", "loads",
             "ganciclovir", "Ganciclovir", "valganciclovir", "Valganciclovir", "foscarnet",
             "Foscarnet", "cidofovir", "globalrph", "medlibrary", "clinical", "dosing", "tables",
             "renal",  # the names of a web page and a file: globalrph.com/renal/, dosing-tables.md
             "Dose", "Adjustment",  # the label's section "Dose Adjustment", quoted as its title
             "Creatinine", "Clearance", "Equation"}  # ClinCalc's page title, quoted
SAME_WORD_IN = {"nl": {"acute", "calculator", "project", "protocol", "week", "hand", "creatinine"},
                "id": {"Regimen", "Target", "target", "label", "oral", "serum", "Swiss"}}


def _texts(value: object, key: str = "") -> Iterator[str]:
    """Every human text of a page spec, leaving out codes, names and expressions."""
    if key in MACHINE_KEYS:
        return
    if isinstance(value, str):
        yield re.sub(r"\{\w+\}", " ", value)
    elif isinstance(value, dict):
        for inner_key, inner in value.items():
            yield from _texts(inner, inner_key)
    elif isinstance(value, list):
        for inner in value:
            yield from _texts(inner, key)


def _words(spec: CalculatorSpec, lang: str) -> set[str]:
    from html import unescape

    from generator.calculators import render_widget
    from generator.calculators.widget import page_spec

    html = re.sub(r"<code>.*?</code>", " ", render_widget(spec, lang, "x.json"))
    text = unescape(re.sub(r"<[^>]+>", " ", html)) + " ".join(_texts(page_spec(spec, lang)))
    return set(re.findall(r"[A-Za-zÀ-ÿ]{4,}", text))


@pytest.mark.parametrize("lang", ["nl", "id"])
def test_no_untranslated_english_in_the_widgets(lang: str) -> None:
    """Status, band labels, interval words, sources, notices: in the page's language."""
    english = {ident: _words(spec, "en") for ident, spec in SPECS.items()}
    left = {ident: sorted((english[ident] & _words(spec, lang)) - SAME_WORD - SAME_WORD_IN[lang])
            for ident, spec in SPECS.items()}
    assert left == {ident: [] for ident in SPECS}
