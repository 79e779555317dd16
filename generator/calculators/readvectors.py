"""The spec reader for ``vectors``: inputs as typed, expectations, notices."""

from __future__ import annotations

from typing import Any, Literal

from ..sources.yamlpos import LineMap
from .readbase import BaseReader, as_typed
from .specmodel import Input, Output, Vector


class VectorsReader(BaseReader):
    """``vectors``: test cases as typed, with what they must give or refuse."""

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
            found[key] = value if isinstance(value, str) else as_typed(value)
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
