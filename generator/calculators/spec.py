"""Calculator specs: frozen models and a loader that validates every key, with lines.

A spec is a YAML file ``protocol_src/calculators/<id>.yaml``; the format is documented
in ``generator/calculators/README.md``. The loader collects every problem it finds
(``path:line: error: message``) and returns no spec when there is any error, because a
half-valid dosing calculator must never reach a page.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

# The same id, version and status rules as protocol.yaml (a version "01.0" is refused).
from ..sources.model import DRUG_NAME, ID_PATTERN, STATUSES, VERSION_PATTERN
from ..sources.problems import Problem
from ..sources.sourcetext import read_source
from ..sources.yamlpos import LineMap, load_yaml
from .readinputs import InputsReader
from .readlogic import LogicReader
from .readoutputs import OutputsReader
from .readvectors import VectorsReader
from .specmodel import (
    GIVES,
    Band,
    CalculatorSpec,
    CasesStep,
    CellValue,
    Chart,
    CheckStep,
    Choice,
    Input,
    LetStep,
    Link,
    NoticeStep,
    Output,
    RequireStep,
    Step,
    TableStep,
    Text,
    Vector,
)

__all__ = ["Band", "CalculatorSpec", "CasesStep", "CellValue", "Chart", "CheckStep", "Choice",
           "Input", "LetStep", "Link", "NoticeStep", "Output", "RequireStep", "Step",
           "TableStep", "Text", "Vector", "load_calculator", "load_calculators"]


def load_calculator(path: Path, display_path: str) -> tuple[CalculatorSpec | None, list[Problem]]:
    """Read and validate one spec; the spec is ``None`` when any error was found."""
    try:
        text, problems = read_source(path, display_path)
    except OSError as exc:
        return None, [Problem(display_path, 1, f"cannot read calculator spec: {exc}")]
    if text is None:
        return None, problems
    data, found = load_yaml(text, display_path)
    problems += found
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


TOP_REQUIRED = ("id", "version", "status", "title", "source", "inputs", "logic", "outputs",
                "vectors")
TOP_OPTIONAL = ("approved_by", "summary", "notes", "chart", "gives", "drugs")


class _Reader(InputsReader, LogicReader, OutputsReader, VectorsReader):
    """Walks the loaded YAML, building models and collecting problems with lines; one
    reader per section (``read*.py``), this one for the top level."""

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
                             "single hyphens; not 'index' nor a name Windows reserves)")
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
