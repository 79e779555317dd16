"""``protocols calc``: pure functions; the main CLI prints the JSON and sets the exit code."""

from __future__ import annotations

from typing import Any

from .evaluate import CalcInputError, evaluate
from .spec import CalculatorSpec


def parse_args(spec: CalculatorSpec, raw_args: list[str]) -> dict[str, str]:
    """``["weight=70", "crcl=55,5"]`` -> ``{"weight": "70", "crcl": "55,5"}``, strictly."""
    known = [item.id for item in spec.inputs]
    values: dict[str, str] = {}
    problems: list[str] = []
    for arg in raw_args:
        name, sep, value = arg.partition("=")
        if not sep or not name:
            problems.append(f"'{arg}': write each input as name=value")
        elif name not in known:
            problems.append(f"'{name}' is not an input of {spec.id}; inputs: {', '.join(known)}")
        elif name in values:
            problems.append(f"'{name}' is given more than once")
        else:
            values[name] = value
    if problems:
        raise CalcInputError(problems)
    return values


def calc_json(spec: CalculatorSpec, raw_args: list[str]) -> dict[str, Any]:
    """The interface's JSON for ``protocols calc``; raises :class:`CalcInputError`."""
    result = evaluate(spec, parse_args(spec, raw_args), "en")
    return {
        "calculator": spec.id,
        "version": spec.version,
        "inputs": result.inputs,
        "outputs": result.outputs,
        "messages": result.messages,
    }
