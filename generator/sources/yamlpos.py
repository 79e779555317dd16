"""YAML loading that keeps line numbers, so every problem can point at its line.

Mappings load as :class:`LineMap` and sequences as :class:`LineList`: ordinary
``dict`` and ``list`` with the 1-based line of the node and of each key or item.
Only YAML's safe types are constructed.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from .problems import Problem
from .yamlhints import yaml_hint


class LineMap(dict[Any, Any]):
    """A mapping that remembers the line of itself and of each of its keys."""

    line: int = 1
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A sequence that remembers the line of itself and of each of its items."""

    line: int = 1
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if 0 <= index < len(self.item_lines) else self.line


class _Loader(yaml.SafeLoader):
    duplicate_keys: list[tuple[Any, int]]

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        # An alias repeats a value by reference: nine lines of them expand to billions
        # of items. Sources write each value out, so one is refused before any is built.
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed; write the value out",
                self.peek_event().start_mark)  # type: ignore[no-untyped-call]
        return super().compose_node(parent, index)


_HAS_LIBYAML = hasattr(yaml, "CSafeLoader")


# libyaml's parser, written in C, reads a valid file when PyYAML has it; a file it
# refuses is read again by the pure-Python loader, whose messages the tests fix.
class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    duplicate_keys: list[tuple[Any, int]]


def _construct_map(loader: _Loader, node: MappingNode) -> LineMap:
    loader.flatten_mapping(node)
    result = LineMap()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (dict, list)):
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            )
        line = key_node.start_mark.line + 1
        if key in result:
            loader.duplicate_keys.append((key, line))
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_list(loader: _Loader, node: SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    # "2030-13-01" looks like a date to YAML but is none: keep the text, so the
    # key's own check reports it at its line instead of the loader crashing.
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return str(node.value)


for _loader in (_Loader, _FastLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_map)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_list)


# Where an alias could start: '*' after a line start, indicator or space, before a name.
_MAYBE_ALIAS = re.compile(r"(?:^|[\s\[{,:-])\*[^\s,\[\]{}]", re.M)


def _fast(text: str) -> tuple[Any, list[tuple[Any, int]]] | None:
    """The value and duplicate keys of a valid ``text``; ``None`` if libyaml refuses it.

    Text with a character PyYAML's reader refuses goes to the careful loader first:
    libyaml is more lenient there, and such text must fail as it always has. So does
    text with a tab: libyaml takes "0<tab>" where PyYAML's scanner refuses the tab (found
    by tests/test_properties.py); editors' files seldom have one. Text that may hold an
    alias too: the careful loader refuses aliases before building anything.
    """
    if not _HAS_LIBYAML or "\t" in text or yaml.reader.Reader.NON_PRINTABLE.search(text) \
            or _MAYBE_ALIAS.search(text):
        return None
    loader = _FastLoader(text)
    loader.duplicate_keys = []
    try:
        node = loader.get_single_node()
        return (loader.construct_document(node) if node is not None else None,
                loader.duplicate_keys)
    except Exception:  # any refusal: the careful loader reads it again and reports it
        return None
    finally:
        loader.dispose()


def load_yaml(text: str, path: str, first_line: int = 1) -> tuple[Any, list[Problem]]:
    """Parse ``text``; return the value (``None`` on failure) and the problems found.

    ``first_line`` is the file line of the text's first line (front matter starts at 2).
    """
    offset = first_line - 1
    fast = _fast(text)
    if fast is not None:
        value, duplicates = fast
        return _located(value, duplicates, path, offset)
    try:
        loader = _Loader(text)
    except yaml.reader.ReaderError as exc:
        # A control character: the reader refuses the text before parsing it.
        line = text.count("\n", 0, exc.position) + first_line
        return None, [Problem(path, line, f"invalid YAML: character #x{exc.character:04x} is "
                              "not allowed")]
    loader.duplicate_keys = []
    try:
        node: Node | None = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 if mark else 1) + offset
        reason = exc.problem or exc.context or "invalid YAML"
        return None, [Problem(path, line, f"invalid YAML: {reason}", hint=yaml_hint(exc, offset))]
    except yaml.YAMLError as exc:
        return None, [Problem(path, first_line, f"invalid YAML: {exc}")]
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        # Values YAML parses but Python cannot hold (e.g. nesting too deep).
        return None, [Problem(path, first_line, f"invalid YAML: {type(exc).__name__}: {exc}")]
    finally:
        loader.dispose()
    return _located(value, loader.duplicate_keys, path, offset)


def _located(value: Any, duplicates: list[tuple[Any, int]], path: str,
             offset: int) -> tuple[Any, list[Problem]]:
    problems = [Problem(path, line + offset, f"duplicate key '{key}'") for key, line in duplicates]
    if offset:
        _shift_lines(value, offset)
    return value, problems


def _shift_lines(value: Any, offset: int) -> None:
    if isinstance(value, LineMap):
        value.line += offset
        value.key_lines = {k: v + offset for k, v in value.key_lines.items()}
        for child in value.values():
            _shift_lines(child, offset)
    elif isinstance(value, LineList):
        value.line += offset
        value.item_lines = [v + offset for v in value.item_lines]
        for child in value:
            _shift_lines(child, offset)
