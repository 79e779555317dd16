"""The spec reader for ``outputs`` and ``chart``."""

from __future__ import annotations

from typing import Any

from ..sources.yamlpos import LineMap
from . import expr as ex
from .readbase import BaseReader
from .specmodel import VAR_RE, Chart, Input, Output, Text


class OutputsReader(BaseReader):
    """``outputs`` (numbers and codes) and the optional ``chart``."""

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
