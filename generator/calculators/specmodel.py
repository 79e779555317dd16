"""The calculator spec's frozen models (``spec.py`` loads them; its readers fill them)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal

from . import expr as ex

CODE_RE = re.compile(r"\A[a-z0-9]+([-_][a-z0-9]+)*\Z")
VAR_RE = re.compile(r"\A[a-z][a-z0-9_]*\Z")
GIVES = ("dose", "clearance", "trend")  # what a widget gives, named in its disclaimer

Text = Mapping[str, str]  # language -> text, always every site language
CellValue = Fraction | str | None


@dataclass(frozen=True)
class Choice:
    code: str
    label: Text


@dataclass(frozen=True)
class Link:
    """A live value from another widget on the same page (one patient per page)."""

    calculator: str
    output: str
    label: Text  # said beside the field while it holds the linked value
    max: Fraction | None = None  # a larger value is implausible: said, and not passed on


@dataclass(frozen=True)
class Input:
    id: str
    type: Literal["number", "choice"]
    label: Text
    line: int
    unit: Text | None = None
    range: tuple[Fraction, Fraction] | None = None  # hard limits: outside is impossible
    plausible: tuple[Fraction, Fraction] | None = None  # outside is implausible: refused
    whole_number: bool = False
    choices: tuple[Choice, ...] = ()
    optional: bool = False  # empty is a value (null), not a missing input
    default: str | None = None  # a choice's code when nothing is chosen
    shared: bool = False  # the same fact about the patient in every widget of a page
    link: Link | None = None


@dataclass(frozen=True)
class LetStep:
    name: str
    expr: ex.Expr
    source: str
    line: int
    label: Text | None = None  # what "How this is calculated" calls it; else its name


@dataclass(frozen=True)
class CasesStep:
    """``name`` takes the expression of the case matching the choice input ``by``."""

    name: str
    by: str
    cases: tuple[tuple[str, ex.Expr, str], ...]  # (code, tree, source text)
    line: int
    label: Text | None = None


@dataclass(frozen=True)
class CheckStep:
    expr: ex.Expr
    source: str
    message: Text
    line: int


@dataclass(frozen=True)
class RequireStep:
    """The inputs ``names`` must be given (when ``when`` holds); else their own messages."""

    names: tuple[str, ...]
    when: ex.Expr | None
    line: int


@dataclass(frozen=True)
class NoticeStep:
    """A message shown with the result (when ``when`` holds); it refuses nothing."""

    message: Text
    when: ex.Expr | None
    source: str | None
    line: int


@dataclass(frozen=True)
class Band:
    label: Text
    lower: Fraction | None
    lower_inclusive: bool
    upper: Fraction | None
    upper_inclusive: bool
    cells: Mapping[str, Mapping[str, CellValue]]  # column code -> variable -> value
    line: int
    notice: Text | None = None  # shown with a result from this band

    def contains(self, value: Fraction) -> bool:
        below = self.lower is not None and (
            value < self.lower or (value == self.lower and not self.lower_inclusive))
        above = self.upper is not None and (
            value > self.upper or (value == self.upper and not self.upper_inclusive))
        return not (below or above)


@dataclass(frozen=True)
class TableStep:
    name: str
    by: str
    column: str
    sets: tuple[str, ...]
    bands: tuple[Band, ...]
    line: int
    override_by: str | None = None  # a choice input whose codes below replace the bands
    overrides: Mapping[str, Band] = field(default_factory=dict)


Step = LetStep | CasesStep | CheckStep | RequireStep | NoticeStep | TableStep


@dataclass(frozen=True)
class Output:
    id: str
    type: Literal["number", "code"]
    label: Text
    expr: ex.Expr
    source: str
    line: int
    unit: Text | None = None
    decimals: int = 0  # most fraction digits shown; machine values stay unrounded
    allow_negative: bool = False
    round_down: bool = False  # shown cut off, never rounded up onto a band bound
    codes: Mapping[str, Text] = field(default_factory=dict)


@dataclass(frozen=True)
class Vector:
    name: str
    inputs: Mapping[str, str]
    line: int
    expect: Mapping[str, float | str | None] | None = None
    rejects: str | None = None  # "" = any rejection; otherwise an exact English message
    tolerance: float = 1e-9
    notices: tuple[str, ...] | None = None  # the exact English notices, when given


@dataclass(frozen=True)
class Chart:
    kind: Literal["log-decline"]
    start: str
    end: str
    days: str
    target_log_per_week: float
    title: Text


@dataclass(frozen=True)
class CalculatorSpec:
    id: str
    version: str
    status: str
    approved_by: str | None
    title: Text
    source: tuple[Text, ...]
    inputs: tuple[Input, ...]
    logic: tuple[Step, ...]
    outputs: tuple[Output, ...]
    vectors: tuple[Vector, ...]
    path: str
    summary: Text | None = None
    notes: tuple[Text, ...] = ()
    chart: Chart | None = None
    drugs: tuple[str, ...] = ()
    gives: str = "dose"

    def input(self, input_id: str) -> Input:
        return next(i for i in self.inputs if i.id == input_id)

    def output(self, output_id: str) -> Output:
        return next(o for o in self.outputs if o.id == output_id)


# ---------------------------------------------------------------- loading
