"""Calculator specs: frozen models and a loader that validates every key, with lines.

A spec is a YAML file ``protocol_src/calculators/<id>.yaml``; the format is documented
in ``generator/calculators/README.md``. The loader collects every problem it finds
(``path:line: error: message``) and returns no spec when there is any error, because a
half-valid dosing calculator must never reach a page.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

# The same id, version and status rules as protocol.yaml (a version "01.0" is refused).
from ..model import DRUG_NAME, ID_PATTERN, STATUSES, VERSION_PATTERN
from ..problems import Problem, Problems
from ..yamlpos import LineList, LineMap, load_yaml
from . import expr as ex
from .exact import from_yaml, to_text
from .i18n import LANGUAGES

CODE_RE = re.compile(r"^[a-z0-9]+([-_][a-z0-9]+)*$")
VAR_RE = re.compile(r"^[a-z][a-z0-9_]*$")
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


def load_calculator(path: Path, display_path: str) -> tuple[CalculatorSpec | None, list[Problem]]:
    """Read and validate one spec; the spec is ``None`` when any error was found."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(display_path, 1, f"cannot read calculator spec: {exc}")]
    data, problems = load_yaml(text, display_path)
    if data is None and not problems:
        problems = [Problem(display_path, 1, "calculator spec is empty")]
    if problems:
        return None, problems
    reader = _Reader(display_path)
    spec = reader.spec(data, path.stem)
    errors = reader.problems.errors
    return (None if errors else spec), reader.problems.items


def load_calculators(
    directory: Path, display_root: str
) -> tuple[dict[str, CalculatorSpec], list[Problem]]:
    """Every ``*.yaml`` in ``directory``, keyed by id; problems of all files together."""
    specs: dict[str, CalculatorSpec] = {}
    problems: list[Problem] = []
    if not directory.is_dir():
        return specs, problems
    for path in sorted(directory.iterdir()):
        if path.suffix == ".yml":
            problems.append(
                Problem(f"{display_root}/{path.name}", 1, "calculator specs end in '.yaml'")
            )
        if path.suffix != ".yaml":
            continue
        spec, found = load_calculator(path, f"{display_root}/{path.name}")
        problems.extend(found)
        if spec is not None:
            specs[spec.id] = spec
    problems.extend(_broken_links(specs))
    return specs, problems


def _broken_links(specs: Mapping[str, CalculatorSpec]) -> list[Problem]:
    """A ``link`` must name another calculator and one of its number outputs."""
    found: list[Problem] = []
    for spec in specs.values():
        for item in spec.inputs:
            link = item.link
            if link is None:
                continue
            source = specs.get(link.calculator)
            outputs = {o.id for o in source.outputs if o.type == "number"} if source else set()
            if source is None or link.calculator == spec.id or link.output not in outputs:
                found.append(Problem(spec.path, item.line, f"input '{item.id}': link to "
                                     f"'{link.calculator}' output '{link.output}', which is "
                                     "not a number output of another calculator"))
    return found


INPUT_FLAGS = ("optional", "shared", "link")
TOP_REQUIRED = ("id", "version", "status", "title", "source", "inputs", "logic", "outputs",
                "vectors")
TOP_OPTIONAL = ("approved_by", "summary", "notes", "chart", "gives", "drugs")


class _Reader:
    """Walks the loaded YAML, building models and collecting problems with lines."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.problems = Problems()
        # variable name -> (type, line): "number", "choice" or "code"
        self.types: dict[str, tuple[str, int]] = {}
        self.codes_of: dict[str, set[str]] = {}  # code variable -> codes it can hold
        self.inexact: set[str] = set()  # names whose value depends on log10
        self.input_ids: set[str] = set()

    def error(self, line: int, message: str, hint: str | None = None) -> None:
        self.problems.error(self.path, line, message, hint)

    # ---- generic shapes

    def mapping(self, value: Any, line: int, where: str) -> LineMap | None:
        if isinstance(value, LineMap):
            return value
        self.error(line, f"{where} must be a mapping")
        return None

    def sequence(self, value: Any, line: int, where: str) -> LineList | None:
        if isinstance(value, LineList):
            return value
        self.error(line, f"{where} must be a list")
        return None

    def keys(self, data: LineMap, where: str, required: tuple[str, ...],
             optional: tuple[str, ...] = ()) -> bool:
        ok = True
        for key in data:
            if key not in required and key not in optional:
                allowed = ", ".join(required + optional)
                self.error(data.line_of(key), f"unknown key '{key}' in {where}",
                           f"allowed: {allowed}")
                ok = False
        for key in required:
            if key not in data:
                self.error(data.line, f"missing key '{key}' in {where}")
                ok = False
        return ok

    def string(self, data: LineMap, key: str, where: str) -> str | None:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value
        self.error(data.line_of(key), f"'{key}' in {where} must be a non-empty string")
        return None

    def number(self, value: Any, line: int, where: str) -> Fraction | None:
        """A YAML number, exactly as written (``1.4`` is 7/5)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(line, f"{where} must be a number, got {value!r}")
            return None
        if not math.isfinite(value):
            self.error(line, f"{where} must be a finite number")
            return None
        return from_yaml(value)

    def text(self, value: Any, line: int, where: str) -> Text | None:
        """A text in every site language: a mapping ``{en: ..., nl: ..., id: ...}``."""
        data = self.mapping(value, line, where)
        if data is None:
            return None
        ok = True
        for lang in data:
            if lang not in LANGUAGES:
                self.error(data.line_of(lang), f"unknown language '{lang}' in {where}",
                           "languages: " + ", ".join(LANGUAGES))
                ok = False
        for lang in LANGUAGES:
            if lang not in data:
                self.error(data.line, f"missing '{lang}' text for {where}")
                ok = False
            elif not isinstance(data[lang], str):
                # YAML reads a bare no, yes, on or off as true/false: ask for quotes
                self.error(data.line_of(lang), f"the '{lang}' text for {where} must be a string "
                                               f"(quote it), got {data[lang]!r}")
                ok = False
            elif not data[lang].strip():
                self.error(data.line_of(lang), f"empty '{lang}' text for {where}")
                ok = False
        return {lang: str(data[lang]).strip() for lang in LANGUAGES} if ok else None

    def unit(self, value: Any, line: int, where: str) -> Text | None:
        """One string for every language (a unit, a number), or a text per language."""
        if isinstance(value, str) and value.strip():
            return {lang: value.strip() for lang in LANGUAGES}
        return self.text(value, line, where)

    def pair(self, value: Any, line: int, where: str) -> tuple[Fraction, Fraction] | None:
        if not isinstance(value, LineList) or len(value) != 2:
            self.error(line, f"{where} must be a list [min, max]")
            return None
        low = self.number(value[0], line, f"{where} minimum")
        high = self.number(value[1], line, f"{where} maximum")
        if low is None or high is None:
            return None
        if low >= high:
            self.error(line, f"{where}: minimum must be below maximum")
            return None
        return low, high

    def define(self, name: Any, line: int, kind: str, where: str) -> str | None:
        if not isinstance(name, str) or not VAR_RE.match(name):
            self.error(line, f"{where}: '{name}' is not a valid name "
                             "(lowercase letters, digits and '_', starting with a letter)")
            return None
        if name in ex.KEYWORDS or name in ex.FUNCTIONS:
            self.error(line, f"{where}: '{name}' is a reserved word")
            return None
        if name in self.types:
            self.error(line, f"{where}: '{name}' is already defined on line "
                             f"{self.types[name][1]}")
            return None
        self.types[name] = (kind, line)
        return name

    def expression(self, value: Any, line: int, where: str,
                   wanted: ex.Type = "number") -> tuple[ex.Expr, str] | None:
        """Parse and type-check; plain YAML numbers are accepted as constants.

        A comparison (``wanted="bool"``) must not depend on log10: it would decide by a
        rounded double.
        """
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            source = str(value)
        elif isinstance(value, str):
            source = value.strip()
        else:
            self.error(line, f"{where} must be an expression (a string), got {value!r}")
            return None
        try:
            tree = ex.parse(source)
            env = {name: kind for name, (kind, _) in self.types.items()}
            if any(env.get(name) == "broken" for name in ex.names(tree)):
                return None  # its definition was reported already
            if ex.type_of(tree, env) != wanted:
                article = "a number" if wanted == "number" else "a comparison (true or false)"
                raise ex.ExprError(f"must give {article}")
            if wanted == "bool" and ex.inexact(tree, self.inexact):
                raise ex.ExprError("a comparison cannot use log10 or a value computed from "
                                   "it: log10 is not exact")
        except ex.ExprError as exc:
            at = f" at column {exc.column}" if exc.column else ""
            self.error(line, f"{where}: {exc.message}{at} in '{source}'")
            return None
        return tree, source

    # ---- the spec

    def spec(self, value: Any, stem: str) -> CalculatorSpec | None:
        data = self.mapping(value, 1, "a calculator spec")
        if data is None:
            return None
        self.keys(data, "the calculator spec", TOP_REQUIRED, TOP_OPTIONAL)
        ident = self.identity(data, stem)
        version = self.version(data)
        status, approved_by = self.status(data)
        title = self.text(data.get("title"), data.line_of("title"), "title") \
            if "title" in data else None
        summary = self.text(data["summary"], data.line_of("summary"), "summary") \
            if "summary" in data else None
        source = self.sources(data)
        notes = self.notes(data)
        inputs = self.inputs(data)
        logic = self.logic(data)
        outputs = self.outputs(data)
        chart = self.chart(data, inputs)
        vectors = self.vectors(data, inputs, outputs)
        drugs = self.drugs(data)
        gives = data.get("gives", "dose")
        if gives not in GIVES:
            self.error(data.line_of("gives"), f"gives must be one of {', '.join(GIVES)}; "
                                              f"got {gives!r}")
            return None
        if None in (ident, version, status, title, source, inputs, logic, outputs, vectors):
            return None
        return CalculatorSpec(
            id=ident, version=version, status=status, approved_by=approved_by,  # type: ignore[arg-type]
            title=title, source=source, inputs=inputs, logic=logic,  # type: ignore[arg-type]
            outputs=outputs, vectors=vectors, path=self.path, summary=summary,  # type: ignore[arg-type]
            notes=notes, chart=chart, gives=gives, drugs=drugs,
        )

    def identity(self, data: LineMap, stem: str) -> str | None:
        if "id" not in data:
            return None
        ident = data["id"]
        line = data.line_of("id")
        if not isinstance(ident, str) or not ID_PATTERN.fullmatch(ident):
            self.error(line, f"id '{ident}' is not valid (lowercase letters, digits and "
                             "single hyphens)")
            return None
        if ident != stem:
            self.error(line, f"id '{ident}' does not match the file name '{stem}.yaml'")
            return None
        return ident

    def version(self, data: LineMap) -> str | None:
        if "version" not in data:
            return None
        value = data["version"]
        if not isinstance(value, str) or not VERSION_PATTERN.fullmatch(value):
            self.error(data.line_of("version"),
                       f"version must be a quoted string 'MAJOR.MINOR', got {value!r}")
            return None
        return value

    def status(self, data: LineMap) -> tuple[str | None, str | None]:
        if "status" not in data:
            return None, None
        status = data["status"]
        if status not in STATUSES:
            self.error(data.line_of("status"),
                       f"status must be one of {', '.join(STATUSES)}; got {status!r}")
            return None, None
        approved_by = data.get("approved_by")
        if approved_by is not None and (not isinstance(approved_by, str) or not approved_by):
            self.error(data.line_of("approved_by"), "approved_by must be a name or null")
            return None, None
        if status == "approved" and approved_by is None:
            self.error(data.line_of("status"), "status 'approved' needs 'approved_by': "
                                               "the person who checked the tables")
            return None, None
        return status, approved_by

    def sources(self, data: LineMap) -> tuple[Text, ...] | None:
        """Citations: each a text per language (or one string, e.g. a title kept as is)."""
        if "source" not in data:
            return None
        items = self.sequence(data["source"], data.line_of("source"), "source")
        if items is None:
            return None
        if not items:
            self.error(items.line, "source must list at least one citation")
            return None
        found = [self.unit(v, items.line_of(i), f"source {i + 1}") for i, v in enumerate(items)]
        return None if None in found else tuple(found)  # type: ignore[arg-type]

    def drugs(self, data: LineMap) -> tuple[str, ...]:
        """The drugs the calculator doses, by name: the lint then knows them as drugs."""
        if "drugs" not in data:
            return ()
        items = self.sequence(data["drugs"], data.line_of("drugs"), "drugs")
        if items is None:
            return ()
        for index, name in enumerate(items):
            if not isinstance(name, str) or not DRUG_NAME.match(name):
                self.error(items.line_of(index), f"drugs: '{name}' is not a drug name",
                           "a name in lowercase letters, e.g. ganciclovir")
        return tuple(n for n in items if isinstance(n, str) and DRUG_NAME.match(n))

    def notes(self, data: LineMap) -> tuple[Text, ...]:
        if "notes" not in data:
            return ()
        items = self.sequence(data["notes"], data.line_of("notes"), "notes")
        if items is None:
            return ()
        found = [self.text(v, items.line_of(i), f"note {i + 1}") for i, v in enumerate(items)]
        return tuple(t for t in found if t is not None)

    # ---- inputs

    def inputs(self, data: LineMap) -> tuple[Input, ...] | None:
        if "inputs" not in data:
            return None
        items = self.sequence(data["inputs"], data.line_of("inputs"), "inputs")
        if items is None or not items:
            if items is not None:
                self.error(items.line, "inputs must not be empty")
            return None
        found = [self.input(v, items.line_of(i)) for i, v in enumerate(items)]
        return None if None in found else tuple(found)  # type: ignore[arg-type]

    def input(self, value: Any, line: int) -> Input | None:
        data = self.mapping(value, line, "an input")
        if data is None:
            return None
        ident = data.get("id")
        where = f"input '{ident}'"
        kind = data.get("type")
        if kind == "number":
            ok = self.keys(data, where, ("id", "type", "label", "range"),
                           ("unit", "plausible", "whole_number") + INPUT_FLAGS)
        elif kind == "choice":
            ok = self.keys(data, where, ("id", "type", "label", "choices"),
                           ("default",) + INPUT_FLAGS)
        else:
            self.error(data.line_of("type"), f"{where}: type must be 'number' or 'choice'")
            return None
        name = self.define(ident, data.line_of("id"), "number" if kind == "number" else "choice",
                           where)
        label = self.text(data.get("label"), data.line_of("label"), f"the label of {where}")
        flags = self.input_flags(data, where)
        if not ok or name is None or label is None or flags is None:
            return None
        self.input_ids.add(name)
        if kind == "choice":
            choices = self.choices(data, where)
            if choices is None:
                return None
            self.codes_of[name] = {c.code for c in choices}
            default = data.get("default")
            if default is not None and default not in self.codes_of[name]:
                self.error(data.line_of("default"), f"{where}: default must be one of its "
                                                    f"choices, got {default!r}")
                return None
            return Input(name, "choice", label, data.line, choices=choices, default=default,
                         **flags)
        return self.number_input(data, name, label, where, flags)

    def input_flags(self, data: LineMap, where: str) -> dict[str, Any] | None:
        """``optional``, ``shared`` (true/false) and ``link`` of an input."""
        flags: dict[str, Any] = {}
        for key in ("optional", "shared"):
            value = data.get(key, False)
            if not isinstance(value, bool):
                self.error(data.line_of(key), f"{where}: {key} must be true or false")
                return None
            flags[key] = value
        if "link" in data:
            link = self.mapping(data["link"], data.line_of("link"), f"{where}: link")
            if link is None or not self.keys(link, f"{where}: link",
                                             ("calculator", "output", "label"), ("max",)):
                return None
            ids = [link["calculator"], link["output"]]
            if not isinstance(ids[0], str) or not ID_PATTERN.fullmatch(ids[0]) \
                    or not isinstance(ids[1], str) or not VAR_RE.match(ids[1]):
                self.error(link.line, f"{where}: link must name a calculator id and one of its "
                                      "number outputs")
                return None
            label = self.text(link["label"], link.line_of("label"), f"the label of {where}'s link")
            if label is None:
                return None
            most = self.number(link["max"], link.line_of("max"), f"{where}: link max") \
                if "max" in link else None
            if "max" in link and most is None:
                return None
            flags["link"] = Link(ids[0], ids[1], label, most)
        return flags

    def number_input(self, data: LineMap, name: str, label: Text, where: str,
                     flags: dict[str, Any]) -> Input | None:
        unit = self.unit(data["unit"], data.line_of("unit"), f"the unit of {where}") \
            if "unit" in data else None
        hard = self.pair(data["range"], data.line_of("range"), f"{where}: range")
        plausible = None
        if "plausible" in data:
            plausible = self.pair(data["plausible"], data.line_of("plausible"),
                                  f"{where}: plausible")
            if plausible is None:
                return None
            if hard is not None and not (hard[0] <= plausible[0] and plausible[1] <= hard[1]):
                self.error(data.line_of("plausible"),
                           f"{where}: the plausible range must lie within the range")
                return None
        whole = data.get("whole_number", False)
        if not isinstance(whole, bool):
            self.error(data.line_of("whole_number"), f"{where}: whole_number must be true or false")
            return None
        if hard is None or ("unit" in data and unit is None):
            return None
        return Input(name, "number", label, data.line, unit=unit, range=hard,
                     plausible=plausible, whole_number=whole, **flags)

    def choices(self, data: LineMap, where: str) -> tuple[Choice, ...] | None:
        items = self.sequence(data["choices"], data.line_of("choices"), f"{where}: choices")
        if items is None:
            return None
        if len(items) < 2:
            self.error(items.line, f"{where}: a choice needs at least two options")
            return None
        found: list[Choice] = []
        ok = True
        for i, value in enumerate(items):
            item = self.mapping(value, items.line_of(i), f"{where}: a choice")
            if item is None:
                ok = False
                continue
            code = item.get("code")
            if not isinstance(code, str) or not CODE_RE.match(code):
                self.error(item.line_of("code"), f"{where}: choice code {code!r} is not valid")
                ok = False
                continue
            if "label" not in item:
                self.error(item.line, f"{where}: choice '{code}' has no label")
                ok = False
                continue
            if not self.keys(item, f"{where}, choice '{code}'", ("code", "label")):
                ok = False
                continue
            if any(c.code == code for c in found):
                self.error(item.line_of("code"), f"{where}: duplicate choice '{code}'")
                ok = False
                continue
            label = self.text(item["label"], item.line_of("label"),
                              f"the label of choice '{code}' of {where}")
            if label is None:
                ok = False
                continue
            found.append(Choice(code, label))
        return tuple(found) if ok else None

    # ---- logic

    def logic(self, data: LineMap) -> tuple[Step, ...] | None:
        if "logic" not in data:
            return None
        items = self.sequence(data["logic"], data.line_of("logic"), "logic")
        if items is None:
            return None
        steps: list[Step | None] = []
        for i, value in enumerate(items):
            step = self.mapping(value, items.line_of(i), f"logic step {i + 1}")
            steps.append(self.step(step, i + 1) if step is not None else None)
        return None if None in steps else tuple(steps)  # type: ignore[arg-type]

    def step(self, data: LineMap, number: int) -> Step | None:
        if "let" in data and "by" in data:
            return self.cases_step(data)
        if "let" in data:
            return self.let_step(data)
        if "check" in data:
            return self.check_step(data)
        if "require" in data:
            return self.require_step(data)
        if "notice" in data:
            return self.notice_step(data)
        if "table" in data:
            return self.table_step(data)
        self.error(data.line, f"logic step {number} must start with 'let', 'check', 'require', "
                              "'notice' or 'table'")
        return None

    def when(self, data: LineMap, where: str) -> tuple[ex.Expr | None, str | None] | None:
        """The optional ``when`` condition of a step; ``None`` on error."""
        if "when" not in data:
            return None, None
        parsed = self.expression(data["when"], data.line_of("when"), f"{where}: when", "bool")
        return None if parsed is None else parsed

    def require_step(self, data: LineMap) -> RequireStep | None:
        where = "require"
        if not self.keys(data, where, ("require",), ("when",)):
            return None
        names = self.sequence(data["require"], data.line_of("require"), where)
        when = self.when(data, where)
        if names is None or when is None:
            return None
        unknown = [n for n in names if n not in self.input_ids]
        if not names or unknown:
            self.error(names.line, f"{where}: must list inputs, got {unknown or '[]'}")
            return None
        return RequireStep(tuple(names), when[0], data.line)

    def notice_step(self, data: LineMap) -> NoticeStep | None:
        where = "notice"
        if not self.keys(data, where, ("notice",), ("when",)):
            return None
        message = self.text(data["notice"], data.line_of("notice"), "a notice")
        when = self.when(data, where)
        if message is None or when is None:
            return None
        return NoticeStep(message, when[0], when[1], data.line)

    def let_step(self, data: LineMap) -> LetStep | None:
        where = f"let '{data['let']}'"
        if not self.keys(data, where, ("let", "expr"), ("label",)):
            return None
        parsed = self.expression(data["expr"], data.line_of("expr"), where)
        name = self.define(data["let"], data.line_of("let"), "number", where)
        ok, label = self.step_label(data, where)
        if parsed is None or name is None or not ok:
            return None
        if ex.inexact(parsed[0], self.inexact):
            self.inexact.add(name)
        return LetStep(name, parsed[0], parsed[1], data.line, label)

    def step_label(self, data: LineMap, where: str) -> tuple[bool, Text | None]:
        """A let's optional ``label`` (a text): (False, None) when it is given and wrong."""
        if "label" not in data:
            return True, None
        label = self.text(data["label"], data.line_of("label"), f"the label of {where}")
        return label is not None, label

    def cases_step(self, data: LineMap) -> CasesStep | None:
        where = f"let '{data['let']}'"
        if not self.keys(data, where, ("let", "by", "cases"), ("label",)):
            return None
        by = data["by"]
        codes = self.codes_of.get(by) if self.types.get(by, ("",))[0] == "choice" else None
        if codes is None:
            self.error(data.line_of("by"), f"{where}: 'by' must name a choice input, "
                                           f"got {by!r}")
            return None
        cases = self.mapping(data["cases"], data.line_of("cases"), f"{where}: cases")
        if cases is None:
            return None
        found: list[tuple[str, ex.Expr, str]] = []
        ok = self.same_codes(cases, codes, f"{where}: cases")
        for code, value in cases.items():
            parsed = self.expression(value, cases.line_of(code), f"{where}, case '{code}'")
            if parsed is None:
                ok = False
            elif code in codes:
                found.append((code, parsed[0], parsed[1]))
        name = self.define(data["let"], data.line_of("let"), "number", where)
        labelled, label = self.step_label(data, where)
        if not ok or name is None or not labelled:
            return None
        if any(ex.inexact(tree, self.inexact) for _, tree, _ in found):
            self.inexact.add(name)
        return CasesStep(name, by, tuple(found), data.line, label)

    def same_codes(self, data: LineMap, codes: set[str], where: str) -> bool:
        ok = True
        for key in data:
            if key not in codes:
                self.error(data.line_of(key), f"{where}: unknown choice '{key}'",
                           "choices: " + ", ".join(sorted(codes)))
                ok = False
        for code in sorted(codes - set(data)):
            self.error(data.line, f"{where}: missing choice '{code}'")
            ok = False
        return ok

    def check_step(self, data: LineMap) -> CheckStep | None:
        where = "check"
        if not self.keys(data, where, ("check", "message")):
            return None
        parsed = self.expression(data["check"], data.line_of("check"), where, "bool")
        message = self.text(data["message"], data.line_of("message"), "the message of a check")
        if parsed is None or message is None:
            return None
        return CheckStep(parsed[0], parsed[1], message, data.line)

    def table_step(self, data: LineMap) -> TableStep | None:
        where = f"table '{data['table']}'"
        if not self.keys(data, where, ("table", "by", "column", "sets", "bands"),
                         ("override_by", "overrides")):
            return None
        by, column = data["by"], data["column"]
        ok = True
        if self.types.get(by, ("",))[0] != "number":
            self.error(data.line_of("by"), f"{where}: 'by' must name a number defined "
                                           f"earlier, got {by!r}")
            ok = False
        elif by in self.inexact:
            self.error(data.line_of("by"), f"{where}: '{by}' is computed with log10, which is "
                                           "not exact, so it cannot choose a band")
            ok = False
        if self.types.get(column, ("",))[0] != "choice":
            self.error(data.line_of("column"), f"{where}: 'column' must name a choice input, "
                                               f"got {column!r}")
            return None
        sets = self.sequence(data["sets"], data.line_of("sets"), f"{where}: sets")
        bands_raw = self.sequence(data["bands"], data.line_of("bands"), f"{where}: bands")
        if sets is None or bands_raw is None:
            return None
        if not sets or not all(isinstance(s, str) for s in sets):
            self.error(sets.line, f"{where}: sets must list the names this table gives values to")
            return None
        if not ok:
            self.mark_broken(sets)
            return None
        codes = self.codes_of.get(column)
        if codes is None:  # the choice input itself was invalid and is reported already
            self.mark_broken(sets)
            return None
        bands = [self.band(v, bands_raw.line_of(i), where, codes, tuple(sets))
                 for i, v in enumerate(bands_raw)]
        if None in bands or not bands:
            if not bands:
                self.error(bands_raw.line, f"{where}: bands must not be empty")
            self.mark_broken(sets)
            return None
        ordered = self.ordered_bands(bands, where)  # type: ignore[arg-type]
        overrides = self.overrides(data, where, codes, tuple(sets))
        if ordered is None or overrides is None:
            self.mark_broken(sets)
            return None
        every = ordered + tuple(overrides[1].values())
        for i, name in enumerate(sets):
            if not self.define_table_variable(name, sets.line_of(i), every, where):
                return None
        return TableStep(str(data["table"]), by, column, tuple(sets), ordered, data.line,
                         overrides[0], overrides[1])

    def overrides(self, data: LineMap, where: str, codes: set[str], sets: tuple[str, ...]
                  ) -> tuple[str | None, dict[str, Band]] | None:
        """Rows chosen by a choice input (``override_by``) instead of by the number."""
        if ("override_by" in data) != ("overrides" in data):
            self.error(data.line, f"{where}: 'override_by' and 'overrides' go together")
            return None
        if "override_by" not in data:
            return None, {}
        by = data["override_by"]
        if self.types.get(by, ("",))[0] != "choice":
            self.error(data.line_of("override_by"), f"{where}: 'override_by' must name a "
                                                    f"choice input, got {by!r}")
            return None
        rows = self.mapping(data["overrides"], data.line_of("overrides"), f"{where}: overrides")
        if rows is None:
            return None
        found: dict[str, Band] = {}
        for code, value in rows.items():
            if code not in self.codes_of[by]:
                self.error(rows.line_of(code), f"{where}: overrides: unknown choice '{code}'",
                           "choices: " + ", ".join(sorted(self.codes_of[by])))
                return None
            band = self.band(value, rows.line_of(code), where, codes, sets, bounded=False)
            if band is None:
                return None
            found[code] = band
        return by, found

    def band(self, value: Any, line: int, where: str, codes: set[str],
             sets: tuple[str, ...], bounded: bool = True) -> Band | None:
        data = self.mapping(value, line, f"{where}: a band")
        if data is None:
            return None
        if "band" not in data:
            self.error(data.line, f"{where}: every band needs a 'band' label, "
                                  "as printed in the source table")
            return None
        label = self.unit(data["band"], data.line_of("band"), f"the label of a band of {where}")
        if label is None:
            return None
        here = f"{where}, band '{label['en']}'"
        notice = self.text(data["notice"], data.line_of("notice"), f"the notice of {here}") \
            if "notice" in data else None
        bounds = {k: data[k] for k in ("above", "at_least", "below", "at_most") if k in data}
        if bounds and not bounded:
            self.error(data.line, f"{here}: an override row has no bounds")
            return None
        cells = LineMap({k: v for k, v in data.items()
                         if k not in ("band", "notice") and k not in bounds})
        cells.line = data.line
        cells.key_lines = data.key_lines
        lower = self.bound(bounds, data, here, ("above", "at_least"))
        upper = self.bound(bounds, data, here, ("below", "at_most"))
        ok = lower is not False and upper is not False and ("notice" not in data or
                                                            notice is not None)
        ok = self.same_codes(cells, codes, here) and ok
        parsed: dict[str, dict[str, CellValue]] = {}
        for code in sorted(codes & set(cells)):
            cell = self.cell(cells[code], cells.line_of(code), f"{here}, '{code}'", sets)
            if cell is None:
                ok = False
            else:
                parsed[code] = cell
        if not ok:
            return None
        low = lower if isinstance(lower, tuple) else None
        high = upper if isinstance(upper, tuple) else None
        if low and high and (low[0] > high[0] or (low[0] == high[0] and not (low[1] and high[1]))):
            self.error(data.line, f"{here}: the band is empty")
            return None
        return Band(label, low[0] if low else None, bool(low and low[1]),
                    high[0] if high else None, bool(high and high[1]), parsed, data.line,
                    notice)

    def bound(self, bounds: dict[str, Any], data: LineMap, where: str,
              keys: tuple[str, str]) -> tuple[Fraction, bool] | None | Literal[False]:
        """(value, inclusive), None when open, False on error; keys = (exclusive, inclusive)."""
        present = [k for k in keys if k in bounds]
        if len(present) > 1:
            self.error(data.line_of(present[1]), f"{where}: use either '{keys[0]}' or "
                                                 f"'{keys[1]}', not both")
            return False
        if not present:
            return None
        key = present[0]
        value = self.number(bounds[key], data.line_of(key), f"{where}: '{key}'")
        return False if value is None else (value, key == keys[1])

    def cell(self, value: Any, line: int, where: str,
             sets: tuple[str, ...]) -> dict[str, CellValue] | None:
        data = self.mapping(value, line, where)
        if data is None:
            return None
        if not self.keys(data, where, sets):
            return None
        found: dict[str, CellValue] = {}
        for name in sets:
            item = data[name]
            if item is None or (isinstance(item, str) and CODE_RE.match(item)):
                found[name] = item
            elif isinstance(item, (int, float)) and not isinstance(item, bool) \
                    and math.isfinite(item) and item >= 0:
                found[name] = from_yaml(item)
            else:
                self.error(data.line_of(name), f"{where}: '{name}' must be a non-negative "
                                               f"number, a code or null, got {item!r}")
                return None
        return found

    def ordered_bands(self, bands: list[Band], where: str) -> tuple[Band, ...] | None:
        """Bands from low to high; every number must fall in exactly one band."""
        ordered = sorted(bands, key=lambda b: -math.inf if b.lower is None else b.lower)
        ok = True
        if ordered[0].lower is not None:
            self.error(ordered[0].line, f"{where}: no band covers values below "
                                        f"{_num(ordered[0].lower)}",
                       "the lowest band needs only 'below' or 'at_most'")
            ok = False
        if ordered[-1].upper is not None:
            self.error(ordered[-1].line, f"{where}: no band covers values above "
                                         f"{_num(ordered[-1].upper)}",
                       "the highest band needs only 'above' or 'at_least'")
            ok = False
        for low, high in zip(ordered, ordered[1:], strict=False):
            ok = self.adjacent(low, high, where) and ok
        return tuple(ordered) if ok else None

    def adjacent(self, low: Band, high: Band, where: str) -> bool:
        pair = f"bands '{low.label['en']}' and '{high.label['en']}'"
        if low.upper is None or high.lower is None or low.upper > high.lower:
            self.error(high.line, f"{where}: {pair} overlap")
            return False
        if low.upper < high.lower:
            self.error(high.line, f"{where}: gap between {pair}: values from "
                                  f"{_num(low.upper)} to {_num(high.lower)} fall in no band")
            return False
        if low.upper_inclusive and high.lower_inclusive:
            self.error(high.line, f"{where}: {pair} overlap at {_num(low.upper)}",
                       "one of them must exclude the boundary")
            return False
        if not low.upper_inclusive and not high.lower_inclusive:
            self.error(high.line, f"{where}: gap between {pair}: the value "
                                  f"{_num(low.upper)} falls in no band")
            return False
        return True

    def mark_broken(self, names: LineList) -> None:
        """Names of a step that failed: later uses are not reported again."""
        for i, name in enumerate(names):
            if isinstance(name, str) and name not in self.types:
                self.types[name] = ("broken", names.line_of(i))

    def define_table_variable(self, name: str, line: int, bands: tuple[Band, ...],
                              where: str) -> bool:
        values = [cell[name] for band in bands for cell in band.cells.values()]
        kinds = {type(v) for v in values if v is not None}
        if len(kinds) != 1:
            self.error(line, f"{where}: '{name}' must be all numbers or all codes "
                             "(null for 'not recommended')")
            return False
        kind = "code" if kinds == {str} else "number"
        if self.define(name, line, kind, where) is None:
            return False
        if kind == "code":
            self.codes_of[name] = {str(v) for v in values if v is not None}
        return True

    # ---- outputs

    def outputs(self, data: LineMap) -> tuple[Output, ...] | None:
        if "outputs" not in data:
            return None
        items = self.sequence(data["outputs"], data.line_of("outputs"), "outputs")
        if items is None or not items:
            if items is not None:
                self.error(items.line, "outputs must not be empty")
            return None
        found = [self.output(v, items.line_of(i)) for i, v in enumerate(items)]
        ids = [o.id for o in found if o is not None]
        for i, ident in enumerate(ids):
            if ident in ids[:i]:
                self.error(items.line, f"duplicate output id '{ident}'")
                return None
        return None if None in found else tuple(found)  # type: ignore[arg-type]

    def output(self, value: Any, line: int) -> Output | None:
        data = self.mapping(value, line, "an output")
        if data is None:
            return None
        ident = data.get("id")
        where = f"output '{ident}'"
        kind = data.get("type")
        if kind == "number":
            ok = self.keys(data, where, ("id", "type", "label", "expr", "decimals"),
                           ("unit", "allow_negative", "round"))
        elif kind == "code":
            ok = self.keys(data, where, ("id", "type", "label", "expr", "codes"))
        else:
            self.error(data.line_of("type"), f"{where}: type must be 'number' or 'code'")
            return None
        if not isinstance(ident, str) or not VAR_RE.match(ident):
            self.error(data.line_of("id"), f"{where}: not a valid output id")
            return None
        label = self.text(data.get("label"), data.line_of("label"), f"the label of {where}")
        if not ok or label is None:
            return None
        if kind == "code":
            return self.code_output(data, ident, label, where)
        parsed = self.expression(data["expr"], data.line_of("expr"), where)
        unit = self.unit(data["unit"], data.line_of("unit"), f"the unit of {where}") \
            if "unit" in data else None
        decimals = data["decimals"]
        if isinstance(decimals, bool) or not isinstance(decimals, int) or not 0 <= decimals <= 6:
            self.error(data.line_of("decimals"), f"{where}: decimals must be a whole number "
                                                 "from 0 to 6")
            return None
        negative = data.get("allow_negative", False)
        if not isinstance(negative, bool):
            self.error(data.line_of("allow_negative"), f"{where}: allow_negative must be "
                                                       "true or false")
            return None
        rounding = data.get("round", "nearest")
        if rounding not in ("nearest", "down"):
            self.error(data.line_of("round"), f"{where}: round must be 'nearest' or 'down'")
            return None
        if parsed is None or ("unit" in data and unit is None):
            return None
        return Output(ident, "number", label, parsed[0], parsed[1], data.line, unit=unit,
                      decimals=decimals, allow_negative=negative,
                      round_down=rounding == "down")

    def code_output(self, data: LineMap, ident: str, label: Text, where: str) -> Output | None:
        source = data["expr"]
        if isinstance(source, str) and self.types.get(source, ("",))[0] == "broken":
            return None  # its table was reported already
        if not isinstance(source, str) or self.types.get(source, ("",))[0] != "code":
            self.error(data.line_of("expr"), f"{where}: a code output must name a code set "
                                             f"by a table, got {source!r}")
            return None
        labels = self.mapping(data["codes"], data.line_of("codes"), f"{where}: codes")
        if labels is None:
            return None
        ok = self.same_codes(labels, self.codes_of[source], f"{where}: codes")
        texts: dict[str, Text] = {}
        for code, value in labels.items():
            text = self.text(value, labels.line_of(code), f"code '{code}' of {where}")
            if text is None:
                ok = False
            else:
                texts[code] = text
        if not ok:
            return None
        return Output(ident, "code", label, ex.Name(source), source, data.line, codes=texts)

    # ---- chart

    def chart(self, data: LineMap, inputs: tuple[Input, ...] | None) -> Chart | None:
        if "chart" not in data:
            return None
        item = self.mapping(data["chart"], data.line_of("chart"), "chart")
        keys = ("kind", "start", "end", "days", "target_log_per_week", "title")
        if item is None or not self.keys(item, "chart", keys):
            return None
        ok = True
        if item["kind"] != "log-decline":
            self.error(item.line_of("kind"), f"chart: unknown kind {item['kind']!r}",
                       "kinds: log-decline")
            ok = False
        numbers = {i.id for i in inputs or () if i.type == "number"}
        for key in ("start", "end", "days"):
            if item[key] not in numbers:
                self.error(item.line_of(key), f"chart: '{key}' must name a number input, "
                                              f"got {item[key]!r}")
                ok = False
        target = self.number(item["target_log_per_week"], item.line_of("target_log_per_week"),
                             "chart: target_log_per_week")
        title = self.text(item["title"], item.line_of("title"), "the title of chart")
        if not ok or target is None or title is None:
            return None
        return Chart("log-decline", item["start"], item["end"], item["days"], float(target),
                     title)

    # ---- vectors

    def vectors(self, data: LineMap, inputs: tuple[Input, ...] | None,
                outputs: tuple[Output, ...] | None) -> tuple[Vector, ...] | None:
        if "vectors" not in data:
            return None
        items = self.sequence(data["vectors"], data.line_of("vectors"), "vectors")
        if items is None:
            return None
        if not items:
            self.error(items.line, "vectors must not be empty: every calculator is tested")
            return None
        if inputs is None or outputs is None:
            return None  # already reported; names cannot be checked
        input_ids = {i.id for i in inputs}
        output_ids = [o.id for o in outputs]
        found = [self.vector(v, items.line_of(i), i + 1, input_ids, output_ids)
                 for i, v in enumerate(items)]
        names = [v.name for v in found if v is not None]
        for i, name in enumerate(names):
            if name in names[:i]:
                self.error(items.line, f"duplicate vector name '{name}'")
                return None
        return None if None in found else tuple(found)  # type: ignore[arg-type]

    def vector(self, value: Any, line: int, number: int, input_ids: set[str],
               output_ids: list[str]) -> Vector | None:
        data = self.mapping(value, line, f"vector {number}")
        if data is None:
            return None
        name = data.get("name", f"#{number}")
        where = f"vector '{name}'"
        if not self.keys(data, where, ("name", "inputs"),
                         ("expect", "rejects", "tolerance", "notices")):
            return None
        if ("expect" in data) == ("rejects" in data):
            self.error(data.line, f"{where}: needs either 'expect' or 'rejects'")
            return None
        raw = self.vector_inputs(data, where, input_ids)
        tolerance = self.number(data.get("tolerance", 1e-9), data.line_of("tolerance"),
                                f"{where}: tolerance")
        if raw is None or tolerance is None:
            return None
        if "rejects" in data:
            rejects = data["rejects"]
            if rejects is True:
                rejects = ""
            if not isinstance(rejects, str):
                self.error(data.line_of("rejects"), f"{where}: rejects must be true or the "
                                                    "expected English message")
                return None
            return Vector(str(name), raw, data.line, rejects=rejects, tolerance=float(tolerance))
        expect = self.vector_expect(data, where, output_ids)
        notices = self.vector_notices(data, where)
        if expect is None or notices is False:
            return None
        return Vector(str(name), raw, data.line, expect=expect, tolerance=float(tolerance),
                      notices=notices)

    def vector_notices(self, data: LineMap, where: str) -> tuple[str, ...] | None | Literal[False]:
        """The English notices a vector expects (besides the status notice), if listed."""
        if "notices" not in data:
            return None
        items = self.sequence(data["notices"], data.line_of("notices"), f"{where}: notices")
        if items is None or not all(isinstance(item, str) for item in items):
            if items is not None:
                self.error(items.line, f"{where}: notices must list the expected English texts")
            return False
        return tuple(items)

    def vector_inputs(self, data: LineMap, where: str, input_ids: set[str]) -> dict[str, str] | None:
        raw = self.mapping(data["inputs"], data.line_of("inputs"), f"{where}: inputs")
        if raw is None:
            return None
        found: dict[str, str] = {}
        for key, value in raw.items():
            if key not in input_ids:
                self.error(raw.line_of(key), f"{where}: unknown input '{key}'",
                           "inputs: " + ", ".join(sorted(input_ids)))
                return None
            if isinstance(value, bool) or not isinstance(value, (str, int, float)):
                self.error(raw.line_of(key), f"{where}: input '{key}' must be written as "
                                             "typed, e.g. \"72,5\"")
                return None
            found[key] = value if isinstance(value, str) else _typed(value)
        return found

    def vector_expect(self, data: LineMap, where: str,
                      output_ids: list[str]) -> dict[str, float | str | None] | None:
        expect = self.mapping(data["expect"], data.line_of("expect"), f"{where}: expect")
        if expect is None:
            return None
        ok = True
        for key in expect:
            if key not in output_ids:
                self.error(expect.line_of(key), f"{where}: unknown output '{key}'")
                ok = False
        for key in output_ids:
            if key not in expect:
                self.error(expect.line, f"{where}: missing expected output '{key}' "
                                        "(write null for empty)")
                ok = False
        if not ok:
            return None
        found: dict[str, float | str | None] = {}
        for key in output_ids:
            value = expect[key]
            if isinstance(value, bool):
                self.error(expect.line_of(key), f"{where}: '{key}' must be a number, a code "
                                                "or null")
                return None
            found[key] = float(value) if isinstance(value, (int, float)) else value
        return found


def _typed(value: int | float) -> str:
    """A YAML number as a person would type it: 70 -> "70", 69.5 -> "69.5"."""
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def _num(value: Fraction) -> str:
    return to_text(value)
