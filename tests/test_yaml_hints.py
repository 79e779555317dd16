"""YAML mistakes editors make get a hint in words, at the right line, in every YAML source."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator import pipeline
from generator.sources.yamlhints import quoted
from generator.sources.yamlpos import load_yaml

from .conftest import MINIMAL_BODY, MINIMAL_YAML, ProjectFactory

P = "protocol_src/protocols/acme"
COLON = "a value that holds ': ' must be quoted, e.g. "
TAB = "a tab character: YAML indents with spaces only; replace the tab with spaces"


def _body_problems(make_project: ProjectFactory, front_matter: str) -> list[str]:
    root = make_project({f"{P}/protocol.yaml": MINIMAL_YAML.format(id="acme"),
                         f"{P}/nl.md": f"---\n{front_matter}---\n\n## A {{#a}}\n",
                         f"{P}/en.md": MINIMAL_BODY.format(title="Acme")})
    return [p.format() for p in pipeline.check(root).errors if p.path.endswith("nl.md")]


@pytest.mark.parametrize(("front_matter", "expected"), [
    ("title: Sepsis: eerste uur\n",
     "2: error: invalid YAML: mapping values are not allowed here "
     f"(hint: {COLON}title: \"Sepsis: eerste uur\")"),
    ('title: Sepsis\nsummary: Let op: "vroeg" starten\n',
     "3: error: invalid YAML: mapping values are not allowed here "
     f"(hint: {COLON}summary: 'Let op: \"vroeg\" starten')"),
    ("title: Sepsis\n\tsummary: x\n",
     f"3: error: invalid YAML: found character '\\t' that cannot start any token (hint: {TAB})"),
    ('title: "Sepsis\nsummary: x\n',
     "3: error: invalid YAML: found unexpected end of stream (hint: the quote opened on line 2 "
     "is never closed: end the value with the same quote mark)"),
    ("title: Sepsis\n- eerste uur\n",
     "3: error: invalid YAML: expected <block end>, but found '-' (hint: a list item ('- ') "
     "where a key or a single value belongs: indent the list under its key (key:, then "
     "'  - item' on the next lines), or write one value)"),
    ("title: Sepsis\n  summary: x\n",
     "3: error: invalid YAML: mapping values are not allowed here (hint: this line is "
     "indented more than the key above it: line up the keys of one mapping)"),
    ("title: 'it's'\n",
     "2: error: invalid YAML: expected <block end>, but found '<scalar>' (hint: text after a "
     "closing quote: a quoted value ends at its quote; quote the whole value with the other "
     "kind of quote mark, e.g. \"it's\")"),
    ("title: `Sepsis`\n",
     "2: error: invalid YAML: found character '`' that cannot start any token (hint: YAML "
     "reads '`' at the start of a value as markup: put the whole value in quotes)"),
    ("title: Sepsis\naliases: [sepsis, eerste uur\n",
     "3: error: invalid YAML: expected ',' or ']', but got '<stream end>' (hint: the '[' "
     "opened on line 3 is not closed: end it with ']' on the same line, or put the whole "
     "value in quotes)"),
    ("title Sepsis\nsummary: x\n",
     "3: error: invalid YAML: mapping values are not allowed here (hint: the line above has "
     "no ': ' after its key, so YAML reads it and this line as one text: write 'key: value')"),
    ("title: Sepsis\nsummary x\n",
     "3: error: invalid YAML: could not find expected ':' (hint: line 3 has no ': ' after its "
     "key: write 'key: value', with a space after the colon)"),
    ("title:Sepsis\n",
     "1: error: front matter must be a mapping with at least 'title' (hint: write a space "
     "after each key's colon, e.g. 'title: Sepsis')"),
])
def test_front_matter_yaml_errors_have_hints(make_project: ProjectFactory, front_matter: str,
                                             expected: str) -> None:
    assert _body_problems(make_project, front_matter) == [f"{P}/nl.md:{expected}"]


def test_protocol_yaml_colon_hint_names_the_key(make_project: ProjectFactory) -> None:
    text = MINIMAL_YAML.format(id="acme").replace("owner: Infectious Diseases",
                                                  "owner: IC: Dr. Jansen")
    root = make_project({f"{P}/protocol.yaml": text,
                         f"{P}/en.md": MINIMAL_BODY.format(title="Acme")})
    assert [p.format() for p in pipeline.check(root).errors] == [
        f"{P}/protocol.yaml:5: error: invalid YAML: mapping values are not allowed here "
        f"(hint: {COLON}owner: \"IC: Dr. Jansen\")"]


def test_a_changelog_note_with_a_colon_names_its_own_key() -> None:
    text = 'changelog:\n  - version: "1.1"\n    note: Dosis: 5 mg\n'
    _, problems = load_yaml(text, "p.yaml")
    assert [p.hint for p in problems] == [f'{COLON}note: "Dosis: 5 mg"']


VALUE = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30)


@settings(max_examples=300, deadline=None)
@given(before=VALUE, after=VALUE)
@example(before="C:\\temp", after='say "x"')
@example(before="it's", after='"x"')
@example(before="Sepsis", after="eerste uur")
def test_the_colon_hint_is_valid_yaml_for_the_value(before: str, after: str) -> None:
    """Typing the suggested line gives the value the editor wrote."""
    value = f"{before.strip()}: {after.strip()}"
    _, problems = load_yaml(f"title: {value}\n", "x.md")
    if not problems or "mapping values are not allowed" not in problems[0].message:
        return  # the value was valid YAML, or failed for another reason first
    hint = problems[0].hint or ""
    assert hint.startswith(COLON)
    suggestion = hint.removeprefix(COLON)
    assert yaml.safe_load(suggestion) == {"title": value.strip()}


@given(VALUE)
def test_quoted_round_trips(value: str) -> None:
    assert yaml.safe_load(f"k: {quoted(value)}") == {"k": value}


LIST_HINT = "takes one value, not a list: write it on the line of '{key}:' without '- ' " \
            "(quote it if it holds ': ')"


@pytest.mark.parametrize(("front_matter", "expected"), [
    ("title:\n  - Sepsis\n", "2: error: front matter needs a 'title' "
     f"(hint: title {LIST_HINT.format(key='title')})"),
    ("title: Sepsis\nsummary:\n  - Eerste uur\n", "3: error: summary must be one text "
     f"(hint: summary {LIST_HINT.format(key='summary')})"),
    ("title:\n  Sepsis: eerste uur\n", "2: error: front matter needs a 'title' (hint: title "
     "takes one value, but YAML read a 'key: value' in it: put the whole value in quotes)"),
])
def test_a_list_where_one_value_belongs(make_project: ProjectFactory, front_matter: str,
                                        expected: str) -> None:
    assert _body_problems(make_project, front_matter) == [f"{P}/nl.md:{expected}"]


def test_owner_as_a_list_has_a_hint(make_project: ProjectFactory) -> None:
    text = MINIMAL_YAML.format(id="acme").replace("owner: Infectious Diseases",
                                                  "owner:\n  - Intensive care")
    root = make_project({f"{P}/protocol.yaml": text,
                         f"{P}/en.md": MINIMAL_BODY.format(title="Acme")})
    assert [p.format() for p in pipeline.check(root).errors] == [
        f"{P}/protocol.yaml:5: error: owner must be text, or null when the source does not "
        f"record it (hint: owner {LIST_HINT.format(key='owner')})"]
