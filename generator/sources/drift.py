"""Translation drift: the sections of an original that changed since a translation's version.

A translation that renders an older version than the protocol's shows, at each section
(heading id) whose text in the original changed since then, a notice that links to
that section of the original. The earlier text comes from the git history: the
original body as it was in the newest commit whose ``protocol.yaml`` still recorded the
translated version. Where no history tells (no repository, the version never
committed), every section is marked as possibly changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from .gitlog import commits_touching, file_at
from .load import body_headings
from .model import Protocol, parse_version
from .yamlpos import LineMap, load_yaml

INTRO = "top"  # the text before the first heading, under the page title {#top}

# (protocol id, translated version) -> the changed section ids, or None when unknown
Drift = Mapping[tuple[str, str], frozenset[str] | None]


def sections(text: str, front_matter: bool = True) -> dict[str, str]:
    """Each section's own text (up to the next heading of any level), by heading id,
    of a body file (``front_matter``) or of a body's text.

    Whitespace is normalised: re-wrapping a paragraph does not change what it says.
    """
    lines = text.replace("\r\n", "\n").split("\n")
    start = 0
    if front_matter and lines and lines[0].strip() == "---":
        start = next((i + 1 for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")),
                     len(lines))
    body = lines[start:]
    starts = {heading.line - 1: heading.id for heading in body_headings("\n".join(body), 1)}
    result: dict[str, list[str]] = {INTRO: []}
    current = INTRO
    for index, line in enumerate(body):
        current = starts.get(index, current)
        result.setdefault(current, []).append(line)
    return {key: " ".join(" ".join(text).split()) for key, text in result.items()}


def changed_sections(before: str, after: str) -> frozenset[str]:
    """Ids of the sections whose text differs between a body file and a later body's text
    (added and removed sections included)."""
    old, new = sections(before), sections(after, front_matter=False)
    return frozenset(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))


def lagging(protocol: Protocol) -> set[str]:
    """The versions rendered by translations older than the protocol's version."""
    current = parse_version(protocol.version)
    return {body.translation_of_version for lang, body in protocol.bodies.items()
            if lang != protocol.original_language and body.translation_of_version
            and parse_version(body.translation_of_version) < current}


def drift_of(root: Path, protocols: list[Protocol]) -> dict[tuple[str, str], frozenset[str] | None]:
    """The drift of every lagging translation of ``protocols`` (see :data:`Drift`)."""
    result: dict[tuple[str, str], frozenset[str] | None] = {}
    for protocol in protocols:
        for version in lagging(protocol):
            before = original_at(root, protocol, version)
            result[(protocol.id, version)] = (
                None if before is None else changed_sections(before, protocol.original.text))
    return result


def original_at(root: Path, protocol: Protocol, version: str) -> str | None:
    """The original body as committed when ``protocol.yaml`` last recorded ``version``.

    Read-only git (log and show), from the committed history of ``root``.
    """
    for commit in commits_touching(root, protocol.path, protocol.original.path):
        recorded = file_at(root, commit, protocol.path)
        if recorded is not None and _version(recorded) == version:
            return file_at(root, commit, protocol.original.path)
    return None


def _version(yaml_text: str) -> str | None:
    data, _ = load_yaml(yaml_text, "protocol.yaml")
    value = data.get("version") if isinstance(data, LineMap) else None
    return value if isinstance(value, str) else None

