"""``protocols new ID --lang LANG``: the files of a new draft protocol (pure; the CLI writes)."""

from __future__ import annotations

from .model import ID_PATTERN

PROTOCOLS_DIR = "protocol_src/protocols"

YAML = """\
id: {id}
version: "0.1"            # quoted; major = clinical change, minor = editorial
status: draft             # draft, review, approved or retired
original_language: {lang}
owner: null               # the responsible department or person
review_due: null          # YYYY-MM-DD of the next review
approved_by: null
approved_on: null
changelog:
  - version: "0.1"
    date: {today}
    note: First draft.
"""

BODY = """\
---
title: {id}
---

## Section {{#section}}

Write the protocol here. Every heading ends with an id in braces, the same in every language.
"""


class ScaffoldError(Exception):
    """The protocol cannot be created; the message is for the user."""


def scaffold(protocol_id: str, lang: str, languages: tuple[str, ...], existing: set[str],
             today: str) -> dict[str, str]:
    """The new files, relative to the project root."""
    if not ID_PATTERN.match(protocol_id):
        raise ScaffoldError(f"invalid protocol id '{protocol_id}': use lowercase words joined "
                            "by hyphens, e.g. sepsis-adults")
    if lang not in languages:
        raise ScaffoldError(f"unknown language '{lang}': use one of {', '.join(languages)}")
    if protocol_id in existing:
        raise ScaffoldError(f"protocol '{protocol_id}' already exists in "
                            f"{PROTOCOLS_DIR}/{protocol_id}")
    folder = f"{PROTOCOLS_DIR}/{protocol_id}"
    return {
        f"{folder}/protocol.yaml": YAML.format(id=protocol_id, lang=lang, today=today),
        f"{folder}/{lang}.md": BODY.format(id=protocol_id),
    }
