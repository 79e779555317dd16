"""Live preview reuses unchanged protocols and pages; what it loads and generates is what a
fresh load and render give."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from generator import pipeline, preview
from generator.checks import links
from generator.pages import render
from generator.sources import syntax
from generator.sources.problems import Problem, SourceError

from .conftest import SITE_LANGUAGES, ProjectFactory, minimal_protocol

P = "protocol_src/protocols"
TODAY = date(2026, 1, 1)


def _outcome(root: Path, cache: preview.PreviewCache | None) -> tuple[list[Problem], dict]:
    """The problems and, if the sources build, every generated file."""
    try:
        loaded = pipeline.load(root, cache)
    except SourceError as exc:
        return sorted(set(exc.problems)), {}
    problems = loaded.problems.sorted()
    if loaded.problems.errors:
        return problems, {}
    try:
        if cache is None:
            return problems, pipeline.render(loaded, TODAY, include_unpublished=True)
        return problems, preview.render(loaded, TODAY, cache)
    except SourceError as exc:
        return sorted(set(exc.problems)), {}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_preview_cache_gives_a_fresh_load_after_every_kind_of_edit(
        make_project: ProjectFactory) -> None:
    root = make_project(minimal_protocol("extra", "Extra"), seeds=True)
    nl = root / P / "cmv-icu/nl.md"
    edits: list[tuple[str, Callable[[], None]]] = [
        ("title of a body", lambda: _edit(nl, "title: CMV op de IC", "title: CMV op de ICU")),
        ("a number only in the translation",
         lambda: _edit(root / P / "cmv-icu/en.md", "\n## ", "\nGive 37 mg.\n\n## ")),
        ("the number fixed", lambda: _edit(root / P / "cmv-icu/en.md", "Give 37 mg.\n", "")),
        ("document control", lambda: _edit(root / P / "extra/protocol.yaml",
                                           "owner: Infectious Diseases", "owner: ICU")),
        ("a link to a protocol that goes away",
         lambda: _edit(root / P / "extra/en.md", "Text.", "Text. [[cmv-recurrent-anemia]]")),
        ("the linked protocol removed",
         lambda: shutil.rmtree(root / P / "cmv-recurrent-anemia")),
        ("the link removed", lambda: _edit(root / P / "extra/en.md",
                                           " [[cmv-recurrent-anemia]]", "")),
        ("a site setting", lambda: _append(root / "site_config/site.yaml", "# edited\n")),
        ("the glossary", lambda: _append(root / "protocol_src/glossary.yaml", "# edited\n")),
        ("a new protocol", lambda: shutil.copytree(root / P / "extra", root / P / "extra-two")),
        ("its id fixed", lambda: _edit(root / P / "extra-two/protocol.yaml",
                                       "id: extra", "id: extra-two")),
    ]
    cache = preview.PreviewCache()
    assert _outcome(root, cache) == _outcome(root, None)
    outcomes = []
    for name, edit in edits:
        edit()
        cached, fresh = _outcome(root, cache), _outcome(root, None)
        assert cached == fresh, name
        outcomes.append((name, bool(fresh[1]), len(fresh[0])))
    # The sequence went through failing and passing states, so both paths were compared.
    assert {built for _, built, _ in outcomes} == {True, False}, outcomes


def test_preview_cache_reuses_unchanged_protocols_and_pages(make_project: ProjectFactory) -> None:
    root = make_project({**minimal_protocol("one", "One"), **minimal_protocol("two", "Two")})
    cache = preview.PreviewCache()
    first = pipeline.load(root, cache)
    preview.render(first, TODAY, cache)
    pages = dict(cache.pages)
    _edit(root / P / "two/en.md", "Text.", "Text, changed.")
    second = pipeline.load(root, cache)
    preview.render(second, TODAY, cache)
    assert second.project.protocols["one"] is first.project.protocols["one"]
    assert second.project.protocols["two"] is not first.project.protocols["two"]
    # "one" and "two" do not link to each other: only the pages of "two" are rendered again.
    assert cache.pages[("nl", "one")] is pages[("nl", "one")]
    assert cache.pages[("nl", "two")] is not pages[("nl", "two")]
    assert "Text, changed." in cache.pages[("en", "two")][1]


def test_preview_cache_sees_an_edit_with_a_relative_root(make_project: ProjectFactory,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The project given as a relative path (the API allows it): an edit is still seen."""
    root = make_project(minimal_protocol("one", "One"))
    monkeypatch.chdir(root)
    cache = preview.PreviewCache()
    first = pipeline.load(Path("."), cache)
    _edit(root / P / "one/en.md", "Text.", "Text, changed.")
    second = pipeline.load(Path("."), cache)
    assert second.project.protocols["one"] is not first.project.protocols["one"]
    assert "Text, changed." in second.project.protocols["one"].bodies["en"].text


def test_sources_read_in_two_processes_are_those_read_in_one(
        make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Large projects are read and checked in two processes: the same protocols and
    problems, in the same order, as in one."""
    root = make_project({**minimal_protocol("one", "One"), **minimal_protocol("two", "Two"),
                         f"{P}/bad/protocol.yaml": "id: bad\nversion: [\n",
                         f"{P}/three/protocol.yaml": "id: three\n"}, seeds=True)
    names = sorted(path.name for path in (root / P).iterdir())
    assert len(names) >= 5
    one = pipeline._read_and_check(root, names, SITE_LANGUAGES)
    alone = pipeline.load(root)
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 2)
    two = pipeline.read_and_check(root, names, SITE_LANGUAGES)
    assert two == one
    assert any(found for _, found in one) and sum(p is not None for p, _ in one) >= 4
    together = pipeline.load(root)
    assert together.problems.items == alone.problems.items
    assert together.project == alone.project


def _linked_pair(make_project: ProjectFactory) -> Path:
    """"source" shows "target" three ways: a link, a link to a heading, and as related."""
    target = minimal_protocol("target", "Target")
    source = minimal_protocol("source", "Source")
    body = f"{P}/source/en.md"
    source[body] = source[body].replace("Text.", "See [[target]] and [[target#dosing]].")
    return make_project({**target, **source})


def _copy_protocol(root: Path, pid: str, new: str) -> None:
    shutil.copytree(root / P / pid, root / P / new)
    _edit(root / P / new / "protocol.yaml", f"id: {pid}", f"id: {new}")


def _preview(root: Path, cache: preview.PreviewCache) -> dict[str, str | bytes]:
    return preview.render(pipeline.load(root, cache), TODAY, cache)


@pytest.mark.parametrize(("edit", "shown"), [
    (lambda root: _edit(root / P / "target/en.md", "title: Target", "title: Renamed"),
     "See [Renamed](target.md) and [Renamed: Dosing](target.md#dosing)."),
    (lambda root: _edit(root / P / "target/en.md", "## Dosing {#dosing}", "## Doses {#dosing}"),
     "[Target: Doses](target.md#dosing)"),
    (lambda root: _copy_protocol(root, "source", "third"), "third"),
], ids=["target retitled", "target's heading renamed", "a new protocol links to target"])
def test_a_cached_page_is_rendered_again_when_something_it_shows_changed(
        make_project: ProjectFactory, edit: Callable[[Path], None], shown: str) -> None:
    """The page of "source" does not change itself; what it shows of others does."""
    root = _linked_pair(make_project)
    cache = preview.PreviewCache()
    before = _preview(root, cache)
    edit(root)
    after = _preview(root, cache)
    fresh = pipeline.render(pipeline.load(root), TODAY, include_unpublished=True)
    for lang in SITE_LANGUAGES:
        page = f"{lang}/protocols/target.md" if shown == "third" else f"{lang}/protocols/source.md"
        assert after[page] == fresh[page] != before[page], (lang, page)
        assert shown in str(after[page])


def test_an_unchanged_protocol_is_not_read_parsed_checked_or_rendered_again(
        make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project({**minimal_protocol("one", "One"), **minimal_protocol("two", "Two")})
    calls: dict[str, list[str]] = {"read": [], "parse": [], "check": [], "render": []}

    def counted(name: str, function: Callable[..., object],
                key: Callable[..., str]) -> Callable[..., object]:
        def call(*args: object) -> object:
            calls[name].append(key(*args))
            return function(*args)
        return call

    monkeypatch.setattr(pipeline, "read_and_check",
                        counted("read", pipeline.read_and_check, lambda _, names, *__: names[0]))
    monkeypatch.setattr(syntax, "parse", counted("parse", syntax.parse, lambda body: body.path))
    monkeypatch.setattr(preview, "check_links",
                        counted("check", links.check_links, lambda _, protocol, __: protocol.id))
    monkeypatch.setattr(preview, "render_protocol", counted(
        "render", render.render_protocol, lambda _, protocol, lang, *__: f"{protocol.id}/{lang}"))
    cache = preview.PreviewCache()
    _preview(root, cache)
    assert sorted(calls["check"]) == ["one", "two"]
    for found in calls.values():
        found.clear()
    _edit(root / P / "two/en.md", "Text.", "Text, changed.")
    _preview(root, cache)
    assert calls == {"read": ["two"], "parse": [f"{P}/two/en.md"], "check": ["two"],
                     "render": [f"two/{lang}" for lang in SITE_LANGUAGES]}
