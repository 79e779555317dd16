"""``protocols new ID --lang LANG``: the files of a new draft protocol (pure; the CLI writes).

The placeholders and section headings come from ``site_config/scaffold.yaml``, one entry
per language, so an editor starts in the language they write in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from .model import ANCHOR_PATTERN, ID_PATTERN, RESERVED_HINT, Body, Project, SiteConfig
from .problems import Problems
from .yamlhints import quoted
from .yamlpos import LineList, LineMap, load_yaml

PROTOCOLS_DIR = "protocol_src/protocols"
TEMPLATE_FILE = "site_config/scaffold.yaml"
TEMPLATE_TEXTS = ("title", "summary", "aliases", "specialties", "section_text")
# From the protocol folder to the published schema: editors' YAML language servers read it.
SCHEMA_COMMENT = "# yaml-language-server: $schema=../../../schemas/protocol.schema.json\n"

YAML = """\
{schema}id: {id}
version: "0.1"            # quoted; major = clinical change, minor = editorial
status: draft             # draft, review, approved or retired
original_language: {lang}
owner: null               # the responsible department or person
review_due: null          # YYYY-MM-DD of the next review
approved_by: null
approved_on: null
{specialties}specialties: []
changelog:
  - version: "0.1"
    date: {today}
    note: First draft.
"""

FRONT_MATTER = """\
---
title: {title}
summary: {summary}
aliases: []  # {aliases}
---
"""


@dataclass(frozen=True)
class Section:
    id: str
    heading: str


@dataclass(frozen=True)
class Template:
    """One language's placeholders for a new protocol."""

    texts: dict[str, str]
    sections: tuple[Section, ...]


class ScaffoldError(Exception):
    """The protocol cannot be created; the message is for the user."""


def load_templates(root: Path, languages: tuple[str, ...],
                   problems: Problems) -> dict[str, Template]:
    """The template of each language in ``site_config/scaffold.yaml``."""
    path = root / TEMPLATE_FILE
    if not path.is_file():
        problems.error(TEMPLATE_FILE, 1, "file is missing",
                       "it holds the placeholders of `protocols new` per language")
        return {}
    data, found = load_yaml(path.read_text(encoding="utf-8"), TEMPLATE_FILE)
    problems.extend(found)
    if not isinstance(data, LineMap):
        if not found:
            problems.error(TEMPLATE_FILE, 1, "expected a mapping of languages")
        return {}
    templates = {}
    for lang in languages:
        if lang not in data:
            problems.error(TEMPLATE_FILE, 1, f"no template for language '{lang}'")
            continue
        template = _template(data[lang], data.line_of(lang), lang, problems)
        if template is not None:
            templates[lang] = template
    return templates


def _template(entry: object, line: int, lang: str, problems: Problems) -> Template | None:
    if not isinstance(entry, LineMap):
        problems.error(TEMPLATE_FILE, line, f"'{lang}' must be a mapping of texts and sections")
        return None
    ok = True
    for key in TEMPLATE_TEXTS:
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            problems.error(TEMPLATE_FILE, entry.line_of(key) if key in entry else line,
                           f"'{lang}' needs a text '{key}'")
            ok = False
    raw = entry.get("sections")
    sections = []
    if not isinstance(raw, LineList) or not raw:
        problems.error(TEMPLATE_FILE, entry.line_of("sections"),
                       f"'{lang}' needs 'sections': a list of id and heading")
        return None
    for index, item in enumerate(raw):
        if not (isinstance(item, LineMap) and isinstance(item.get("id"), str)
                and ID_PATTERN.match(item["id"]) and isinstance(item.get("heading"), str)):
            problems.error(TEMPLATE_FILE, raw.line_of(index),
                           "each section needs an 'id' (lowercase words joined by hyphens) "
                           "and a 'heading'")
            ok = False
            continue
        sections.append(Section(item["id"], item["heading"].strip()))
    if not ok:
        return None
    return Template({key: entry[key].strip() for key in TEMPLATE_TEXTS}, tuple(sections))


def scaffold(protocol_id: str, lang: str, site: SiteConfig, templates: dict[str, Template],
             existing: set[str], today: str, title: str | None = None) -> dict[str, str]:
    """The new files, relative to the project root."""
    if not ID_PATTERN.match(protocol_id):
        # Well formed but reserved: saying "use lowercase words" would not say why.
        rule = RESERVED_HINT if ANCHOR_PATTERN.match(protocol_id) else \
            "use lowercase words joined by hyphens, e.g. sepsis-adults"
        raise ScaffoldError(f"invalid protocol id '{protocol_id}': {rule}")
    if lang not in site.codes:
        raise ScaffoldError(f"unknown language '{lang}': use one of {', '.join(site.codes)}")
    if protocol_id in existing:
        raise ScaffoldError(f"protocol '{protocol_id}' already exists in "
                            f"{PROTOCOLS_DIR}/{protocol_id}")
    if title is not None and not _one_line(title):
        raise ScaffoldError("the title must be one line of printable text")
    template = templates[lang]
    folder = f"{PROTOCOLS_DIR}/{protocol_id}"
    return {
        f"{folder}/protocol.yaml": YAML.format(
            schema=SCHEMA_COMMENT, id=protocol_id, lang=lang, today=today,
            specialties=_specialties_comment(site, lang, template)),
        f"{folder}/{lang}.md": _body(template, title),
    }


def _one_line(text: str) -> bool:
    """Text a quoted YAML scalar holds as written: printable, one line, not blank."""
    return (len(text.strip().splitlines()) == 1 and "\ufeff" not in text
            and not yaml.reader.Reader.NON_PRINTABLE.search(text))


def _specialties_comment(site: SiteConfig, lang: str, template: Template) -> str:
    """The specialties a protocol may list, named in the editor's language."""
    if not site.specialties:
        return ""
    lines = [f"# specialties: {template.texts['specialties']}"]
    lines += [f"#   {key}: {names[lang]}" for key, names in site.specialties.items()]
    return "\n".join(lines) + "\n"


def _body(template: Template, title: str | None) -> str:
    texts = template.texts
    front = FRONT_MATTER.format(title=quoted((title or texts["title"]).strip()),
                                summary=quoted(texts["summary"]), aliases=texts["aliases"])
    sections = [f"## {section.heading} {{#{section.id}}}\n\n{texts['section_text']}\n"
                for section in template.sections]
    return front + "\n" + "\n".join(sections)


def next_steps(protocol_id: str, lang: str, url: str) -> list[str]:
    """What the editor does next, in the order they do it; ``url`` is where the preview
    shows the new page (pages/paths.py knows, the CLI asks)."""
    folder = f"{PROTOCOLS_DIR}/{protocol_id}"
    return [
        f"write the title, summary and text in {folder}/{lang}.md (keep each heading's {{#id}})",
        f"fill in owner, review_due and specialties in {folder}/protocol.yaml",
        f"protocols check {folder}   (only this protocol's problems)",
        f"make serve, then open http://127.0.0.1:8000/{url} (a draft, shown with a banner)",
        "commit on a branch and open a merge request (CONTRIBUTING.md, steps 5-6)",
    ]


def check_placeholders(project: Project, templates: dict[str, Template],
                       problems: Problems) -> None:
    """Placeholder text of `protocols new` left in a body: a warning in a draft, an error
    in a protocol on its way to readers (review, approved, retired)."""
    for protocol in project.protocols.values():
        report = problems.warning if protocol.status == "draft" else problems.error
        for body in protocol.bodies.values():
            for line, text in _placeholders(body, templates.values()):
                report(body.path, line, f"placeholder text of `protocols new` left: '{text}'",
                       "replace it with the protocol's own text")


def _placeholders(body: Body, templates: Iterable[Template]) -> list[tuple[int, str]]:
    found = []
    for template in templates:
        texts = template.texts
        if body.title == texts["title"]:
            found.append((body.line_of("title"), texts["title"]))
        if body.summary == texts["summary"]:
            found.append((body.line_of("summary"), texts["summary"]))
        for offset, line in enumerate(body.text.split("\n")):
            if line.strip() == texts["section_text"]:
                found.append((body.first_line + offset, texts["section_text"]))
    return found
