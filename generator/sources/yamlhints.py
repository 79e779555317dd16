"""PyYAML's errors in words an editor can act on.

PyYAML says what its parser expected ("mapping values are not allowed here"); an
editor needs to know what to type instead. :func:`yaml_hint` maps the mistakes editors
make (a colon in a value, a tab, an unclosed quote or bracket, a list item where one
value belongs) to a hint; other errors keep PyYAML's message alone. YAML that parses
but has the wrong shape (a text where a mapping belongs, a list where one value does)
gets its hint here too.
"""

from __future__ import annotations

import re

import yaml

# "key: value" at the start of a line, the value being what follows the first ": ".
KEY_VALUE = re.compile(r"^(\s*)([^\s:#][^:]*?):\s+(.*?)\s*$")
QUOTE_CONTEXT = "while scanning a quoted scalar"
CLOSERS = {"while parsing a flow sequence": "]", "while parsing a flow mapping": "}"}
NO_START = re.compile(r"found character '(.)' that cannot start any token")


def yaml_hint(exc: yaml.MarkedYAMLError, offset: int = 0) -> str | None:
    """A hint for ``exc``, or ``None`` when none helps; ``offset`` shifts its line numbers."""
    problem, context = exc.problem or "", exc.context or ""
    opened = exc.context_mark.line + 1 + offset if exc.context_mark else None
    if "'\\t'" in problem:
        return "a tab character: YAML indents with spaces only; replace the tab with spaces"
    if context == QUOTE_CONTEXT:
        return f"the quote opened on line {opened} is never closed: end the value with the " \
               "same quote mark"
    if context in CLOSERS:
        return f"the '{'[' if CLOSERS[context] == ']' else '{'}' opened on line {opened} is " \
               f"not closed: end it with '{CLOSERS[context]}' on the same line, or put the " \
               "whole value in quotes"
    if problem == "could not find expected ':'":
        return f"line {opened} has no ': ' after its key: write 'key: value', with a " \
               "space after the colon"
    if problem == "mapping values are not allowed here":
        return _colon_hint(exc)
    if "but found '-'" in problem:
        return "a list item ('- ') where a key or a single value belongs: indent the list " \
               "under its key (key:, then '  - item' on the next lines), or write one value"
    if "but found '<scalar>'" in problem and context == "while parsing a block mapping":
        return "text after a closing quote: a quoted value ends at its quote; quote the " \
               "whole value with the other kind of quote mark, e.g. \"it's\""
    start = NO_START.search(problem)
    if start:
        return _quote_start_hint(start.group(1))
    if "found undefined alias" in problem:
        return _quote_start_hint("*")
    if context == "while scanning an anchor":
        return _quote_start_hint("&")
    return None


def _quote_start_hint(char: str) -> str:
    return f"YAML reads '{char}' at the start of a value as markup: put the whole value " \
           "in quotes"


def _colon_hint(exc: yaml.MarkedYAMLError) -> str:
    line = _line_text(exc)
    match = KEY_VALUE.match(line or "")
    if line is None or match is None or exc.problem_mark is None:
        return "a colon followed by a space starts a new key: put a value that holds one " \
               "in quotes"
    indent, key, value = match.groups()
    if exc.problem_mark.column == line.index(":"):
        if not indent:
            # YAML read the line above and this key as one text: the line above has no
            # colon (or no space after it) to end its key.
            return "the line above has no ': ' after its key, so YAML reads it and this " \
                   "line as one text: write 'key: value'"
        # The line's own key is refused: it sits deeper than the mapping it belongs to.
        return "this line is indented more than the key above it: line up the keys of " \
               "one mapping"
    return f"a value that holds ': ' must be quoted, e.g. {key}: {quoted(value)}"


def quoted(value: str) -> str:
    """``value`` as a YAML quoted scalar: double quotes unless they would need escapes."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    return "'" + value.replace("'", "''") + "'"


def _line_text(exc: yaml.MarkedYAMLError) -> str | None:
    """The text of the line the error points at, when PyYAML kept its buffer."""
    mark = exc.problem_mark
    buffer = getattr(mark, "buffer", None)
    if mark is None or not isinstance(buffer, str):
        return None
    start = buffer.rfind("\n", 0, mark.pointer) + 1
    end = buffer.find("\n", mark.pointer)
    return buffer[start: end if end != -1 else len(buffer)].rstrip("\0")


def no_mapping_hint(value: object) -> str | None:
    """'title:Sepsis' is one text to YAML: a key needs a space after its colon."""
    if isinstance(value, str) and ":" in value:
        return "write a space after each key's colon, e.g. 'title: Sepsis'"
    return None


def one_value_hint(key: str, value: object) -> str | None:
    """Words for a list or mapping where one value belongs (a '- ' or an indented 'x: y')."""
    if isinstance(value, list):
        return f"{key} takes one value, not a list: write it on the line of '{key}:' " \
               "without '- ' (quote it if it holds ': ')"
    if isinstance(value, dict):
        return f"{key} takes one value, but YAML read a 'key: value' in it: put the whole " \
               "value in quotes"
    return None
