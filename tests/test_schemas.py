"""The published JSON Schemas (schemas/) and `protocols check` agree on what is invalid.

The schemas let an editor's YAML language server underline mistakes as they type;
`check` stays the authority. Here both read the same sources as an editor's tools do
(dates as text, as a YAML 1.2 language server reads them) over the valid sources, the
invalid corpus (tests/bad_sources/) and generated documents: the schema never refuses
what `check` accepts, and it catches every mistake of a file's own shape.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import (  # type: ignore[import-untyped]
    Draft202012Validator,
    FormatChecker,
)

from generator import pipeline
from generator.sources.load import load_body, load_protocol
from generator.sources.problems import Problems

from .conftest import REPO, SITE_LANGUAGES, ProjectFactory

SCHEMAS = REPO / "schemas"
BAD = Path(__file__).parent / "bad_sources"
LANGS = SITE_LANGUAGES


@cache
def validator(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def schema_for(rel: str) -> str | None:
    """Which schema a source file's YAML follows (as editors' settings map them)."""
    parts = rel.split("/")
    if rel.startswith("protocol_src/protocols/"):
        return "protocol" if parts[-1] == "protocol.yaml" else "front-matter"
    if rel.startswith("protocol_src/calculators/"):
        return "calculator"
    if rel == "protocol_src/glossary.yaml":
        return "glossary"
    if rel.startswith("site_config/languages/") and rel.endswith(".yaml"):
        return "language"
    if rel.startswith("site_config/") and rel.endswith(".yaml") and len(parts) == 2:
        return parts[1].removesuffix(".yaml")
    return None


class EditorLoader(yaml.SafeLoader):
    """YAML as language servers read it (YAML 1.2): a date is text, as written."""


def _text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


EditorLoader.add_constructor("tag:yaml.org,2002:timestamp", _text)


def as_editor_reads(text: str) -> Any:
    return yaml.load(text, Loader=EditorLoader)  # a SafeLoader: no Python objects


def yaml_of(path: Path, rel: str) -> str:
    """The YAML of a source file: all of it, or a body's front matter."""
    text = path.read_bytes().decode("utf-8")
    if rel.endswith(".md"):
        lines = text.split("\n")
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
        return "\n".join(lines[1:end])
    return text


def schema_errors(path: Path, rel: str) -> list[str]:
    """What the schema (with YAML's own syntax check) finds in one file; [] when valid."""
    name = schema_for(rel)
    assert name is not None, rel
    try:
        data = as_editor_reads(yaml_of(path, rel))
    except (UnicodeDecodeError, StopIteration, yaml.YAMLError) as exc:
        return [f"not readable YAML: {type(exc).__name__}"]
    return [error.message for error in validator(name).iter_errors(data)]


def sources(root: Path) -> list[str]:
    found = [p.relative_to(root).as_posix() for p in sorted(root.rglob("*"))
             if p.is_file() and not p.name.endswith((".txt", ".html"))]
    return [rel for rel in found if schema_for(rel) is not None]


def test_the_schemas_are_valid_json_schemas() -> None:
    for path in SCHEMAS.glob("*.schema.json"):
        Draft202012Validator.check_schema(json.loads(path.read_text(encoding="utf-8")))


def test_every_source_of_the_repository_is_valid(make_project: ProjectFactory) -> None:
    root = make_project(seeds=True)
    shutil.copytree(REPO / "protocol_src/calculators", root / "protocol_src/calculators",
                    dirs_exist_ok=True)
    assert pipeline.check(root).errors == []
    rels = sources(root)
    assert {schema_for(rel) for rel in rels} == {
        "protocol", "front-matter", "calculator", "glossary", "site", "ui", "taxonomy",
        "drugs", "scaffold", "language"}
    assert {rel: schema_errors(root / rel, rel) for rel in rels} == {rel: [] for rel in rels}


def test_editors_find_a_schema_for_every_yaml_source() -> None:
    """VS Code maps files to schemas in .vscode/settings.json; the scaffold's comment and
    the YAML files of site_config/ name theirs in a `$schema` comment."""
    mapping = json.loads((REPO / ".vscode/settings.json").read_text(encoding="utf-8"))
    for schema, pattern in mapping["yaml.schemas"].items():
        assert (REPO / schema).is_file(), schema
        matched = sorted(REPO.glob(pattern))
        assert matched, pattern
        for path in matched:
            rel = path.relative_to(REPO).as_posix()
            assert f"schemas/{schema_for(rel)}.schema.json" == schema.removeprefix("./"), rel
    for name in ("drugs", "scaffold"):
        first = (REPO / f"site_config/{name}.yaml").read_text(encoding="utf-8").split("\n")[0]
        assert first == f"# yaml-language-server: $schema=../schemas/{name}.schema.json"
        assert (REPO / "site_config" / f"../schemas/{name}.schema.json").is_file()
    from generator.sources.scaffold import SCHEMA_COMMENT
    scaffolded = REPO / "protocol_src/protocols/x" / SCHEMA_COMMENT.split("=", 1)[1].strip()
    assert scaffolded.resolve() == (SCHEMAS / "protocol.schema.json").resolve()


def test_the_schemas_know_the_site_languages() -> None:
    site = pipeline.load(REPO).project.site
    protocol = json.loads((SCHEMAS / "protocol.schema.json").read_text(encoding="utf-8"))
    assert tuple(protocol["properties"]["original_language"]["enum"]) == site.codes == LANGS


# Mistakes a schema cannot see: they need the file's folder, another file, or the body.
CHECK_ONLY = {
    "duplicate-heading-id": "headings are in the body",
    "empty-body": "the body",
    "id-not-matching-folder": "the folder name",
    "script-in-body": "the body",
    "tel-link": "the body",
    "translation-number-mismatch": "another language's body",
    "translation-without-version": "protocol.yaml says which language is the original",
    "unknown-language": "the file name",
    "unknown-related-id": "the other protocols",
    "unclosed-front-matter": "the Markdown around the front matter",
    "anchor-link-missing": "the body",
    "attribute-list-event-handler": "the body",
    "bidi-in-title": "invisible characters: every source is read through one reader (sourcetext.py)",
    "bidi-in-translation": "the body",
    "expression-nested-too-deep": "the calculator's expression language",
    "expression-number-too-large": "the calculator's expression language",
    "expression-too-many-terms": "the calculator's expression language",
    "line-too-long": "the file's lines, not its values",
    "list-nested-too-deep": "the body",
    "relative-image-link": "the body",
    "tab-in-javascript-link": "the body",
}


@pytest.mark.parametrize("case", sorted(p.name for p in BAD.iterdir() if p.is_dir()))
def test_schema_and_check_agree_on_the_invalid_corpus(case: str, make_project: ProjectFactory,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(seeds=True)
    shutil.copytree(BAD / case / "protocol_src", root / "protocol_src", dirs_exist_ok=True)
    by_check = {p.path for p in pipeline.check(root).errors}
    assert by_check, case
    case_files = [p.relative_to(BAD / case).as_posix()
                  for p in (BAD / case).rglob("*") if p.is_file()]
    flagged = set()
    for rel in case_files:
        if schema_for(rel) is None:
            continue  # expected.txt
        readable = rel.endswith(".yaml") or _has_front_matter(root / rel)
        if readable and schema_errors(root / rel, rel):
            flagged.add(rel)
    assert flagged <= by_check  # the schema never refuses what check accepts
    if case in CHECK_ONLY:
        assert not flagged, f"{case}: the schema sees it after all; drop it from CHECK_ONLY"
    else:
        assert flagged == by_check, case  # a mistake of a file's own shape: both see it


def _has_front_matter(path: Path) -> bool:
    raw = path.read_bytes()
    return raw.startswith(b"---\n") and raw.count(b"\n---") >= 1 and b"\n---\n" in raw[3:]


# ---------------------------------------------------------------- generated documents

MISSING = object()
PROTOCOL_VALUES: dict[str, list[Any]] = {
    "id": ["acme", "Acme", "acme_1", 5],
    "version": ["1.0", "0.1", "12.10", 1.1, "1", "01.0", "1.0.0", None],
    "status": ["draft", "review", "approved", "retired", "aproved", 3, None],
    "original_language": ["en", "fr", None, 5],
    "owner": ["Intensive care", None, "", "  ", 5, ["ICU"], {"a": "b"}],
    "review_due": [date(2030, 1, 1), "2030-01-01", "2030-13-01", "next year", 20300101, None],
    "approved_by": ["Dr. A", None, "", 7],
    "approved_on": [date(2025, 1, 1), "2025-02-30", None],
    "specialties": [["intensive-care"], [], None, "intensive-care", ["Intensive Care"], [5]],
    "tags": [["cmv"], None, [""]],
    "references": [[{"key": "smith", "text": "Smith 2020"}], [{"key": "smith"}], None,
                   [{"text": "no key"}], [{"key": "smith", "page": 4}], "smith", [5]],
    "changelog": [[{"version": "1.0", "date": date(2025, 1, 1), "note": "First."}],
                  [{"version": "1.0", "date": "2025-01-01", "note": "First."}],
                  [{"version": 1.0, "date": date(2025, 1, 1), "note": "First."}],
                  [{"version": "1.0", "note": "First."}],
                  [{"version": "1.0", "date": "soon", "note": "First."}], None, "First."],
    "reviewer": [MISSING, "someone"],
}
REQUIRED = ("id", "version", "status", "original_language", "owner", "review_due")
BODY = "---\n{front}---\n\n## Dosing {{#dosing}}\n\nText.\n"
FRONT_VALUES: dict[str, list[Any]] = {
    "title": ["Acme", "Sepsis: eerste uur", "", "  ", 5, True, ["Acme"], None],
    "summary": ["One line.", None, ["a"], 5],
    "aliases": [["Other name"], [], None, "Other name", [""], [5]],
    "translation_of_version": ["1.0", 1.0, "1", None],
    "titel": [MISSING, "typo"],
}


def documents(values: dict[str, list[Any]], required: tuple[str, ...]) -> Any:
    """A mapping with each key absent (required ones seldom) or one of its values."""
    def entry(key: str) -> Any:
        options = values[key] if key in required else [MISSING, *values[key]]
        weights = st.sampled_from(options)
        return st.one_of(st.just(values[key][0]), weights) if key in required else weights
    return st.fixed_dictionaries({key: entry(key) for key in values}).map(
        lambda doc: {k: v for k, v in doc.items() if v is not MISSING})


SLOW = settings(max_examples=300, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@SLOW
@given(documents(PROTOCOL_VALUES, REQUIRED))
def test_schema_and_check_agree_on_protocol_yaml(doc: dict[str, Any]) -> None:
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "acme"
        folder.mkdir()
        (folder / "protocol.yaml").write_text(text, encoding="utf-8")
        (folder / "en.md").write_text(BODY.format(front="title: Acme\n"), encoding="utf-8")
        problems = Problems()
        load_protocol(folder, "acme", LANGS, problems)
    by_check = [p.format() for p in problems.errors if p.path == "acme/protocol.yaml"]
    by_schema = list(validator("protocol").iter_errors(as_editor_reads(text)))
    assert bool(by_check) == bool(by_schema), (text, by_check, [e.message for e in by_schema])


@SLOW
@given(documents(FRONT_VALUES, ("title",)))
def test_schema_and_check_agree_on_front_matter(doc: dict[str, Any]) -> None:
    front = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True) if doc else ""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "en.md"
        path.write_text(BODY.format(front=front), encoding="utf-8")
        problems = Problems()
        load_body(path, "en.md", "en", problems)
    by_check = [p.format() for p in problems.errors]
    by_schema = list(validator("front-matter").iter_errors(as_editor_reads(front)))
    assert bool(by_check) == bool(by_schema), (front, by_check, [e.message for e in by_schema])


@pytest.mark.parametrize(("rel", "edit"), [
    ("protocol_src/calculators/ganciclovir-iv.yaml", ("status: draft", "status: final")),
    ("protocol_src/calculators/ganciclovir-iv.yaml", ("status: draft", "status: approved")),
    ("protocol_src/calculators/ganciclovir-iv.yaml", ("\nvectors:", "\nvector:")),
    ("protocol_src/calculators/ganciclovir-iv.yaml", ("drugs: [ganciclovir]", "drugs: ganciclovir")),
    ("protocol_src/calculators/ganciclovir-iv.yaml", ("    type: choice", "    type: list")),
    ("protocol_src/glossary.yaml", ("    drug: true", "    drug: sometimes")),
    ("protocol_src/glossary.yaml", ("    nl: Intraveneus immunoglobuline\n", "")),
    ("site_config/drugs.yaml", ("  [aciclovir, acyclovir", "  [Aciclovir, acyclovir")),
    ("site_config/drugs.yaml", ("\nnl:\n", "\nfr:\n")),
    ("site_config/taxonomy.yaml", ("    nl: Hematologie\n", "")),
    ("site_config/ui.yaml", ("  nl: Versie\n", "")),
    ("site_config/ui.yaml", ('    nl: "Bron"\n', "")),
    ("site_config/languages/nl.yaml", ("times_suffixes: [maal]\n", "")),
    ("site_config/languages/id.yaml", ("{count: 1, before:", "{count: 0, before:")),
    ("site_config/site.yaml", ("    default: true\n", "")),
])
def test_schema_and_check_agree_on_broken_settings(make_project: ProjectFactory, rel: str,
                                                   edit: tuple[str, str]) -> None:
    root = make_project(seeds=True)
    shutil.copytree(REPO / "protocol_src/calculators", root / "protocol_src/calculators",
                    dirs_exist_ok=True)
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(edit[0]) >= 1, edit
    path.write_text(text.replace(edit[0], edit[1], 1), encoding="utf-8")
    assert schema_errors(path, rel), "the schema misses it"
    assert rel in {p.path for p in pipeline.check(root).errors}, "check misses it"
