"""The reference evaluator: raw typed strings in, machine outputs out, or refusal.

``generator/assets/calculator.js`` implements the same steps for the page; the browser
test runs every spec vector through both and requires identical machine values. Keep
the two in step: every rule here has a twin there, named the same.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from . import expr as ex
from .i18n import message, ui
from .spec import CalculatorSpec, CasesStep, CheckStep, Input, LetStep, Output, TableStep

# What a person may type: digits with at most one decimal separator, dot or comma.
# No exponents, no grouping, no "inf"/"nan", ASCII digits only (Python's \d would also
# take other scripts' digits, which the browser's \d does not).
NUMBER_RE = re.compile(r"^-?(?:[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)$")
WHOLE_RE = re.compile(r"^-?[0-9]+$")
# Trimmed in both runtimes; String.prototype.trim and str.strip disagree on some others.
SPACE = " \t\n\r\u00a0"

MachineValue = float | int | str | None


class CalcInputError(ValueError):
    """The input cannot give a result; ``messages`` says why, in the requested language."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Result:
    inputs: dict[str, float | int | str]
    outputs: dict[str, MachineValue]
    messages: list[str] = field(default_factory=list)
    bands: dict[str, str] = field(default_factory=dict)  # table name -> band label used


def input_messages(item: Input, lang: str) -> dict[str, str]:
    """Every message this input can produce, finished, for the page's JSON and for Python."""
    label = item.label[lang]
    if item.type == "choice":
        return {"missing": message(lang, "choose", label),
                "invalid": message(lang, "bad_choice", label)}
    unit = item.unit[lang] if item.unit else ""
    low, high = item.range or (0.0, 0.0)
    found = {
        "missing": message(lang, "missing", label),
        "invalid": message(lang, "not_whole" if item.whole_number else "not_number", label),
        "range": message(lang, "range", label, unit, low, high),
    }
    if item.plausible:
        found["implausible"] = message(lang, "implausible", label, unit, *item.plausible)
    return found


def read_input(item: Input, text: str | None, lang: str) -> tuple[float | int | str | None, str | None]:
    """The machine value of one typed input, or ``(None, message)``."""
    messages = input_messages(item, lang)
    cleaned = (text or "").strip(SPACE)
    if not cleaned:
        return None, messages["missing"]
    if item.type == "choice":
        if cleaned not in {c.code for c in item.choices}:
            return None, messages["invalid"]
        return cleaned, None
    pattern = WHOLE_RE if item.whole_number else NUMBER_RE
    if not pattern.match(cleaned):
        return None, messages["invalid"]
    # A double, as in the browser: a 5000-digit string becomes inf here and Infinity there.
    value = float(cleaned.replace(",", ".")) + 0.0  # "+ 0.0" turns -0.0 into 0.0, as in JS
    low, high = item.range or (-math.inf, math.inf)
    if not math.isfinite(value) or value < low or value > high:
        return None, messages["range"]
    if item.plausible and not item.plausible[0] <= value <= item.plausible[1]:
        return None, messages["implausible"]
    return (int(value) if item.whole_number else value), None


def evaluate(spec: CalculatorSpec, raw: Mapping[str, str], lang: str = "en") -> Result:
    """Evaluate ``spec`` on typed strings; raise :class:`CalcInputError` instead of guessing."""
    inputs: dict[str, float | int | str] = {}
    problems: list[str] = []
    for item in spec.inputs:
        value, problem = read_input(item, raw.get(item.id), lang)
        if problem is not None:
            problems.append(problem)
        elif value is not None:
            inputs[item.id] = value
    if problems:
        raise CalcInputError(problems)
    env: dict[str, ex.Value | str] = {
        k: (v if isinstance(v, str) else float(v)) for k, v in inputs.items()
    }
    bands: dict[str, str] = {}
    try:
        for step in spec.logic:
            _run_step(step, env, bands, lang)
        outputs = {o.id: _output(o, env) for o in spec.outputs}
    except ex.NotFinite:
        raise CalcInputError([ui(lang, "impossible")]) from None
    notices = [] if spec.status == "approved" else [ui(lang, "not_approved")]
    return Result(inputs, outputs, notices, bands)


def _run_step(step: object, env: dict[str, ex.Value | str], bands: dict[str, str],
              lang: str) -> None:
    numbers: Mapping[str, ex.Value] = env  # type: ignore[assignment]  # checked at load time
    if isinstance(step, LetStep):
        env[step.name] = ex.evaluate(step.expr, numbers)
    elif isinstance(step, CasesStep):
        chosen = dict((code, tree) for code, tree, _ in step.cases)[str(env[step.by])]
        env[step.name] = ex.evaluate(chosen, numbers)
    elif isinstance(step, CheckStep):
        if ex.evaluate(step.expr, numbers) is not True:
            raise CalcInputError([step.message[lang]])
    elif isinstance(step, TableStep):
        _run_table(step, env, bands)


def _run_table(step: TableStep, env: dict[str, ex.Value | str], bands: dict[str, str]) -> None:
    value = env[step.by]
    if value is None:
        for name in step.sets:
            env[name] = None
        return
    band = next((b for b in step.bands if b.contains(float(value))), None)
    if band is None:  # cannot happen after validation; refuse rather than guess
        raise ex.NotFinite(f"no band of {step.name} contains {value}")
    bands[step.name] = band.label
    cell = band.cells[str(env[step.column])]
    for name in step.sets:
        env[name] = cell[name]


def _output(output: Output, env: dict[str, ex.Value | str]) -> MachineValue:
    if output.type == "code":
        code = env[output.source]
        return code if isinstance(code, str) else None
    value = ex.evaluate(output.expr, env)  # type: ignore[arg-type]
    if value is None:
        return None
    number = float(value) + 0.0
    if not math.isfinite(number) or (number < 0 and not output.allow_negative):
        # a negative dose is never shown: the inputs are refused instead
        raise ex.NotFinite(f"{output.id} would be {number}")
    return number
