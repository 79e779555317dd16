"""The spec reader for ``logic``: let, cases, check, require, notice and table steps."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Literal

from ..sources.yamlpos import LineList, LineMap
from . import expr as ex
from .exact import from_yaml
from .readbase import BaseReader, as_text
from .specmodel import (
    CODE_RE,
    Band,
    CasesStep,
    CellValue,
    CheckStep,
    LetStep,
    NoticeStep,
    RequireStep,
    Step,
    TableStep,
    Text,
)


class LogicReader(BaseReader):
    """``logic``: the steps in order, each name defined once, tables without gaps."""

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
                                        f"{as_text(ordered[0].lower)}",
                       "the lowest band needs only 'below' or 'at_most'")
            ok = False
        if ordered[-1].upper is not None:
            self.error(ordered[-1].line, f"{where}: no band covers values above "
                                         f"{as_text(ordered[-1].upper)}",
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
                                  f"{as_text(low.upper)} to {as_text(high.lower)} fall in no band")
            return False
        if low.upper_inclusive and high.lower_inclusive:
            self.error(high.line, f"{where}: {pair} overlap at {as_text(low.upper)}",
                       "one of them must exclude the boundary")
            return False
        if not low.upper_inclusive and not high.lower_inclusive:
            self.error(high.line, f"{where}: gap between {pair}: the value "
                                  f"{as_text(low.upper)} falls in no band")
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
