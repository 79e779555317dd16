"""The spec reader for ``inputs``: numbers, choices, flags and links."""

from __future__ import annotations

from typing import Any

from ..sources.model import ID_PATTERN
from ..sources.yamlpos import LineMap
from .readbase import BaseReader
from .specmodel import CODE_RE, VAR_RE, Choice, Input, Link, Text

INPUT_FLAGS = ("optional", "shared", "link")


class InputsReader(BaseReader):
    """``inputs``: each one's type, label, unit, range, choices and flags."""

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
