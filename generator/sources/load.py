"""Stage 1: read ``protocol_src/`` into frozen models, collecting every problem.

Each protocol folder holds ``protocol.yaml`` (its document control, read by
:mod:`generator.sources.document_control`) and one ``<lang>.md`` body per language, read
here: front matter, number exceptions and headings. Each file is checked on its own;
checks that need several files at once live in :mod:`generator.checks.validate`.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from .document_control import ID_HINT, DocumentControl, optional_text
from .model import (
    ANCHOR_PATTERN,
    ID_PATTERN,
    VERSION_PATTERN,
    Body,
    Heading,
    NumberException,
    Protocol,
)
from .numerals import NUMBER, parse_number
from .problems import Problems
from .prose import OPENING_FENCE, fenced_lines
from .sourcetext import read_source
from .yamlhints import no_mapping_hint, one_value_hint
from .yamlpos import LineList, LineMap, load_yaml

PROTOCOLS_DIR = "protocol_src/protocols"
PROTOCOL_FILE = "protocol.yaml"
# Ids of the sections the generator adds to every protocol page; a body heading with one
# of them would give the page two elements with the same id.
RESERVED_HEADING_IDS = frozenset({"top", "references", "changelog", "related-protocols",
                                  "referenced-by", "used-in"})
FRONT_MATTER_KEYS = ("title", "summary", "aliases", "translation_of_version",
                     "number_exceptions")

HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
HEADING_ID = re.compile(r"\s*\{#([^}\s]+)\}$")
SETEXT = re.compile(r"^[ \t]{0,3}(=+|-+)[ \t]*$")
# Lines after which '---' is a rule or a list, not the underline of a heading.
PARAGRAPH_LIKE = re.compile(r"^\s*([-*+>|#<]|\d+[.)]\s|$)")


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
                       no_mapping_hint(data))
        return None
    fields = DocumentControl(data, yaml_rel, folder.name, languages, problems).read()
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
                       no_mapping_hint(meta))
        return None
    ok = _check_front_matter(meta, rel, problems)
    before = len(problems.errors)
    exceptions = _number_exceptions(meta.get("number_exceptions"), rel,
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
        summary=optional_text(meta.get("summary")),
        aliases=tuple(str(a).strip() for a in aliases),
        translation_of_version=meta.get("translation_of_version"),
        text=body_text, first_line=first_line, headings=headings,
        field_lines=dict(meta.key_lines), number_exceptions=exceptions,
    )


def _number_exceptions(value: Any, rel: str, line: int, lang: str,
                       problems: Problems) -> tuple[NumberException, ...]:
    """A translation's ``number_exceptions``: a list of number (as written in ``lang``),
    reason and, optionally, the section id it applies to."""
    if value is None:
        return ()
    if not isinstance(value, LineList):
        problems.error(rel, line, "number_exceptions must be a list of number and reason")
        return ()
    result = []
    for index, item in enumerate(value):
        item_line = value.line_of(index)
        if not (isinstance(item, LineMap) and isinstance(item.get("number"), str | int | float)
                and isinstance(item.get("reason"), str) and item["reason"].strip()
                and set(item) <= {"number", "reason", "section"}
                and isinstance(item.get("section", ""), str)):
            problems.error(rel, item_line, "each number exception needs 'number' (as written "
                           "in this file, quoted) and 'reason', and may name a 'section' id")
            continue
        written = str(item["number"]).strip()
        if not NUMBER.fullmatch(written):
            problems.error(rel, item_line, f"number exception '{written}' is not a number")
            continue
        for parsed in parse_number(written, lang):
            result.append(NumberException(parsed, written, item["reason"].strip(),
                                          item.get("section"), item_line))
    return tuple(result)


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
                       one_value_hint("title", title))
    summary = meta.get("summary")
    if summary is not None and not isinstance(summary, str):
        problems.error(rel, meta.line_of("summary"), "summary must be one text",
                       one_value_hint("summary", summary))
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
