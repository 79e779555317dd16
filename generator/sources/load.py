"""Stage 1: read ``protocol_src/`` into frozen models, collecting every problem.

This stage checks each file on its own (schema, types, front matter, headings);
checks that need several files at once live in :mod:`generator.checks.validate`.
"""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..checks.numbers import parse_exceptions
from .model import (
    ANCHOR_PATTERN,
    ID_PATTERN,
    STATUSES,
    VERSION_PATTERN,
    Body,
    ChangelogEntry,
    Heading,
    Protocol,
    Reference,
)
from .problems import Problems
from .prose import OPENING_FENCE, fenced_lines
from .sourcetext import read_source
from .yamlpos import LineList, LineMap, load_yaml

PROTOCOLS_DIR = "protocol_src/protocols"
PROTOCOL_FILE = "protocol.yaml"
ID_HINT = ("lowercase letters and digits joined by single hyphens, and not a name Windows "
           "reserves (con, prn, aux, nul, com1-9, lpt1-9)")

REQUIRED_KEYS = ("id", "version", "status", "original_language", "owner", "review_due")
OPTIONAL_KEYS = ("approved_by", "approved_on", "specialties", "tags", "related",
                 "calculators", "references", "changelog", "source")
# Keys whose value may be null: the source did not record the fact, and the tools say so.
NULLABLE_KEYS = ("owner", "review_due", "approved_by", "approved_on")
# Ids of the sections the generator adds to every protocol page; a body heading with one
# of them would give the page two elements with the same id.
RESERVED_HEADING_IDS = frozenset({"top", "references", "changelog", "related-protocols",
                                  "referenced-by", "used-in"})
FRONT_MATTER_KEYS = ("title", "summary", "aliases", "translation_of_version",
                     "number_exceptions")

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
HEADING_ID = re.compile(r"\s*\{#([^}\s]+)\}$")
SETEXT = re.compile(r"^[ \t]{0,3}(=+|-+)[ \t]*$")
# Lines after which '---' is a rule or a list, not the underline of a heading.
PARAGRAPH_LIKE = re.compile(r"^\s*([-*+>|#<]|\d+[.)]\s|$)")
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


def protocol_folders(root: Path, problems: Problems) -> list[Path]:
    base = root / PROTOCOLS_DIR
    if not base.is_dir():
        problems.error(PROTOCOLS_DIR, 1, "folder is missing")
        return []
    project = root.resolve()
    folders = []
    for path in sorted(p for p in base.iterdir() if p.is_dir()):
        outside = [p for p in (path, *path.iterdir()) if project not in p.resolve().parents]
        if outside:
            # Publishing follows links: a linked folder could publish any file of the machine.
            problems.error(f"{PROTOCOLS_DIR}/{path.name}/{PROTOCOL_FILE}", 1,
                           f"{outside[0].relative_to(root).as_posix()} is a link to "
                           f"{outside[0].resolve()}, outside the project",
                           hint="copy the files into the project instead")
            continue
        folders.append(path)
    return folders


def load_protocol(folder: Path, rel: str, languages: tuple[str, ...],
                  problems: Problems) -> Protocol | None:
    yaml_rel = f"{rel}/protocol.yaml"
    if not ID_PATTERN.match(folder.name):
        problems.error(yaml_rel, 1, f"folder name {folder.name!r} is not a valid protocol id",
                       hint=ID_HINT)
    if not (folder / "protocol.yaml").is_file():
        problems.error(yaml_rel, 1, "protocol.yaml is missing")
        return None
    text = _read_text(folder / "protocol.yaml", yaml_rel, problems)
    if text is None:
        return None
    data, found = load_yaml(text, yaml_rel)
    problems.extend(found)
    if data is None and found:
        return None
    if not isinstance(data, LineMap):
        problems.error(yaml_rel, 1, "protocol.yaml must be a mapping of document-control keys",
                       _no_mapping_hint(data))
        return None
    fields = _DocumentControl(data, yaml_rel, folder.name, languages, problems).read()
    bodies = _load_bodies(folder, rel, languages, problems)
    if fields is None:
        return None
    original = fields["original_language"]
    if original not in bodies:
        if not (folder / f"{original}.md").exists():
            problems.error(yaml_rel, data.line_of("original_language"),
                           f"the original body {original}.md is missing")
        return None
    return Protocol(bodies=bodies, field_lines=dict(data.key_lines), path=yaml_rel, **fields)


def _read_text(path: Path, rel: str, problems: Problems) -> str | None:
    text, found = read_source(path, rel)
    problems.extend(found)
    return text


class _DocumentControl:
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
                       _one_value_hint(key, value))
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
                text=_optional_str(item.get("text")),
                pmid=_optional_str(item.get("pmid")),
                doi=_optional_str(item.get("doi")),
                url=_optional_str(item.get("url")),
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


def _no_mapping_hint(value: object) -> str | None:
    """'title:Sepsis' is one text to YAML: a key needs a space after its colon."""
    if isinstance(value, str) and ":" in value:
        return "write a space after each key's colon, e.g. 'title: Sepsis'"
    return None


def _one_value_hint(key: str, value: object) -> str | None:
    """Words for a list or mapping where one value belongs (a '- ' or an indented 'x: y')."""
    if isinstance(value, list):
        return f"{key} takes one value, not a list: write it on the line of '{key}:' " \
               "without '- ' (quote it if it holds ': ')"
    if isinstance(value, dict):
        return f"{key} takes one value, but YAML read a 'key: value' in it: put the whole " \
               "value in quotes"
    return None


def _optional_str(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).strip() or None


def _load_bodies(folder: Path, rel: str, languages: tuple[str, ...],
                 problems: Problems) -> dict[str, Body]:
    bodies: dict[str, Body] = {}
    for path in sorted(folder.iterdir()):
        if path.name == "protocol.yaml":
            continue
        file_rel = f"{rel}/{path.name}"
        if path.suffix != ".md":
            problems.error(file_rel, 1, "unexpected file in a protocol folder",
                           "a protocol folder holds protocol.yaml and <lang>.md files")
            continue
        if path.stem not in languages:
            problems.error(file_rel, 1, f"unknown language '{path.stem}'",
                           f"body files are named after a site language: {', '.join(languages)}")
            continue
        body = load_body(path, file_rel, path.stem, problems)
        if body is not None:
            bodies[path.stem] = body
    return bodies


def load_body(path: Path, rel: str, lang: str, problems: Problems) -> Body | None:
    text = _read_text(path, rel, problems)
    if text is None:
        return None
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        problems.error(rel, 1, "front matter is missing", "start the file with a line '---'")
        return None
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        problems.error(rel, 1, "front matter is not closed", "end it with a line '---'")
        return None
    meta, found = load_yaml("\n".join(lines[1:end]), rel, first_line=2)
    problems.extend(found)
    if found and meta is None:
        return None
    if not isinstance(meta, LineMap):
        problems.error(rel, 1, "front matter must be a mapping with at least 'title'",
                       _no_mapping_hint(meta))
        return None
    ok = _check_front_matter(meta, rel, problems)
    before = len(problems.errors)
    exceptions = parse_exceptions(meta.get("number_exceptions"), rel,
                                  meta.line_of("number_exceptions"), lang, problems)
    ok = ok and len(problems.errors) == before
    body_text = "\n".join(lines[end + 1:])
    first_line = end + 2
    if not body_text.strip():
        problems.error(rel, end + 1, "the body is empty", "write the protocol below the front matter")
        ok = False
    headings = _headings(body_text, first_line, rel, problems)
    if not ok or headings is None:
        return None
    aliases = meta.get("aliases") or []
    return Body(
        lang=lang, path=rel, title=meta["title"].strip(),
        summary=_optional_str(meta.get("summary")),
        aliases=tuple(str(a).strip() for a in aliases),
        translation_of_version=meta.get("translation_of_version"),
        text=body_text, first_line=first_line, headings=headings,
        field_lines=dict(meta.key_lines), number_exceptions=exceptions,
    )


def _check_front_matter(meta: LineMap, rel: str, problems: Problems) -> bool:
    before = len(problems.errors)
    for key in meta:
        if key not in FRONT_MATTER_KEYS:
            close = difflib.get_close_matches(str(key), FRONT_MATTER_KEYS, n=1)
            problems.error(rel, meta.line_of(key), f"unknown front matter key '{key}'",
                           f"did you mean '{close[0]}'?" if close else None)
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.error(rel, meta.line_of("title"), "front matter needs a 'title'",
                       _one_value_hint("title", title))
    summary = meta.get("summary")
    if summary is not None and not isinstance(summary, str):
        problems.error(rel, meta.line_of("summary"), "summary must be one text",
                       _one_value_hint("summary", summary))
    aliases = meta.get("aliases")
    if aliases is not None and not (
            isinstance(aliases, list) and all(isinstance(a, str) and a.strip() for a in aliases)):
        problems.error(rel, meta.line_of("aliases"), "aliases must be a list of names")
    version = meta.get("translation_of_version")
    if "translation_of_version" in meta and not (
            isinstance(version, str) and VERSION_PATTERN.match(version)):
        problems.error(rel, meta.line_of("translation_of_version"),
                       f"translation_of_version must be a quoted \"MAJOR.MINOR\", not {version!r}")
    return len(problems.errors) == before


def body_headings(text: str, first_line: int) -> tuple[Heading, ...]:
    """The headings of a body text that is known to be valid (e.g. an earlier version)."""
    return _headings(text, first_line, "", Problems()) or ()


def _headings(text: str, first_line: int, rel: str,
              problems: Problems) -> tuple[Heading, ...] | None:
    """Find ATX headings outside code fences; each needs an explicit, unique id."""
    result: list[Heading] = []
    seen: dict[str, int] = {}
    ok = True
    code = fenced_lines(text)
    unclosed: int | None = None
    previous = ""
    for offset, line in enumerate(text.split("\n")):
        number = first_line + offset
        if offset in code:
            previous = ""
            continue
        if unclosed is None and OPENING_FENCE.fullmatch(line):
            unclosed = number
        if SETEXT.match(line) and previous.strip() and not PARAGRAPH_LIKE.match(previous):
            problems.error(rel, number - 1, "underlined headings are not supported",
                           "write '## Heading {#heading-id}'")
            ok = False
        previous = line
        match = HEADING.match(line)
        if not match:
            continue
        level, content = len(match.group(1)), match.group(2)
        if level == 1:
            problems.error(rel, number, "a body must not contain a level-1 heading",
                           "the title comes from the front matter; start sections with '##'")
            ok = False
            continue
        id_match = HEADING_ID.search(content)
        if not id_match:
            problems.error(rel, number, f"heading '{content}' has no explicit id",
                           "end it with an id shared by every language, e.g. {#dosing}")
            ok = False
            continue
        heading_id = id_match.group(1)
        if not ANCHOR_PATTERN.match(heading_id):
            problems.error(rel, number, f"heading id '{heading_id}' is not valid",
                           "lowercase letters and digits joined by single hyphens")
            ok = False
            continue
        if heading_id in RESERVED_HEADING_IDS:
            problems.error(rel, number, f"heading id '{heading_id}' is used by the generated page",
                           "choose another id")
            ok = False
            continue
        if heading_id in seen:
            problems.error(rel, number,
                           f"duplicate heading id '{heading_id}' (first used on line {seen[heading_id]})")
            ok = False
            continue
        seen[heading_id] = number
        result.append(Heading(level, content[: id_match.start()].strip(), heading_id, number))
    if unclosed is not None:
        problems.error(rel, unclosed, "a code block is never closed",
                       "end it with a line of the same backticks or tildes")
        ok = False
    return tuple(result) if ok else None
