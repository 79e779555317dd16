"""A protocol's document control: the keys of its ``protocol.yaml``, read and checked.

Who owns the protocol, its version and status, when it is due for review, its references
and changelog: each key is read into the fields of :class:`~generator.sources.model.Protocol`,
with every problem at the key's line. :mod:`generator.sources.load` reads the folder around it.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime
from typing import Any

from .model import ID_PATTERN, STATUSES, VERSION_PATTERN, ChangelogEntry, Reference
from .problems import Problems
from .yamlhints import one_value_hint
from .yamlpos import LineList, LineMap

ID_HINT = ("lowercase letters and digits joined by single hyphens; not 'index' (the name of "
           "a folder's own page) nor a name Windows reserves (con, prn, aux, nul, com1-9, lpt1-9)")
REQUIRED_KEYS = ("id", "version", "status", "original_language", "owner", "review_due")
OPTIONAL_KEYS = ("approved_by", "approved_on", "specialties", "tags", "related",
                 "calculators", "references", "changelog", "source")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
DATE_HINT = "write it as YYYY-MM-DD"


def iso_date(value: object) -> date | None:
    """``value`` as a date when it is one: unquoted (YAML reads it as a date) or quoted.

    A date with a time is none: it cannot be compared with a day, and no field asks for it.
    The published JSON Schema has the same rule (schemas/).
    """
    if isinstance(value, datetime):
        return None
    if isinstance(value, date):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def date_message(key: str, value: object) -> str:
    """The one message for a value that should be a date, wherever a date is asked for."""
    return f"{key} '{value}' is not a date"


class DocumentControl:
    """Reads and checks the keys of one protocol.yaml."""

    def __init__(self, data: LineMap, rel: str, folder: str, languages: tuple[str, ...],
                 problems: Problems) -> None:
        self.data, self.rel, self.folder = data, rel, folder
        self.languages, self.problems = languages, problems
        self.item_lines: dict[str, tuple[int, ...]] = {}
        self.ok = True

    def error(self, key: str, message: str, hint: str | None = None) -> None:
        self.problems.error(self.rel, self.data.line_of(key), message, hint)
        self.ok = False

    def read(self) -> dict[str, Any] | None:
        known = REQUIRED_KEYS + OPTIONAL_KEYS
        for key in self.data:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                self.error(key, f"unknown key '{key}'",
                           f"did you mean '{close[0]}'?" if close else None)
        for key in REQUIRED_KEYS:
            if key not in self.data:
                self.problems.error(self.rel, 1, f"required key '{key}' is missing")
                self.ok = False
        fields = {
            "id": self._id(),
            "version": self._version("version"),
            "status": self._choice("status", STATUSES),
            "original_language": self._choice("original_language", self.languages),
            "owner": self._text("owner"),
            "review_due": self._date("review_due"),
            "approved_by": self._text("approved_by"),
            "approved_on": self._date("approved_on"),
            "specialties": self._ids("specialties"),
            "tags": self._ids("tags"),
            "related": self._ids("related"),
            "calculators": self._ids("calculators"),
            "references": self._references(),
            "changelog": self._changelog(),
            "source": self._text("source"),
            "item_lines": self.item_lines,
        }
        return fields if self.ok else None

    def _id(self) -> str:
        value = self.data.get("id")
        if "id" not in self.data:
            return self.folder
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.error("id", f"id '{value}' is not a valid protocol id",
                       ID_HINT)
        elif value != self.folder:
            self.error("id", f"id '{value}' does not match its folder name '{self.folder}'")
        return str(value)

    def _version(self, key: str) -> str:
        value = self.data.get(key)
        if key not in self.data:
            return "0.0"
        if not isinstance(value, str):
            self.error(key, f"{key} must be a quoted string like \"1.0\", not {value!r}",
                       "unquoted, YAML reads 1.10 as the number 1.1")
            return "0.0"
        if not VERSION_PATTERN.match(value):
            self.error(key, f"{key} '{value}' is not MAJOR.MINOR", "for example \"2.1\"")
            return "0.0"
        return value

    def _choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self.data.get(key)
        if key in self.data and value not in choices:
            self.error(key, f"{key} '{value}' is not one of: {', '.join(choices)}")
        return str(value)

    def _text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(key, f"{key} must be text, or null when the source does not record it",
                       one_value_hint(key, value))
            return None
        return value.strip()

    def _date(self, key: str) -> date | None:
        value = self.data.get(key)
        if value is None:
            return None
        day = iso_date(value)
        if day is None:
            self.error(key, date_message(key, value), DATE_HINT)
        return day

    def _ids(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, LineList):
            self.error(key, f"{key} must be a list of ids")
            return ()
        result = []
        self.item_lines[key] = tuple(value.item_lines)
        for index, item in enumerate(value):
            if not isinstance(item, str) or not ID_PATTERN.match(item):
                self.problems.error(self.rel, value.line_of(index),
                                    f"{key}: '{item}' is not a valid id")
                self.ok = False
            else:
                result.append(item)
        return tuple(result)

    def _references(self) -> tuple[Reference, ...]:
        value = self.data.get("references")
        if value is None:
            return ()
        if not isinstance(value, LineList):
            self.error("references", "references must be a list")
            return ()
        result: list[Reference] = []
        for index, item in enumerate(value):
            line = value.line_of(index)
            if not isinstance(item, LineMap) or not isinstance(item.get("key"), str):
                self.problems.error(self.rel, line, "each reference needs a 'key'")
                self.ok = False
                continue
            for extra in set(item) - {"key", "text", "pmid", "doi", "url"}:
                self.problems.error(self.rel, item.line_of(extra),
                                    f"unknown reference field '{extra}'",
                                    "use key, text, pmid, doi or url")
                self.ok = False
            if any(ref.key == item["key"] for ref in result):
                self.problems.error(self.rel, line, f"duplicate reference key '{item['key']}'")
                self.ok = False
            result.append(Reference(
                key=item["key"], line=line,
                text=optional_text(item.get("text")),
                pmid=optional_text(item.get("pmid")),
                doi=optional_text(item.get("doi")),
                url=optional_text(item.get("url")),
            ))
        return tuple(result)

    def _changelog(self) -> tuple[ChangelogEntry, ...]:
        value = self.data.get("changelog")
        if value is None:
            return ()
        if not isinstance(value, LineList):
            self.error("changelog", "changelog must be a list")
            return ()
        result: list[ChangelogEntry] = []
        for index, item in enumerate(value):
            line = value.line_of(index)
            entry_ok = (isinstance(item, LineMap) and isinstance(item.get("version"), str)
                        and VERSION_PATTERN.match(item["version"])
                        and item.get("date") is not None
                        and isinstance(item.get("note"), str | LineMap))
            if not entry_ok:
                self.problems.error(self.rel, line, "each changelog entry needs version "
                                    "(\"MAJOR.MINOR\"), date (YYYY-MM-DD) and note")
                self.ok = False
                continue
            day = iso_date(item["date"])
            if day is None:
                self.problems.error(self.rel, item.line_of("date"),
                                    date_message("date", item["date"]), DATE_HINT)
                self.ok = False
                continue
            notes = self._notes(item["note"], item.line_of("note"))
            if notes:
                result.append(ChangelogEntry(item["version"], day,
                                             next(iter(notes.values())), line, notes))
        return tuple(result)

    def _notes(self, note: str | LineMap, line: int) -> dict[str, str]:
        """A changelog note per language: a text in the original language, or a mapping of
        languages to texts (the note readers of each language see; the others are shown in
        one of these, labelled with its language)."""
        if isinstance(note, str):
            original = self.data.get("original_language")
            return {str(original) if original in self.languages else "": note.strip()}
        notes: dict[str, str] = {}
        for lang, text in note.items():
            if lang not in self.languages:
                self.problems.error(self.rel, note.line_of(lang),
                                    f"changelog note: unknown language '{lang}'",
                                    f"site languages: {', '.join(self.languages)}")
            elif not isinstance(text, str) or not text.strip():
                self.problems.error(self.rel, note.line_of(lang),
                                    f"changelog note in '{lang}' must be a text")
            else:
                notes[lang] = text.strip()
        if len(notes) != len(note) or not notes:
            if not note:
                self.problems.error(self.rel, line, "changelog note has no text")
            self.ok = False
            return {}
        return notes


def optional_text(value: Any) -> str | None:
    """A value's text, stripped; None for a missing or blank value."""
    if value is None:
        return None
    return str(value).strip() or None
