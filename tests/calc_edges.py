"""Cases that land exactly on, or next to, every band boundary of every dosing table.

The expected bands are written out from ``clinical/dosing-tables.md`` ("Band boundaries"),
not computed by the code under test. Used by the Python property tests
(test_calculator_exact.py) and by the same cases run through the page's JavaScript in
Chromium (test_calculator_browser.py).
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from generator.calculators import CalcInputError, evaluate
from generator.calculators.spec import CalculatorSpec, TableStep

NO_DIALYSIS = "< 10, no dialysis"
# boundary -> (band just below it, band of the boundary itself, band just above it)
EDGES: dict[str, dict[Fraction, tuple[str, str, str]]] = {
    "ganciclovir-iv": {
        Fraction(70): ("50–69", "≥ 70", "≥ 70"),
        Fraction(50): ("25–49", "50–69", "50–69"),
        Fraction(25): ("10–24", "25–49", "25–49"),
        Fraction(10): (NO_DIALYSIS, "10–24", "10–24"),
    },
    "valganciclovir-oral": {
        Fraction(60): ("40–59", "≥ 60", "≥ 60"),
        Fraction(40): ("25–39", "40–59", "40–59"),
        Fraction(25): ("10–24", "25–39", "25–39"),
        Fraction(10): (NO_DIALYSIS, "10–24", "10–24"),
    },
    "foscarnet-iv": {  # exclusive at the lower end as printed, except "≥ 0.4"
        Fraction("1.4"): ("> 1.0 – 1.4", "> 1.0 – 1.4", "> 1.4"),
        Fraction("1.0"): ("> 0.8 – 1.0", "> 0.8 – 1.0", "> 1.0 – 1.4"),
        Fraction("0.8"): ("> 0.6 – 0.8", "> 0.6 – 0.8", "> 0.8 – 1.0"),
        Fraction("0.6"): ("> 0.5 – 0.6", "> 0.5 – 0.6", "> 0.6 – 0.8"),
        Fraction("0.5"): ("≥ 0.4 – 0.5", "≥ 0.4 – 0.5", "> 0.5 – 0.6"),
        Fraction("0.4"): ("< 0.4", "≥ 0.4 – 0.5", "≥ 0.4 – 0.5"),
    },
}
TABLE = {"ganciclovir-iv": "ganciclovir_label_table_1",
         "valganciclovir-oral": "valganciclovir_label_table",
         "foscarnet-iv": "foscarnet_label_table_13"}
COLUMN = {"ganciclovir-iv": ("phase", ["induction", "maintenance"]),
          "valganciclovir-oral": ("phase", ["induction", "maintenance"]),
          "foscarnet-iv": ("regimen", ["induction-60", "induction-90", "maintenance-90",
                                       "maintenance-120"])}
WEIGHTS = range(300, 2001)  # tenths of a kg: 30.0 to 200.0 kg
SEX = {"male": Fraction(1), "female": Fraction(85, 100)}
UMOL_PER_MG_DL = Fraction("88.4")


def boundaries(spec: CalculatorSpec) -> set[Fraction]:
    """Every boundary of every table of ``spec``, read from the spec."""
    found: set[Fraction] = set()
    for step in spec.logic:
        if isinstance(step, TableStep):
            for band in step.bands:
                found |= {b for b in (band.lower, band.upper) if b is not None}
    return found


def decimals(value: Fraction) -> int | None:
    """How many decimals ``value`` has, or ``None`` when they never end (1/3)."""
    denominator, twos, fives = value.denominator, 0, 0
    while denominator % 2 == 0:
        denominator, twos = denominator // 2, twos + 1
    while denominator % 5 == 0:
        denominator, fives = denominator // 5, fives + 1
    return max(twos, fives) if denominator == 1 else None


def typed(value: Fraction, comma: bool = False) -> str | None:
    """``value`` as a person types it, or ``None`` when it needs more than 8 decimals.

    Three decimals after one to three digits ("1.125") would be refused as ambiguous, so
    such a value gets a fourth decimal ("1.1250"), which means the same.
    """
    digits = decimals(value)
    if digits is None or digits > 8:
        return None
    whole, fraction = divmod(int(abs(value) * 10**digits), 10**digits)
    text = str(whole) + ("." + str(fraction).rjust(digits, "0") if digits else "")
    if digits == 3 and 0 < whole < 1000:
        text += "0"
    text = ("-" if value < 0 else "") + text
    return text.replace(".", ",") if comma else text


@dataclass(frozen=True)
class Case:
    """One calculation and the band the table names for it."""

    calc: str
    inputs: dict[str, str]
    expect: str  # band label (English)
    via: dict[str, str] = field(default_factory=dict)  # creatinine-clearance inputs first

    def to_json(self) -> dict[str, Any]:
        return {"calc": self.calc, "inputs": self.inputs, "expect": self.expect,
                "via": self.via, "table": TABLE[self.calc]}


def measured(edge: Fraction, tenths: int, side: int, comma: bool, regimen: str) -> Case:
    """Foscarnet with a measured CrCl of edge × weight (+ or − 0.01 mL/min for ``side``)."""
    weight = Fraction(tenths, 10)
    crcl = edge * weight + Fraction(side, 100)
    text = typed(crcl, comma)
    assert text is not None
    return Case("foscarnet-iv", {"weight": typed(weight, comma) or "", "crcl": text,
                                 "regimen": regimen}, EDGES["foscarnet-iv"][edge][side + 1])


def creatinine_for(edge: Fraction, tenths: int, age: int, sex: str, unit: str) -> str | None:
    """The creatinine that puts Cockcroft–Gault exactly on ``edge`` mL/min, typed, or None."""
    mg_dl = (140 - age) * Fraction(tenths, 10) * SEX[sex] / (72 * edge)
    if not Fraction(2, 10) <= mg_dl <= 20:
        return None
    return typed(mg_dl * UMOL_PER_MG_DL if unit == "umol_l" else mg_dl)


def ages_for(edge: Fraction, tenths: int, sex: str, unit: str) -> list[int]:
    return [age for age in range(18, 121) if creatinine_for(edge, tenths, age, sex, unit)]


def through_cockcroft_gault(calc: str, edge: Fraction, tenths: int, age: int, sex: str,
                            unit: str, column: str) -> Case:
    """The CrCl calculator's result, exactly ``edge``, typed into the dose calculator."""
    creatinine = creatinine_for(edge, tenths, age, sex, unit)
    assert creatinine is not None
    via = {"age": str(age), "weight": typed(Fraction(tenths, 10)) or "", "sex": sex,
           "creatinine": creatinine, "creatinine_unit": unit}
    name, _ = COLUMN[calc]
    inputs = {name: column} if calc != "ganciclovir-iv" else {name: column, "weight": "70"}
    return Case(calc, inputs, EDGES[calc][edge][1], via)


def per_kg_creatinine(edge: Fraction, age: int, sex: str, unit: str) -> str | None:
    """Creatinine for the label's per-kg formula to give exactly ``edge`` mL/min/kg."""
    mg_dl = (140 - age) * SEX[sex] / (72 * edge)
    if not Fraction(2, 10) <= mg_dl <= 20:
        return None
    return typed(mg_dl * UMOL_PER_MG_DL if unit == "umol_l" else mg_dl)


def from_creatinine(edge: Fraction, age: int, sex: str, unit: str, tenths: int,
                    regimen: str) -> Case:
    creatinine = per_kg_creatinine(edge, age, sex, unit)
    assert creatinine is not None
    return Case("foscarnet-iv", {"weight": typed(Fraction(tenths, 10)) or "", "age": str(age),
                                 "sex": sex, "creatinine": creatinine, "creatinine_unit": unit,
                                 "regimen": regimen}, EDGES["foscarnet-iv"][edge][1])


def band_of(specs: dict[str, CalculatorSpec], case: Case) -> str:
    """The band the reference evaluator chose (English), or the messages it refused with."""
    inputs = dict(case.inputs)
    try:
        if case.via:
            crcl = evaluate(specs["creatinine-clearance"], case.via).outputs["crcl"]
            inputs["crcl"] = repr(crcl)  # the machine value, as `protocols calc` prints it
        return evaluate(specs[case.calc], inputs).bands[TABLE[case.calc]]
    except CalcInputError as exc:
        return "refused: " + " ".join(exc.messages)


@functools.cache
def batch(seed: int = 14) -> tuple[Case, ...]:
    """A large deterministic batch: every boundary, every weight from 30.0 to 200.0 kg."""
    rng = random.Random(seed)
    cases: list[Case] = []
    for edge in EDGES["foscarnet-iv"]:
        for tenths in WEIGHTS:
            side = rng.choice((-1, 0, 0, 1))
            regimen = rng.choice(COLUMN["foscarnet-iv"][1])
            cases.append(measured(edge, tenths, side, rng.random() < 0.5, regimen))
    for calc in ("ganciclovir-iv", "valganciclovir-oral"):
        for edge in EDGES[calc]:
            for tenths in rng.sample(WEIGHTS, 250):
                sex, unit = rng.choice(list(SEX)), rng.choice(("mg_dl", "umol_l"))
                ages = ages_for(edge, tenths, sex, unit)
                if ages:
                    cases.append(through_cockcroft_gault(calc, edge, tenths, rng.choice(ages),
                                                         sex, unit,
                                                         rng.choice(COLUMN[calc][1])))
    for edge in EDGES["foscarnet-iv"]:
        for age in range(18, 121):
            for sex in SEX:
                for unit in ("mg_dl", "umol_l"):
                    if per_kg_creatinine(edge, age, sex, unit):
                        cases.append(from_creatinine(edge, age, sex, unit,
                                                     rng.choice(WEIGHTS),
                                                     rng.choice(COLUMN["foscarnet-iv"][1])))
    return tuple(cases)
