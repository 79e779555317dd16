"""Calculators: spec validation, the expression language, the reference evaluator and
every shipped vector. The browser twin of these checks is test_calculator_browser.py."""

from __future__ import annotations

import json
import math
import re
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.calculators import (
    CalcInputError,
    calc_json,
    check_vectors,
    evaluate,
    load_calculator,
    load_calculators,
    render_widget,
)
from generator.calculators import expr as ex
from generator.calculators.spec import CalculatorSpec
from generator.calculators.vectors import vector_failure
from generator.calculators.widget import page_spec, spec_json, spec_path, spec_reference

from .conftest import SITE_LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
SPEC_DIR = ROOT / "protocol_src" / "calculators"
REQUIRED = {
    "creatinine-clearance": (["age", "weight", "sex", "creatinine", "creatinine_unit"], ["crcl"]),
    "ganciclovir-iv": (["weight", "crcl", "phase", "rrt"],
                       ["dose_mg_per_kg", "dose_mg", "interval"]),
    "valganciclovir-oral": (["crcl", "phase", "rrt"], ["dose_mg", "interval"]),
    "foscarnet-iv": (["weight", "crcl", "regimen", "age", "sex", "creatinine", "creatinine_unit",
                      "rrt"],
                     ["crcl_per_kg", "dose_mg_per_kg", "dose_mg", "interval"]),
    "cmv-load-decline": (["load_start", "load_end", "days"],
                         ["log_decline", "log_decline_per_week"]),
}
INTERVALS = {"q8h", "q12h", "q24h", "q48h", "twice-weekly", "three-times-weekly-after-dialysis",
             "not-recommended", "no-label-dose"}
RRT = ["none", "intermittent-hd", "crrt"]


def _shipped() -> dict[str, CalculatorSpec]:
    specs, problems = load_calculators(SPEC_DIR, "protocol_src/calculators")
    assert [p.format() for p in problems] == []
    return specs


SPECS = _shipped()
ALL_VECTORS = [(s.id, v.name) for s in SPECS.values() for v in s.vectors]


# ---------------------------------------------------------------- shipped specs


def test_the_five_required_calculators_exist_with_the_interface_names() -> None:
    assert set(SPECS) == set(REQUIRED)
    for ident, (inputs, outputs) in REQUIRED.items():
        spec = SPECS[ident]
        assert [i.id for i in spec.inputs] == inputs
        assert [o.id for o in spec.outputs] == outputs
        assert spec.version == "1.1"
        assert spec.status == "draft" and spec.approved_by is None
        for output in spec.outputs:
            if output.id == "interval":
                assert set(output.codes) <= INTERVALS


def test_choice_codes_match_the_interface() -> None:
    codes = {(s.id, i.id): [c.code for c in i.choices]
             for s in SPECS.values() for i in s.inputs if i.type == "choice"}
    assert codes == {
        ("creatinine-clearance", "sex"): ["male", "female"],
        ("creatinine-clearance", "creatinine_unit"): ["umol_l", "mg_dl"],
        ("ganciclovir-iv", "phase"): ["induction", "maintenance"],
        ("ganciclovir-iv", "rrt"): RRT,
        ("valganciclovir-oral", "phase"): ["induction", "maintenance"],
        ("valganciclovir-oral", "rrt"): RRT,
        ("foscarnet-iv", "regimen"): ["induction-60", "induction-90", "maintenance-90",
                                      "maintenance-120"],
        ("foscarnet-iv", "sex"): ["male", "female"],
        ("foscarnet-iv", "creatinine_unit"): ["umol_l", "mg_dl"],
        ("foscarnet-iv", "rrt"): RRT,
    }
    for ident in ("ganciclovir-iv", "valganciclovir-oral", "foscarnet-iv"):
        assert SPECS[ident].input("rrt").default == "none"


@pytest.mark.parametrize(("calc", "name"), ALL_VECTORS)
def test_every_shipped_vector_passes_in_python(calc: str, name: str) -> None:
    spec = SPECS[calc]
    vector = next(v for v in spec.vectors if v.name == name)
    assert vector_failure(spec, vector) is None


def test_check_vectors_reports_nothing_for_shipped_specs() -> None:
    assert [p.format() for s in SPECS.values() for p in check_vectors(s)] == []


def test_every_band_of_every_table_is_hit_by_a_vector_in_every_column() -> None:
    for spec in SPECS.values():
        tables = [s for s in spec.logic if hasattr(s, "bands")]
        hit: set[tuple[str, str]] = set()
        for vector in spec.vectors:
            if vector.expect is None:
                continue
            result = evaluate(spec, vector.inputs)
            for table in tables:
                hit.add((result.bands[table.name], str(result.inputs[table.column])))
        for table in tables:
            rows = (*table.bands, *table.overrides.values())
            wanted = {(b.label["en"], code) for b in rows for code in b.cells}
            assert wanted <= hit, (spec.id, wanted - hit)


def _dose(calc: str, **raw: str) -> dict[str, object]:
    return evaluate(SPECS[calc], raw).outputs


def test_ganciclovir_crcl_70_is_in_the_top_band_and_69_5_is_not() -> None:
    assert _dose("ganciclovir-iv", weight="70", crcl="70", phase="induction") == \
        {"dose_mg_per_kg": 5.0, "dose_mg": 350.0, "interval": "q12h"}
    assert _dose("ganciclovir-iv", weight="70", crcl="69.5", phase="induction") == \
        {"dose_mg_per_kg": 2.5, "dose_mg": 175.0, "interval": "q12h"}
    # unrounded: 69.99 would round to 70 but stays in 50–69
    assert _dose("ganciclovir-iv", weight="70", crcl="69,99", phase="induction")["dose_mg"] == 175


def test_ganciclovir_is_dosed_after_dialysis_only_on_haemodialysis() -> None:
    hd = {"dose_mg_per_kg": 0.625, "dose_mg": 43.75,
          "interval": "three-times-weekly-after-dialysis"}
    none = {"dose_mg_per_kg": None, "dose_mg": None, "interval": "no-label-dose"}
    assert _dose("ganciclovir-iv", weight="70", phase="maintenance", rrt="intermittent-hd") == hd
    assert _dose("ganciclovir-iv", weight="70", crcl="9.5", phase="maintenance") == none
    assert _dose("ganciclovir-iv", weight="70", crcl="9.5", phase="maintenance",
                 rrt="crrt") == none


def test_foscarnet_exactly_1_0_ml_min_kg_is_in_the_0_8_to_1_0_band() -> None:
    out = _dose("foscarnet-iv", weight="70", crcl="70", regimen="induction-60")
    assert out == {"crcl_per_kg": 1.0, "dose_mg_per_kg": 50.0, "dose_mg": 3500.0,
                   "interval": "q12h"}
    above = _dose("foscarnet-iv", weight="70", crcl="70.7", regimen="induction-60")
    assert above["dose_mg_per_kg"] == 45 and above["interval"] == "q8h"


def test_foscarnet_0_4_is_dosed_and_below_is_not_recommended() -> None:
    assert _dose("foscarnet-iv", weight="70", crcl="28", regimen="maintenance-120")[
        "dose_mg_per_kg"] == 65
    out = _dose("foscarnet-iv", weight="70", crcl="27.93", regimen="maintenance-120")
    assert out["dose_mg"] is None and out["dose_mg_per_kg"] is None
    assert out["interval"] == "not-recommended"


def test_valganciclovir_below_10_gives_no_dose() -> None:
    for crcl in ("9.99", "0"):
        for phase in ("induction", "maintenance"):
            assert _dose("valganciclovir-oral", crcl=crcl, phase=phase) == \
                {"dose_mg": None, "interval": "no-label-dose"}
            assert _dose("valganciclovir-oral", crcl=crcl, phase=phase,
                         rrt="intermittent-hd") == {"dose_mg": None, "interval": "not-recommended"}
    assert _dose("valganciclovir-oral", crcl="10", phase="maintenance") == \
        {"dose_mg": 450.0, "interval": "twice-weekly"}


def test_cockcroft_gault_in_both_units_and_sexes() -> None:
    base = {"age": "60", "weight": "72", "creatinine": "1", "creatinine_unit": "mg_dl"}
    assert _dose("creatinine-clearance", sex="male", **base)["crcl"] == 80
    assert _dose("creatinine-clearance", sex="female", **base)["crcl"] == pytest.approx(68)
    base.update(creatinine="88,4", creatinine_unit="umol_l")
    assert _dose("creatinine-clearance", sex="male", **base)["crcl"] == pytest.approx(80)


@pytest.mark.parametrize("raw", ["", "  ", "abc", "NaN", "nan", "inf", "-inf", "Infinity",
                                 "1e2", "0x10", "1_000", "1.000,5", "٣", "−5", "-5", "5 0"])
def test_invalid_weight_never_yields_a_dose(raw: str) -> None:
    with pytest.raises(CalcInputError) as info:
        evaluate(SPECS["ganciclovir-iv"], {"weight": raw, "crcl": "50", "phase": "induction"})
    assert len(info.value.messages) == 1
    assert info.value.messages[0].startswith("Actual body weight:")


def test_every_problem_is_reported_at_once_in_the_requested_language() -> None:
    with pytest.raises(CalcInputError) as info:
        evaluate(SPECS["ganciclovir-iv"], {"weight": "abc", "crcl": "400"}, "nl")
    assert info.value.messages == [
        "Werkelijk lichaamsgewicht: vul een getal in, bijvoorbeeld 72,5 of 72.5.",
        "Creatinineklaring: buiten het aannemelijke bereik 0 tot 300 mL/min. "
        "Controleer de waarde.",
        "Fase: kies een optie.",
    ]


def test_decimal_comma_and_surrounding_space_are_read() -> None:
    out = _dose("ganciclovir-iv", weight=" 62,5 ", crcl="69,99", phase="induction")
    assert out["dose_mg"] == 156.25


def test_a_draft_calculator_says_so_in_its_messages() -> None:
    result = evaluate(SPECS["valganciclovir-oral"], {"crcl": "80", "phase": "induction"}, "id")
    assert result.messages == ["Belum disetujui: periksa setiap dosis dengan label produk."]


# ---------------------------------------------------------------- calc_json


def test_calc_json_shape() -> None:
    data = calc_json(SPECS["ganciclovir-iv"], ["weight=70", "crcl=15", "phase=maintenance"])
    assert data == {
        "calculator": "ganciclovir-iv",
        "version": "1.1",
        "inputs": {"weight": 70.0, "crcl": 15.0, "phase": "maintenance", "rrt": "none"},
        "outputs": {"dose_mg_per_kg": 0.625, "dose_mg": 43.75, "interval": "q24h"},
        "messages": ["Not yet approved: verify every dose against the product label."],
    }
    json.dumps(data, allow_nan=False)


def test_calc_json_whole_number_inputs_are_integers_and_empty_is_null() -> None:
    data = calc_json(SPECS["cmv-load-decline"], ["load_start=100000", "load_end=1000", "days=14"])
    assert data["inputs"] == {"load_start": 100000, "load_end": 1000, "days": 14}
    assert data["outputs"] == {"log_decline": 2.0, "log_decline_per_week": 1.0}
    none = calc_json(SPECS["valganciclovir-oral"], ["crcl=5", "phase=induction"])
    assert json.dumps(none["outputs"]) == '{"dose_mg": null, "interval": "no-label-dose"}'


@pytest.mark.parametrize(("args", "message"), [
    (["weight"], "'weight': write each input as name=value"),
    (["=70"], "'=70': write each input as name=value"),
    (["height=170"],
     "'height' is not an input of ganciclovir-iv; inputs: weight, crcl, phase, rrt"),
    (["weight=70", "weight=71"], "'weight' is given more than once"),
])
def test_calc_json_refuses_malformed_arguments(args: list[str], message: str) -> None:
    with pytest.raises(CalcInputError) as info:
        calc_json(SPECS["ganciclovir-iv"], args + ["crcl=50", "phase=induction"])
    assert info.value.messages == [message]


def test_calc_json_refuses_missing_input() -> None:
    with pytest.raises(CalcInputError) as info:
        calc_json(SPECS["ganciclovir-iv"], ["crcl=50", "phase=induction"])
    assert info.value.messages == ["Actual body weight: enter a value."]


# ---------------------------------------------------------------- property test


def _raw_text() -> st.SearchStrategy[str]:
    numbers = st.one_of(
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.integers(min_value=-10**30, max_value=10**30).map(str),
        st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
        st.floats(min_value=0, max_value=400).map(lambda f: f"{f:.2f}".replace(".", ",")),
    )
    words = st.sampled_from(["", " ", "NaN", "inf", "-inf", "1e308", "1" * 5000, "0", "-0",
                             "male", "female", "umol_l", "mg_dl", "induction", "maintenance",
                             "induction-60", "maintenance-120", "0,0", ".5", ",5"])
    return st.one_of(numbers, words, st.text(max_size=12))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_raw_input_gives_an_input_error_or_finite_outputs(data: st.DataObject) -> None:
    spec = data.draw(st.sampled_from(sorted(SPECS.values(), key=lambda s: s.id)))
    raw = {}
    for item in spec.inputs:
        if item.type == "choice":
            raw[item.id] = data.draw(st.one_of(st.sampled_from([c.code for c in item.choices]),
                                               _raw_text()))
        else:
            raw[item.id] = data.draw(_raw_text())
    try:
        result = evaluate(spec, raw)
    except CalcInputError as exc:
        assert exc.messages and all(isinstance(m, str) and m for m in exc.messages)
        return
    for output in spec.outputs:
        value = result.outputs[output.id]
        if output.type == "code":
            assert value is None or value in output.codes
        elif value is not None:
            assert isinstance(value, float) and math.isfinite(value)
            assert value >= 0 or output.allow_negative


@settings(max_examples=200, deadline=None)
@given(weight=st.floats(20, 300), crcl=st.floats(0, 300),
       regimen=st.sampled_from(["induction-60", "induction-90", "maintenance-90",
                                "maintenance-120"]))
def test_plausible_foscarnet_inputs_always_give_a_dose_or_not_recommended(
        weight: float, crcl: float, regimen: str) -> None:
    out = evaluate(SPECS["foscarnet-iv"], {"weight": repr(weight), "crcl": repr(crcl),
                                           "regimen": regimen}).outputs if "e" not in \
        repr(weight) + repr(crcl) else None
    if out is None:
        return  # repr used an exponent, which the input rules refuse
    if out["interval"] == "not-recommended":
        assert out["dose_mg"] is None and Fraction(repr(crcl)) / Fraction(repr(weight)) < 0.4
    else:
        assert out["dose_mg"] == pytest.approx(out["dose_mg_per_kg"] * weight)


# ---------------------------------------------------------------- expression language


@pytest.mark.parametrize(("text", "value"), [
    ("1 + 2 * 3", 7.0), ("(1 + 2) * 3", 9.0), ("-2 * -3", 6.0), ("10 / 4", 2.5),
    ("8 - 2 - 1", 5.0), ("16 / 4 / 2", 2.0), ("log10(1000)", 3.0), ("abs(-2.5)", 2.5),
    ("min(3, 1, 2)", 1.0), ("max(3, 1, 2)", 3.0), ("x * 2", 8.0),
    ("x > 3 and not x >= 5", True), ("x < 3 or x == 4", True), ("x != 4", False),
])
def test_expressions_evaluate(text: str, value: object) -> None:
    assert ex.evaluate(ex.parse(text), {"x": Fraction(4)}) == value


@pytest.mark.parametrize(("text", "message", "column"), [
    ("x.real", "unexpected character '.'", 2),
    ("__import__('os')", "strings are not allowed in expressions", 12),
    ("'a'", "strings are not allowed in expressions", 1),
    ("eval(x)", "unknown function 'eval' (allowed: abs, first, given, log10, max, min)", 1),
    ("open(x)", "unknown function 'open' (allowed: abs, first, given, log10, max, min)", 1),
    ("x[0]", "unexpected character '['", 2),
    ("x ** 2", "unexpected '*'", 4),
    ("lambda: 1", "unexpected character ':'", 7),
    ("1 < x < 3", "chained comparisons are not allowed; use 'and'", 7),
    ("log10(x, 2)", "function 'log10' takes 1 argument(s), got 2", 1),
    ("min(x)", "function 'min' takes at least 2 argument(s), got 1", 1),
    ("(x + 1", "expected ')' but found end of expression", 7),
    ("x +", "unexpected end of expression", 4),
    ("1.2.3", "malformed number near '1.2.'", 1),
    ("x = 1", "unexpected character '='", 3),
    ("", "empty expression", 1),
    ("x;y", "unexpected character ';'", 2),
    ("(x)(1)", "unexpected '('", 4),
])
def test_anything_outside_the_grammar_is_refused(text: str, message: str, column: int) -> None:
    with pytest.raises(ex.ExprError) as info:
        ex.parse(text)
    assert (info.value.message, info.value.column) == (message, column)


def test_types_are_checked() -> None:
    env = {"x": "number", "sex": "choice"}
    assert ex.type_of(ex.parse("x > 1 and x < 2"), env) == "bool"
    for text, message in [
        ("y + 1", "unknown variable 'y'"),
        ("sex * 2", "'sex' is a choice and cannot be used in a calculation"),
        ("(x > 1) + 1", "'+' needs a number here"),
        ("x and x", "'and' needs a comparison here"),
        ("not x", "'not' needs a comparison here"),
    ]:
        with pytest.raises(ex.ExprError, match=re.escape(message)):
            ex.type_of(ex.parse(text), env)


def test_non_finite_intermediates_raise_and_empty_propagates() -> None:
    for text in ("1 / x", "log10(x)", "log10(0 - 1)"):
        with pytest.raises(ex.NotFinite):
            ex.evaluate(ex.parse(text), {"x": 0.0})
    with pytest.raises(ex.NotFinite):
        ex.evaluate(ex.parse("x * x * x * x"), {"x": 1e100})
    assert ex.evaluate(ex.parse("x * 2 + 1"), {"x": None}) is None


def test_ast_json_is_plain_and_complete() -> None:
    tree = ex.parse("-log10(a) * 2 >= b or not c < 1")
    assert ex.to_json(tree) == {"k": "op", "op": "or", "a": [
        {"k": "op", "op": ">=", "a": [
            {"k": "op", "op": "*", "a": [
                {"k": "neg", "a": [{"k": "call", "f": "log10", "a": [{"k": "name", "v": "a"}]}]},
                {"k": "num", "v": "2"}]},
            {"k": "name", "v": "b"}]},
        {"k": "not", "a": [{"k": "op", "op": "<", "a": [{"k": "name", "v": "c"},
                                                        {"k": "num", "v": "1"}]}]}]}


def test_no_eval_or_exec_anywhere_in_the_package() -> None:
    package = ROOT / "generator" / "calculators"
    for path in package.glob("*.py"):
        code = path.read_text(encoding="utf-8")
        assert not re.search(r"(?<![.\w])(eval|exec|compile|__import__)\(", code), path
    js = (ROOT / "generator" / "assets" / "calculator.js").read_text(encoding="utf-8")
    assert not re.search(r"\beval\(|new Function|innerHTML", js)


# ---------------------------------------------------------------- spec validation

VALID = """\
id: demo
version: "1.0"
status: draft
title: {en: Demo, nl: Demo, id: Demo}
source: ["Label, Table 1"]
inputs:
  - id: weight
    type: number
    unit: kg
    label: {en: Weight, nl: Gewicht, id: Berat}
    range: [0, 500]
    plausible: [20, 300]
  - id: phase
    type: choice
    label: {en: Phase, nl: Fase, id: Fase}
    choices:
      - code: a
        label: {en: A, nl: A, id: A}
      - code: b
        label: {en: B, nl: B, id: B}
logic:
  - table: t
    by: weight
    column: phase
    sets: [per_kg, interval]
    bands:
      - band: "≥ 50"
        at_least: 50
        a: {per_kg: 2, interval: q12h}
        b: {per_kg: 1, interval: q24h}
      - band: "< 50"
        below: 50
        a: {per_kg: null, interval: not-recommended}
        b: {per_kg: 1, interval: q24h}
outputs:
  - id: dose
    type: number
    label: {en: Dose, nl: Dosis, id: Dosis}
    expr: per_kg * weight
    unit: mg
    decimals: 1
  - id: interval
    type: code
    label: {en: Interval, nl: Interval, id: Interval}
    expr: interval
    codes:
      q12h: {en: q12h, nl: 2 dd, id: 2x}
      q24h: {en: q24h, nl: 1 dd, id: 1x}
      not-recommended: {en: not recommended, nl: niet aanbevolen, id: tidak}
vectors:
  - name: high
    inputs: {weight: "60", phase: a}
    expect: {dose: 120, interval: q12h}
  - name: low
    inputs: {weight: "40", phase: a}
    expect: {dose: null, interval: not-recommended}
  - name: bad
    inputs: {weight: "x", phase: a}
    rejects: "Weight: enter a number, for example 72.5 or 72,5."
"""


def _problems(tmp_path: Path, text: str, name: str = "demo") -> list[str]:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    spec, problems = load_calculator(path, f"calculators/{name}.yaml")
    assert (spec is None) == any(p.severity == "error" for p in problems)
    return [p.format() for p in problems]


def _edit(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new, 1)


def test_the_valid_example_loads_and_its_vectors_pass(tmp_path: Path) -> None:
    assert _problems(tmp_path, VALID) == []
    spec, _ = load_calculator(tmp_path / "demo.yaml", "x")
    assert spec is not None and check_vectors(spec) == []


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("status: draft\n", "status: draft\ncolour: red\n",
     "calculators/demo.yaml:4: error: unknown key 'colour' in the calculator spec (hint: allowed: "
     "id, version, status, title, source, inputs, logic, outputs, vectors, approved_by, summary, "
     "notes, chart, gives, drugs)"),
    ("status: draft\n", "status: draft\ndrugs: [Ganciclovir]\n",
     "calculators/demo.yaml:4: error: drugs: 'Ganciclovir' is not a drug name (hint: a name in "
     "lowercase letters, e.g. ganciclovir)"),
    ("id: demo", "id: other",
     "calculators/demo.yaml:1: error: id 'other' does not match the file name 'demo.yaml'"),
    ('version: "1.0"', "version: 1.0",
     "calculators/demo.yaml:2: error: version must be a quoted string 'MAJOR.MINOR', got 1.0"),
    # as in protocol.yaml (model.VERSION_PATTERN): no leading zeros, nothing after
    ('version: "1.0"', 'version: "01.0"',
     "calculators/demo.yaml:2: error: version must be a quoted string 'MAJOR.MINOR', got '01.0'"),
    ('version: "1.0"', 'version: "1.00"',
     "calculators/demo.yaml:2: error: version must be a quoted string 'MAJOR.MINOR', got '1.00'"),
    ('version: "1.0"', 'version: "1.0\\n"',
     "calculators/demo.yaml:2: error: version must be a quoted string 'MAJOR.MINOR', got "
     "'1.0\\n'"),
    ("status: draft", "status: approved",
     "calculators/demo.yaml:3: error: status 'approved' needs 'approved_by': the person who "
     "checked the tables"),
    ("title: {en: Demo, nl: Demo, id: Demo}", "title: {en: Demo, nl: Demo}",
     "calculators/demo.yaml:4: error: missing 'id' text for title"),
    ("label: {en: Weight, nl: Gewicht, id: Berat}", "label: {en: Weight, nl: Gewicht, fr: Poids}",
     "calculators/demo.yaml:10: error: unknown language 'fr' in the label of input 'weight' "
     "(hint: languages: en, nl, id)"),
    ("      - code: b\n        label: {en: B, nl: B, id: B}\n", "      - code: b\n",
     "calculators/demo.yaml:19: error: input 'phase': choice 'b' has no label"),
    ("    plausible: [20, 300]", "    plausible: [20, 600]",
     "calculators/demo.yaml:12: error: input 'weight': the plausible range must lie within "
     "the range"),
    ("    range: [0, 500]", "    range: [500, 0]",
     "calculators/demo.yaml:11: error: input 'weight': range: minimum must be below maximum"),
    ("expr: per_kg * weight", "expr: per_kg * height",
     "calculators/demo.yaml:39: error: output 'dose': unknown variable 'height' in "
     "'per_kg * height'"),
    ("expr: per_kg * weight", "expr: per_kg.__class__",
     "calculators/demo.yaml:39: error: output 'dose': unexpected character '.' at column 7 in "
     "'per_kg.__class__'"),
    ("expr: per_kg * weight", "expr: system(1)",
     "calculators/demo.yaml:39: error: output 'dose': unknown function 'system' (allowed: abs, "
     "first, given, log10, max, min) at column 1 in 'system(1)'"),
    ("expr: per_kg * weight", "expr: phase * 2",
     "calculators/demo.yaml:39: error: output 'dose': 'phase' is a choice and cannot be used in "
     "a calculation in 'phase * 2'"),
    ("expr: per_kg * weight", "expr: interval * 2",
     "calculators/demo.yaml:39: error: output 'dose': 'interval' is a code and cannot be used in "
     "a calculation in 'interval * 2'"),
    ("        below: 50\n", "        below: 40\n",
     "calculators/demo.yaml:27: error: table 't': gap between bands '< 50' and '≥ 50': values "
     "from 40 to 50 fall in no band"),
    ("        below: 50\n", "        at_most: 50\n",
     "calculators/demo.yaml:27: error: table 't': bands '< 50' and '≥ 50' overlap at 50 "
     "(hint: one of them must exclude the boundary)"),
    ("        at_least: 50\n", "        above: 50\n",
     "calculators/demo.yaml:27: error: table 't': gap between bands '< 50' and '≥ 50': the "
     "value 50 falls in no band"),
    ("        below: 50\n", "        below: 60\n",
     "calculators/demo.yaml:27: error: table 't': bands '< 50' and '≥ 50' overlap"),
    ("        at_least: 50\n", "        at_least: 50\n        below: 90\n",
     "calculators/demo.yaml:27: error: table 't': no band covers values above 90 (hint: the "
     "highest band needs only 'above' or 'at_least')"),
    ("        b: {per_kg: 1, interval: q24h}\n      - band", "      - band",
     "calculators/demo.yaml:27: error: table 't', band '≥ 50': missing choice 'b'"),
    ("        a: {per_kg: 2, interval: q12h}", "        a: {per_kg: -2, interval: q12h}",
     "calculators/demo.yaml:29: error: table 't', band '≥ 50', 'a': 'per_kg' must be a "
     "non-negative number, a code or null, got -2"),
    ("      q24h: {en: q24h, nl: 1 dd, id: 1x}\n", "",
     "calculators/demo.yaml:47: error: output 'interval': codes: missing choice 'q24h'"),
    ('    inputs: {weight: "60", phase: a}', '    inputs: {weight: "60", phase: a, age: "3"}',
     "calculators/demo.yaml:52: error: vector 'high': unknown input 'age' (hint: inputs: phase, "
     "weight)"),
    ("    expect: {dose: 120, interval: q12h}", "    expect: {dose: 120}",
     "calculators/demo.yaml:53: error: vector 'high': missing expected output 'interval' (write "
     "null for empty)"),
    ("    rejects: \"Weight: enter a number, for example 72.5 or 72,5.\"", "",
     "calculators/demo.yaml:57: error: vector 'bad': needs either 'expect' or 'rejects'"),
])
def test_spec_errors_have_exact_messages_and_lines(tmp_path: Path, old: str, new: str,
                                                    expected: str) -> None:
    assert expected in _problems(tmp_path, _edit(old, new))


def test_yaml_booleans_are_not_taken_as_text(tmp_path: Path) -> None:
    text = _edit("not-recommended: {en: not recommended,", "not-recommended: {en: no,")
    assert _problems(tmp_path, text) == [
        "calculators/demo.yaml:49: error: the 'en' text for code 'not-recommended' of output "
        "'interval' must be a string (quote it), got False"]


def test_invalid_yaml_and_non_mapping(tmp_path: Path) -> None:
    assert _problems(tmp_path, "id: [\n") == [
        "calculators/demo.yaml:2: error: invalid YAML: expected the node content, but found "
        "'<stream end>'"]
    assert _problems(tmp_path, "- 1\n") == [
        "calculators/demo.yaml:1: error: a calculator spec must be a mapping"]


def test_a_failing_vector_is_reported_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(_edit("expect: {dose: 120,", "expect: {dose: 121,"), encoding="utf-8")
    spec, problems = load_calculator(path, "calculators/demo.yaml")
    assert problems == [] and spec is not None
    assert [p.format() for p in check_vectors(spec)] == [
        "calculators/demo.yaml:51: error: vector 'high': dose: expected 121.0, got 120.0"]


def test_a_vector_expecting_rejection_that_passes_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(_edit('inputs: {weight: "x", phase: a}', 'inputs: {weight: "70", phase: a}'),
                    encoding="utf-8")
    spec, _ = load_calculator(path, "calculators/demo.yaml")
    assert spec is not None
    assert [p.message for p in check_vectors(spec)] == [
        "vector 'bad': expected the input to be rejected, got {'dose': 140.0, 'interval': 'q12h'}"]


def test_load_calculators_collects_problems_of_every_file(tmp_path: Path) -> None:
    (tmp_path / "demo.yaml").write_text(VALID, encoding="utf-8")
    (tmp_path / "broken.yaml").write_text(VALID, encoding="utf-8")
    (tmp_path / "old.yml").write_text(VALID, encoding="utf-8")
    specs, problems = load_calculators(tmp_path, "calculators")
    assert list(specs) == ["demo"]
    assert [p.format() for p in problems] == [
        "calculators/broken.yaml:1: error: id 'demo' does not match the file name 'broken.yaml'",
        "calculators/old.yml:1: error: calculator specs end in '.yaml'",
    ]


# ---------------------------------------------------------------- widget HTML


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
@pytest.mark.parametrize("calc", sorted(REQUIRED))
def test_widget_is_one_csp_safe_html_block(calc: str, lang: str) -> None:
    html = render_widget(SPECS[calc], lang, "../../assets/x.json?v=1")
    assert "\n\n" not in html and not re.search(r"^\s*$", html, re.M)
    assert html.startswith(f'<div class="calculator" data-calculator="{calc}" '
                           'data-calculator-version="1.1" data-calculator-status="draft" '
                           'data-calculator-spec="../../assets/x.json?v=1">')
    assert not re.search(r"\son[a-z]+=|\sstyle=|javascript:", html)
    assert "<script" not in html  # the spec is a file of the site, fetched by calculator.js
    assert 'aria-live="polite"' in html and "<details" in html
    assert '<p class="calculator-unavailable" hidden>' in html
    for item in SPECS[calc].inputs:
        # labelled by the label around it: nothing between the label and its control
        tag = "select" if item.type == "choice" else "input"
        assert re.search(rf'<div><label>[^<]*(<span class="calculator-unit">[^<]*</span>)?'
                         rf'<{tag} name="{item.id}"[ >]', html), item.id
    for output in SPECS[calc].outputs:
        assert f'data-output="{output.id}" data-value=""' in html
    assert "calculator-notice" in html  # every shipped spec is still a draft


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
@pytest.mark.parametrize("calc", sorted(REQUIRED))
def test_spec_file_is_the_page_spec_and_its_url_changes_with_it(calc: str, lang: str) -> None:
    text = spec_json(SPECS[calc], lang)
    assert json.loads(text) == json.loads(json.dumps(page_spec(SPECS[calc], lang)))
    assert spec_path(calc, lang) == f"assets/calculators/{calc}.{lang}.json"
    assert re.fullmatch(rf"assets/calculators/{calc}\.{lang}\.json\?v=[0-9a-f]{{16}}",
                        spec_reference(SPECS[calc], lang))
    others = {spec_reference(SPECS[calc], other) for other in SITE_LANGUAGES}
    assert len(others) == 3


def test_spec_url_changes_when_the_spec_changes(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(VALID, encoding="utf-8")
    before, _ = load_calculator(path, "x")
    path.write_text(_edit("label: {en: Weight,", "label: {en: Body weight,"), encoding="utf-8")
    after, _ = load_calculator(path, "x")
    assert before is not None and after is not None
    assert spec_path(before.id, "en") == spec_path(after.id, "en")
    assert spec_reference(before, "en") != spec_reference(after, "en")


def test_protocol_widget_links_to_the_details_instead_of_carrying_them() -> None:
    html = render_widget(SPECS["foscarnet-iv"], "nl", "x.json",
                         details_url="../../calculators/foscarnet-iv/")
    assert "<details" not in html and "<table" not in html
    assert ('<p class="calculator-details-link"><a href="../../calculators/foscarnet-iv/'
            '#calc-foscarnet-iv-details">Hoe dit berekend wordt</a> (formule, doseringstabel, '
            'geaccepteerde invoer, bron)</p>') in html
    decline = render_widget(SPECS["cmv-load-decline"], "en", "x.json", details_url="../c/")
    assert "(formula, accepted input, source)" in decline  # no table to promise
    own_page = render_widget(SPECS["foscarnet-iv"], "nl", "x.json")
    assert '<details class="calculator-details" id="calc-foscarnet-iv-details" open>' in own_page


def test_spec_json_cannot_break_out_of_an_html_element(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(_edit("label: {en: Weight,", "label: {en: '</script><b>&',"), encoding="utf-8")
    spec, problems = load_calculator(path, "x")
    assert spec is not None, problems
    html = render_widget(spec, "en", "x.json")
    assert "</script><b>" not in html
    assert "&lt;/script&gt;&lt;b&gt;&amp;" in html
    text = spec_json(spec, "en")
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\\u003c/script\\u003e\\u003cb\\u003e\\u0026" in text
    assert json.loads(text)["inputs"][0]["messages"]["missing"] == "</script><b>&: enter a value."


def test_a_check_and_a_notice_in_the_formula_say_when_their_message_shows() -> None:
    # A check's expression is what must hold; its message shows when it does not. Written
    # as "condition: message", "creatinine ≥ 0.2 and ≤ 20: outside the plausible range"
    # read as if a normal value were the implausible one.
    cg = render_widget(SPECS["creatinine-clearance"], "en", "x.json")
    assert ("<li>Unless creatinine in mg/dL ≥ 0.2 and creatinine in mg/dL ≤ 20: Serum "
            "creatinine: outside the plausible range") in cg
    assert "<li>If Creatinine clearance &gt; 150: A creatinine clearance above 150" in cg
    assert "<li>creatinine in mg/dL ≥ 0.2" not in cg
    nl = render_widget(SPECS["creatinine-clearance"], "nl", "x.json")
    assert "<li>Tenzij creatinine in mg/dL ≥ 0,2 en creatinine in mg/dL ≤ 20: " in nl
    assert "<li>Als Creatinineklaring &gt; 150: " in nl
    id_ = render_widget(SPECS["creatinine-clearance"], "id", "x.json")
    assert "<li>Kecuali " in id_ and "<li>Jika " in id_


def test_widget_details_show_formula_table_source_version_and_judgements() -> None:
    html = render_widget(SPECS["foscarnet-iv"], "nl", "x.json")
    # as a reader writes it (issue 18), not as the spec's code
    assert ("<li>Klaring per kg = (Gemeten creatinineklaring (in plaats van creatinine) / "
            "Werkelijk lichaamsgewicht) anders ((140 − Leeftijd) / (72 × creatinine in mg/dL) × "
            "geslachtsfactor)</li>") in html
    assert "creatinine_mg_dl" not in html and "<code>" not in html
    assert ("<li>Tenzij niet Serumcreatinine ingevuld of (creatinine in mg/dL ≥ 0,2 en "
            "creatinine in mg/dL ≤ 20): Serumcreatinine: buiten") in html
    cg_nl = render_widget(SPECS["creatinine-clearance"], "nl", "x.json")
    assert ("<li>Creatinineklaring = (140 − Leeftijd) × Werkelijk lichaamsgewicht / "
            "(72 × creatinine in mg/dL) × geslachtsfactor</li>") in cg_nl
    assert ('<th role="rowheader" data-label="Bereik">&gt; 0,8 – 1,0</th>'
            '<td role="cell" data-label="Inductie 60 mg/kg 3 dd">50 mg/kg, 2 dd (elke 12 uur)</td>'
            ) in html
    assert "Productinformatie Foscavir (foscarnet) van de FDA, tabel 13" in html
    assert "Versie van de calculator: 1.1 · Status: concept" in html
    assert "keuzes van dit project" in html
    cg = render_widget(SPECS["creatinine-clearance"], "en", "x.json")
    assert "actual body weight" in cg and "Actual body weight" in cg
    assert "age 18 to 120 years is accepted (a project judgement)" in cg


def test_a_link_must_name_a_number_output_of_another_calculator(tmp_path: Path) -> None:
    (tmp_path / "demo.yaml").write_text(_edit(
        "    plausible: [20, 300]\n",
        "    plausible: [20, 300]\n    link: {calculator: nowhere, output: crcl, label: "
        "{en: a, nl: a, id: a}}\n"), encoding="utf-8")
    specs, problems = load_calculators(tmp_path, "calculators")
    assert [p.format() for p in problems] == [
        "calculators/demo.yaml:7: error: input 'weight': link to 'nowhere' output 'crcl', "
        "which is not a number output of another calculator"]
