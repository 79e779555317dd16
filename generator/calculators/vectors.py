"""Run a spec's own test vectors through the reference evaluator.

``protocols check`` reports every failing vector at the vector's line, so a spec whose
tables and expected doses disagree never reaches a page.
"""

from __future__ import annotations

from ..sources.problems import Problem
from .evaluate import CalcInputError, MachineValue, evaluate
from .spec import CalculatorSpec, Vector


def check_vectors(spec: CalculatorSpec) -> list[Problem]:
    problems: list[Problem] = []
    for vector in spec.vectors:
        failure = vector_failure(spec, vector)
        if failure is not None:
            problems.append(Problem(spec.path, vector.line, f"vector '{vector.name}': {failure}"))
    return problems


def vector_failure(spec: CalculatorSpec, vector: Vector) -> str | None:
    """Why ``vector`` fails (in English), or ``None`` when it passes."""
    try:
        result = evaluate(spec, vector.inputs, "en")
    except CalcInputError as exc:
        if vector.rejects is None:
            return "input was rejected: " + " ".join(exc.messages)
        if vector.rejects and vector.rejects not in exc.messages:
            return f"expected the message {vector.rejects!r}, got {exc.messages!r}"
        return None
    if vector.rejects is not None:
        return f"expected the input to be rejected, got {result.outputs!r}"
    assert vector.expect is not None  # the loader requires expect or rejects
    wrong = [
        f"{key}: expected {_show(want)}, got {_show(result.outputs[key])}"
        for key, want in vector.expect.items()
        if not same(want, result.outputs[key], vector.tolerance)
    ]
    if vector.notices is not None and list(vector.notices) != result.notices:
        wrong.append(f"notices: expected {list(vector.notices)!r}, got {result.notices!r}")
    return "; ".join(wrong) if wrong else None


def same(want: MachineValue, got: MachineValue, tolerance: float) -> bool:
    if want is None or got is None or isinstance(want, str) or isinstance(got, str):
        return want == got
    return abs(float(want) - float(got)) <= tolerance


def _show(value: MachineValue) -> str:
    return "empty" if value is None else repr(value)
