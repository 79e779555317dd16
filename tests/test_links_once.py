"""Issue 16: links are resolved once. Each body is parsed once into a language-neutral form
(sources/syntax.py), checked once (checks/links.py), and each reader language only fills in
labels, hrefs and widgets; the form keeps every character and leaves code alone."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from generator import pipeline
from generator.checks import links as link_checks
from generator.sources import prose, syntax
from generator.sources.model import Body

from .conftest import SITE_LANGUAGES, ProjectFactory, minimal_protocol

TODAY = date(2026, 1, 1)


def _count_parses(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    parses: Counter[str] = Counter()
    parse = syntax.parse

    def counted(body: Body) -> syntax.BodySyntax:
        parses[body.path] += 1
        return parse(body)

    monkeypatch.setattr(syntax, "parse", counted)
    return parses


def _bodies(loaded: pipeline.Loaded) -> set[str]:
    return {body.path for protocol in loaded.project.protocols.values()
            for body in protocol.bodies.values()}


def test_each_body_is_parsed_once_per_build_not_once_per_reader_language(
        make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    # The seeds link to each other, cite, and are shown by fallback in languages they lack.
    root = make_project(minimal_protocol("extra", "Extra"), seeds=True)
    parses = _count_parses(monkeypatch)
    checks = Counter[str]()
    check = link_checks.check_links

    def counted_check(project: object, protocol: object, calculators: frozenset[str]) -> object:
        checks[protocol.id] += 1  # type: ignore[attr-defined]
        return check(project, protocol, calculators)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "check_links", counted_check)
    loaded = pipeline.load(root)
    files = pipeline.render(loaded, TODAY, include_unpublished=True)
    assert len(SITE_LANGUAGES) > 1 and sum(name.endswith("/protocols/extra.md")
                                           for name in files) == len(SITE_LANGUAGES)
    assert parses == Counter(dict.fromkeys(_bodies(loaded), 1))
    assert checks == Counter(dict.fromkeys(loaded.project.protocols, 1))


def test_rendering_reports_nothing_the_check_has_not(make_project: ProjectFactory) -> None:
    """The check is the only place a link is judged: a body the check passed renders
    every link, citation and widget, in every reader language."""
    root = make_project(seeds=True)
    loaded = pipeline.load(root)
    assert not loaded.problems.errors
    files = pipeline.render(loaded, TODAY, include_unpublished=True)
    pages = [text for name, text in files.items() if "/protocols/" in name]
    assert pages and not any(isinstance(text, str) and ("[[" in text or "[@" in text)
                             for text in pages)


FRAGMENTS = ["[[a]]", "[[a#h]]", "[[a#h|label]]", "[[ b ]]", "[@r]", "[@r", "[[calc:c]]",
             "[[", "]]", "[", "]", "`", "``", "`[[a]]`", "`` [@r] ``", "#", "|", "@", " ", "x",
             "\t", "[[a|[@r]]]", "[@[[a]]]"]
LINES = ["```", "~~~", "   ```", "[[calc:c]]", "  [[calc:c]]  ", "[[calc:]]", ""]


def _body(text: str) -> Body:
    return Body(lang="en", path="en.md", title="T", summary=None, aliases=(),
                translation_of_version=None, text=text, first_line=5, headings=())


def _raw(line: str | syntax.Line) -> str:
    if isinstance(line, str):
        return line
    pieces = [part if isinstance(part, str)
              else "".join(p if isinstance(p, str) else p.raw for p in part.pieces)
              for part in line.parts]
    return line.text if line.calc is not None else "".join(pieces)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.lists(st.sampled_from(FRAGMENTS), max_size=6).map("".join),
                          st.sampled_from(LINES)), max_size=12))
@example(["```", "[[a]] `[[b]]` [@r]", "```", "[[a]] `[[b]]` [@r]"])
def test_the_parsed_form_keeps_every_character_and_leaves_code_alone(lines: list[str]) -> None:
    body = _body("\n".join(lines))
    parsed = syntax.parse(body)
    assert "\n".join(_raw(line) for line in parsed.lines) == body.text
    code = {number for number, _, is_code in prose.body_lines(body) if is_code}
    for line in parsed.lines:
        if isinstance(line, syntax.Line):
            assert line.number not in code and line.number >= body.first_line
            spans = [part for part in line.parts if isinstance(part, str)]
            assert all(re.fullmatch(r"(`+).+?\1", span) for span in spans)
    for number, piece in parsed.references():
        assert number not in code
        pattern = syntax.LINK if isinstance(piece, syntax.Link) else syntax.CITATION
        assert pattern.fullmatch(piece.raw)


def test_the_form_is_language_neutral_and_kept_with_the_body() -> None:
    body = _body("See [[a#h|the dose]] and [@r].\n\n[[calc:c]]\n`[[not]]`")
    first = body.syntax
    assert body.syntax is first  # parsed once, whoever asks
    assert [(n, p) for n, p in first.references()] == [
        (5, syntax.Link("a", "h", "the dose", "[[a#h|the dose]]")),
        (5, syntax.Citation("r", "[@r]"))]
    assert [line.calc for line in first.lines if isinstance(line, syntax.Line)] == [None, "c", None]


def test_the_check_reports_in_the_order_written(make_project: ProjectFactory) -> None:
    body = ("---\ntitle: A\n---\n\n## Dose {#dose}\n\n"
            "[@nope] [[ghost]] `[[code]]` [[acme#none]] text [[calc:x]] [@r2]\n\n"
            "[[calc:missing]]\n")
    root = make_project({**minimal_protocol("acme", "A"),
                         "protocol_src/protocols/acme/en.md": body})
    problems = [p.format() for p in pipeline.load(root).problems.items
                if p.path.endswith("en.md")]
    at = "protocol_src/protocols/acme/en.md"
    assert problems == [
        f"{at}:7: error: link to unknown protocol 'ghost'",
        f"{at}:7: error: citation of unknown reference 'nope' "
        "(hint: declare it under 'references' in protocol.yaml)",
        f"{at}:7: error: a calculator must stand on a line of its own "
        "(hint: put [[calc:id]] alone on its line, with blank lines around it)",
        f"{at}:7: error: link to unknown heading 'none' in protocol 'acme' "
        "(hint: headings of acme: dose)",
        f"{at}:7: error: link to unknown protocol 'calc:x'",
        f"{at}:7: error: citation of unknown reference 'r2' "
        "(hint: declare it under 'references' in protocol.yaml)",
        f"{at}:9: error: unknown calculator 'missing' (hint: known calculators: none)",
    ]


def test_a_body_shown_by_fallback_gets_labels_in_each_readers_language(
        make_project: ProjectFactory) -> None:
    """One parse serves every reader: the same English body links to a protocol whose
    title differs per language."""
    target = {**minimal_protocol("target", "Target"),
              "protocol_src/protocols/target/nl.md":
                  "---\ntitle: Doel\ntranslation_of_version: \"1.0\"\n---\n\n"
                  "## Dosering {#dosing}\n\nTekst.\n"}
    source = minimal_protocol("source", "Source")
    source["protocol_src/protocols/source/en.md"] = source[
        "protocol_src/protocols/source/en.md"].replace(
        "Text.", "See [[target]] and [[target#dosing]].")
    root = make_project({**target, **source})
    loaded = pipeline.load(root)
    assert not loaded.problems.errors, loaded.problems.errors
    files = pipeline.render(loaded, TODAY, include_unpublished=True)
    assert "See [Target](target.md) and [Target: Dosing](target.md#dosing)." \
        in str(files["en/protocols/source.md"])
    assert "See [Doel](target.md) and [Doel: Dosering](target.md#dosing)." \
        in str(files["nl/protocols/source.md"])
