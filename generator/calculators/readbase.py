"""The spec reader's shared part: problems with lines, generic shapes, names, expressions."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

from ..sources.problems import Problems
from ..sources.yamlpos import LineList, LineMap
from . import expr as ex
from .exact import from_yaml, to_text
from .i18n import languages
from .specmodel import VAR_RE, Text


class BaseReader:
    """What every section reader shares: the problems found, with lines; the names
    defined so far (with their types and codes); generic shapes and expressions."""

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
            if lang not in languages():
                self.error(data.line_of(lang), f"unknown language '{lang}' in {where}",
                           "languages: " + ", ".join(languages()))
                ok = False
        for lang in languages():
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
        return {lang: str(data[lang]).strip() for lang in languages()} if ok else None

    def unit(self, value: Any, line: int, where: str) -> Text | None:
        """One string for every language (a unit, a number), or a text per language."""
        if isinstance(value, str) and value.strip():
            return {lang: value.strip() for lang in languages()}
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


def as_typed(value: int | float) -> str:
    """A YAML number as a person would type it: 70 -> "70", 69.5 -> "69.5"."""
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    return text[:-2] if text.endswith(".0") else text


def as_text(value: Fraction) -> str:
    return to_text(value)
