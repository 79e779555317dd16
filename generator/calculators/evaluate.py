"""The reference evaluator: raw typed strings in, machine outputs out, or refusal.

``generator/assets/calculator.js`` implements the same steps for the page; the browser
test runs every spec vector through both and requires identical machine values. Keep
the two in step: every rule here has a twin there, named the same. Numbers are exact
fractions until they are output (``exact.py``), so a band is decided as the table says.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from . import expr as ex
from .exact import parse_decimal
from .i18n import decimal_symbol, message, not_approved, ui
from .spec import (
    Band,
    CalculatorSpec,
    CasesStep,
    CheckStep,
    Input,
    LetStep,
    NoticeStep,
    Output,
    RequireStep,
    TableStep,
)

# What a person may type: digits with at most one decimal separator, dot or comma.
# No exponents, no grouping, no "inf"/"nan", ASCII digits only (Python's \d would also
# take other scripts' digits, which the browser's \d does not).
NUMBER_RE = re.compile(r"^-?(?:[0-9]+(?:[.,][0-9]+)?|[.,][0-9]+)$")
WHOLE_RE = re.compile(r"^-?[0-9]+$")
# "1.500" or "1,500": a thousands separator in one convention, a decimal in the other.
AMBIGUOUS_RE = re.compile(r"^(-?)([1-9][0-9]{0,2})[.,]([0-9]{3})$")
# More characters than any dose input needs: refused as out of range before they are read
# (Python refuses to read an integer of thousands of digits).
MAX_LENGTH = 40
# Trimmed in both runtimes; String.prototype.trim and str.strip disagree on some others.
SPACE = " \t\n\r\u00a0"

MachineValue = float | int | str | None
Env = dict[str, ex.Value]


class CalcInputError(ValueError):
    """The input cannot give a result; ``messages`` says why, in the requested language."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Result:
    inputs: dict[str, float | int | str]
    outputs: dict[str, MachineValue]
    messages: list[str] = field(default_factory=list)  # the status notice, then `notices`
    bands: dict[str, str] = field(default_factory=dict)  # table name -> band label used
    notices: list[str] = field(default_factory=list)  # the spec's notices for this result


def input_messages(item: Input, lang: str) -> dict[str, str]:
    """Every message this input can produce, finished, for the page's JSON and for Python.

    ``ambiguous`` keeps ``{text}``, ``{grouped}`` and ``{decimal}`` for the typed value.
    """
    label = item.label[lang]
    if item.type == "choice":
        return {"missing": message(lang, "choose", label),
                "invalid": message(lang, "bad_choice", label)}
    unit = item.unit[lang] if item.unit else ""
    low, high = item.range or (Fraction(0), Fraction(0))
    found = {
        "missing": message(lang, "missing", label),
        "invalid": message(lang, "not_whole" if item.whole_number else "not_number", label),
        "range": message(lang, "range", label, unit, low, high),
        "ambiguous": ui(lang, "ambiguous").replace("{label}", label),
    }
    if item.plausible:
        found["implausible"] = message(lang, "implausible", label, unit, *item.plausible)
    return found


def ambiguous_message(template: str, text: str, lang: str) -> str:
    """The message for ``1.500`` / ``1,500``, with both readings."""
    match = AMBIGUOUS_RE.match(text)
    assert match is not None
    sign, whole, fraction = match.groups()
    digits = fraction.rstrip("0")
    decimal = sign + whole + (decimal_symbol(lang) + digits if digits else "")
    return (template.replace("{text}", text).replace("{grouped}", sign + whole + fraction)
            .replace("{decimal}", decimal))


ReadValue = Fraction | str | None


def read_input(item: Input, text: str | None, lang: str) -> tuple[ReadValue, str | None]:
    """The exact value of one typed input, or ``(None, message)``; empty optional: (None, None)."""
    value, problem = _read(item, (text or "").strip(SPACE))
    if problem is None:
        return value, None
    template = input_messages(item, lang)[problem]  # formatted only when needed: Babel is slow
    if problem == "ambiguous":
        return None, ambiguous_message(template, (text or "").strip(SPACE), lang)
    return None, template


def _read(item: Input, cleaned: str) -> tuple[ReadValue, str | None]:
    """The value, or the key of its message in :func:`input_messages`."""
    if not cleaned:
        if item.default is not None:
            return item.default, None
        return None, (None if item.optional else "missing")
    if item.type == "choice":
        return (cleaned, None) if cleaned in {c.code for c in item.choices} else (None, "invalid")
    if not (WHOLE_RE if item.whole_number else NUMBER_RE).match(cleaned):
        return None, "invalid"
    if len(cleaned) > MAX_LENGTH:
        return None, "range"
    if AMBIGUOUS_RE.match(cleaned):
        return None, "ambiguous"
    value = parse_decimal(cleaned)
    if item.range and not item.range[0] <= value <= item.range[1]:
        return None, "range"
    if item.plausible and not item.plausible[0] <= value <= item.plausible[1]:
        return None, "implausible"
    return value, None


def _machine(item: Input, value: Fraction | str) -> float | int | str:
    if isinstance(value, str):
        return value
    return int(value) if item.whole_number else float(value)


def evaluate(spec: CalculatorSpec, raw: Mapping[str, str], lang: str = "en") -> Result:
    """Evaluate ``spec`` on typed strings; raise :class:`CalcInputError` instead of guessing."""
    env: Env = {}
    inputs: dict[str, float | int | str] = {}
    problems: list[str] = []
    for item in spec.inputs:
        value, problem = read_input(item, raw.get(item.id), lang)
        if problem is not None:
            problems.append(problem)
        env[item.id] = value
        if value is not None:
            inputs[item.id] = _machine(item, value)
    if problems:
        raise CalcInputError(problems)
    bands: dict[str, str] = {}
    notices: list[str] = []
    try:
        for step in spec.logic:
            _run_step(spec, step, env, bands, notices, lang)
        outputs = {o.id: _output(o, env) for o in spec.outputs}
    except ex.NotFinite:
        raise CalcInputError([ui(lang, "impossible")]) from None
    status = [] if spec.status == "approved" else [not_approved(lang, spec.gives)]
    return Result(inputs, outputs, status + notices, bands, notices)


def _run_step(spec: CalculatorSpec, step: object, env: Env, bands: dict[str, str],
              notices: list[str], lang: str) -> None:
    if isinstance(step, LetStep):
        env[step.name] = ex.evaluate(step.expr, env)
    elif isinstance(step, CasesStep):
        code = env[step.by]
        chosen = dict((c, tree) for c, tree, _ in step.cases).get(str(code))
        env[step.name] = None if code is None or chosen is None else ex.evaluate(chosen, env)
    elif isinstance(step, CheckStep):
        if ex.evaluate(step.expr, env) is not True:
            raise CalcInputError([step.message[lang]])
    elif isinstance(step, RequireStep):
        if step.when is None or ex.evaluate(step.when, env) is True:
            missing = [input_messages(spec.input(name), lang)["missing"]
                       for name in step.names if env[name] is None]
            if missing:
                raise CalcInputError(missing)
    elif isinstance(step, NoticeStep):
        if step.when is None or ex.evaluate(step.when, env) is True:
            notices.append(step.message[lang])
    elif isinstance(step, TableStep):
        _run_table(step, env, bands, notices, lang)


def _row(step: TableStep, env: Env) -> Band | None:
    """The override row for the patient, else the band holding the value (exactly)."""
    if step.override_by is not None and str(env[step.override_by]) in step.overrides:
        return step.overrides[str(env[step.override_by])]
    value = env[step.by]
    if value is None:
        return None
    if not isinstance(value, Fraction):  # the loader refuses inexact values here
        raise ex.NotFinite(f"{step.by} is not exact")
    band = next((b for b in step.bands if b.contains(value)), None)
    if band is None:  # cannot happen after validation; refuse rather than guess
        raise ex.NotFinite(f"no band of {step.name} contains {value}")
    return band


def _run_table(step: TableStep, env: Env, bands: dict[str, str], notices: list[str],
               lang: str) -> None:
    band = _row(step, env)
    column = env[step.column]
    if band is None or column is None:
        for name in step.sets:
            env[name] = None
        return
    bands[step.name] = band.label[lang]
    if band.notice is not None:
        notices.append(band.notice[lang])
    cell = band.cells[str(column)]
    for name in step.sets:
        env[name] = cell[name]


def _output(output: Output, env: Env) -> MachineValue:
    if output.type == "code":
        code = env[output.source]
        return code if isinstance(code, str) else None
    value = ex.evaluate(output.expr, env)
    if value is None:
        return None
    assert isinstance(value, (Fraction, float))  # the loader type-checks outputs
    if value < 0 and not output.allow_negative:
        # a negative dose is never shown: the inputs are refused instead
        raise ex.NotFinite(f"{output.id} would be {value}")
    try:
        return float(value) + 0.0  # correctly rounded; "+ 0.0" turns -0.0 into 0.0, as in JS
    except OverflowError:
        raise ex.NotFinite(f"{output.id} is too large") from None
