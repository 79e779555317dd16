"""The languages build in parallel processes; the result is the sequential build's, byte for byte."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from generator import pipeline
from generator.engine import mkdocs_site
from generator.engine.fsutil import write_tree

from .conftest import MINIMAL_YAML, SITE_LANGUAGES, ProjectFactory

P = "protocol_src/protocols"


def _tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file()}


# Pagefind writes the languages of its entry file in a random (hash map) order: two runs
# over the same site differ in that order alone, so that one file is compared as data.
UNORDERED_JSON = "pagefind/pagefind-entry.json"


def _same(name: str, a: bytes | None, b: bytes | None) -> bool:
    if name == UNORDERED_JSON and a is not None and b is not None:
        return bool(json.loads(a) == json.loads(b))
    return a == b


def _differences(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(name for name in a.keys() | b.keys() if not _same(name, a.get(name), b.get(name)))


@pytest.fixture(scope="module")
def three_builds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, bytes]]:
    """The seed site plus protocols linking each other, built three ways from one docs folder."""
    from .conftest import copy_seed_project, write_files

    root = copy_seed_project(tmp_path_factory.mktemp("parallel") / "project")
    for n in range(6):
        pid = f"extra-{n}"
        links = f"[[extra-{(n + 1) % 6}]] [[cmv-icu#diagnosis]]"
        write_files(root, {f"{P}/{pid}/protocol.yaml": MINIMAL_YAML.format(id=pid),
                           **{f"{P}/{pid}/{lang}.md":
                              f"---\ntitle: Extra {n} {lang}\n"
                              + ("" if lang == "en" else 'translation_of_version: "1.0"\n')
                              + f"---\n\n## Dosing {{#dosing}}\n\nText {links}.\n"
                              for lang in SITE_LANGUAGES}})
    loaded = pipeline.load(root)
    assert not loaded.problems.errors, loaded.problems.sorted()
    write_tree(pipeline.render(loaded, date(2026, 1, 1), include_unpublished=False),
               root / "docs")
    site = loaded.project.site
    builds = {}
    for name, run in (("parallel", lambda out: mkdocs_site.build(root, site, root / "docs", out,
                                                                 jobs=3)),
                      ("sequential", lambda out: mkdocs_site.build(root, site, root / "docs", out,
                                                                   jobs=1)),
                      ("classic", lambda out: mkdocs_site.build_classic(root, site, root / "docs",
                                                                        out))):
        out = root / name
        assert run(out) == []
        builds[name] = _tree(out)
    return builds


def test_parallel_build_is_byte_identical_to_sequential(
        three_builds: dict[str, dict[str, bytes]]) -> None:
    parallel, sequential = three_builds["parallel"], three_builds["sequential"]
    assert len(parallel) > 100
    assert any(name.startswith("nl/protocols/") for name in parallel)
    assert any(name.startswith("pagefind/") for name in parallel)
    assert _differences(parallel, sequential) == []


def test_parallel_build_matches_mkdocs_static_i18n_own_build(
        three_builds: dict[str, dict[str, bytes]]) -> None:
    """Every page and asset is the one mkdocs-static-i18n's single-process build writes.

    Two deliberate differences, both site-wide files every language's build writes:
    - 404.html: in the plugin's own build each language overwrites it in turn, so the
      last language (Indonesian) wins; here it is the default language's. Pagefind
      indexes that page, so its index differs too.
    - sitemap.xml: the plugin's last build lists every language's pages; here the
      default language's build lists its pages, each with its alternates in the other
      languages, so every page is still in it.
    """
    parallel, classic = three_builds["parallel"], three_builds["classic"]
    site_wide = {"404.html", "sitemap.xml", "sitemap.xml.gz"}
    assert [name for name in _differences(parallel, classic)
            if name not in site_wide and not name.startswith("pagefind/")] == []
    lang = re.search(rb'<html lang="([a-z]+)"', parallel["404.html"])
    assert lang is not None and lang.group(1) == b"en"
    assert b'<html lang="id"' in classic["404.html"]
    # (the home page is "./" as a <loc> and "" as an alternate)
    listed = {loc.removesuffix(b"./")
              for loc in re.findall(rb"<loc>(.*?)</loc>", classic["sitemap.xml"])}
    alternates = set(re.findall(rb'hreflang="[a-z]+" href="(.*?)"', parallel["sitemap.xml"]))
    assert len(listed) > 60 and alternates == listed


def test_a_failing_language_fails_the_build_and_leaves_no_parts(
        make_project: ProjectFactory) -> None:
    root = make_project({f"{P}/acme/protocol.yaml": MINIMAL_YAML.format(id="acme"),
                         f"{P}/acme/en.md": "---\ntitle: Acme\n---\n\nText.\n"})
    loaded = pipeline.load(root)
    files = pipeline.render(loaded, date(2026, 1, 1), include_unpublished=False)
    # A broken link on the Dutch page only: MkDocs (strict) must fail the whole build.
    files["nl/protocols/acme.md"] = str(files["nl/protocols/acme.md"]) + "\n[x](missing.md)\n"
    write_tree(files, root / "docs")
    problems = mkdocs_site.build(root, loaded.project.site, root / "docs", root / "out", jobs=3)
    assert [problem.message for problem in problems] == [
        "MkDocs: Doc file 'nl/protocols/acme.md' contains a link 'missing.md', "
        "but the target 'nl/protocols/missing.md' is not found among documentation files."]
    assert sorted(path.name for path in root.iterdir() if path.name.startswith("out")) == []


def test_a_page_gets_no_abbreviation_or_link_of_the_page_before(
        make_project: ProjectFactory) -> None:
    """Each build reuses one Markdown converter, reset between pages: an abbreviation or
    a link reference defined on one page does not reach the next."""
    root = make_project({f"{P}/{pid}/{name}": text for pid in ("aaa", "zzz") for name, text in {
        "protocol.yaml": MINIMAL_YAML.format(id=pid),
        "en.md": f"---\ntitle: {pid}\n---\n\nText.\n"}.items()})
    loaded = pipeline.load(root)
    files = pipeline.render(loaded, date(2026, 1, 1), include_unpublished=False)
    for pid in ("aaa", "zzz"):
        files[f"en/protocols/{pid}.md"] = (str(files[f"en/protocols/{pid}.md"])
                                          + "\n\nQZX and [the ref][r].\n")
    files["en/protocols/aaa.md"] = (str(files["en/protocols/aaa.md"])
                                    + "\n*[QZX]: Quux zeta\n\n[r]: https://example.org/\n")
    write_tree(files, root / "docs")
    assert mkdocs_site.build(root, loaded.project.site, root / "docs", root / "out", jobs=1) == []
    defined = (root / "out/protocols/aaa/index.html").read_text(encoding="utf-8")
    undefined = (root / "out/protocols/zzz/index.html").read_text(encoding="utf-8")
    assert '<abbr title="Quux zeta">QZX</abbr>' in defined and "https://example.org/" in defined
    assert "Quux zeta" not in undefined and "https://example.org/" not in undefined
    assert "[the ref][r]" in undefined


def test_anchors_in_raw_html_are_checked_as_mkdocs_checks_them(
        make_project: ProjectFactory) -> None:
    """MkDocs' anchor check with the deferred parse of raw HTML (the pipeline's build)
    finds what its own build finds: an anchor only in a page's raw HTML is there, one
    that is nowhere is reported, with the same message."""
    root = make_project({f"{P}/{pid}/{name}": text for pid in ("aaa", "zzz") for name, text in {
        "protocol.yaml": MINIMAL_YAML.format(id=pid),
        "en.md": f"---\ntitle: {pid}\n---\n\nText.\n"}.items()})
    loaded = pipeline.load(root)
    files = pipeline.render(loaded, date(2026, 1, 1), include_unpublished=False)
    files["en/protocols/aaa.md"] = (str(files["en/protocols/aaa.md"])
                                    + '\n<div class="x" id="only-raw">Raw.</div>\n\n'
                                    + "Text <span id=\"inline-raw\">inline</span>.\n")
    site = loaded.project.site
    results = {}
    for links in ("[a](aaa.md#only-raw) [b](aaa.md#inline-raw) [c](#top)",
                  "[a](aaa.md#only-raw) [d](aaa.md#nowhere)"):
        files["en/protocols/zzz.md"] = str(files["en/protocols/zzz.md"]) + f"\n\n{links}\n"
        write_tree(files, root / "docs")
        results[links] = (mkdocs_site.build(root, site, root / "docs", root / "ours", jobs=1),
                          mkdocs_site.build_classic(root, site, root / "docs", root / "theirs"))
    (ours_good, theirs_good), (ours_bad, theirs_bad) = results.values()
    assert ours_good == theirs_good == []
    assert [problem.message for problem in ours_bad] == [
        problem.message for problem in theirs_bad] == [
        "MkDocs: Doc file 'en/protocols/zzz.md' contains a link 'aaa.md#nowhere', "
        "but the doc 'en/protocols/aaa.md' does not contain an anchor '#nowhere'."]


def test_raw_html_is_parsed_only_for_an_anchor_not_among_the_markdown_ids() -> None:
    parsed: list[str] = []

    class Parser:
        present_anchor_ids = {"raw"}

        def feed(self, text: str) -> None:
            parsed.append(text)

        def close(self) -> None:
            pass

    ids = {"heading"} | mkdocs_site._AnchorIds(frozenset(), "<p id=raw>", Parser)
    assert "heading" in ids and parsed == []
    assert "raw" in ids and "missing" not in ids and parsed == ["<p id=raw>"]
    assert sorted(ids) == ["heading", "raw"] and parsed == ["<p id=raw>"]


def test_pages_outside_the_nav_share_its_rendering_by_folder() -> None:
    from types import SimpleNamespace as Item

    home, a_to_z = Item(url=""), Item(url="indexes/a-z/")
    nav = Item(items=[home, Item(title="Indexes", url=None, children=[a_to_z])],
               pages=[home, a_to_z])
    config = {"extra": {}, "theme": {"logo": None}}

    def key(page: object) -> str | None:
        return mkdocs_site.nav_key(page, nav, config)

    assert key(Item(url="protocols/cmv-icu/")) == key(Item(url="protocols/acme/")) == "protocols"
    assert key(Item(url="indexes/a-z--2/")) == "indexes"
    assert key(home) is None and key(a_to_z) is None  # in the nav: each its own
    assert key(Item(url="indexes/")) is None  # a nav link points under it
    with_logo = {"extra": {}, "theme": {"logo": "assets/logo.svg"}}
    assert mkdocs_site.nav_key(Item(url="assets/"), nav, with_logo) is None
    assert mkdocs_site.folder_key(Item(url="nl/protocols/acme/"), ["pagefind/"]) == "nl/protocols"
    assert mkdocs_site.folder_key(Item(url="nl/"), ["pagefind/"]) == ""
    assert mkdocs_site.folder_key(Item(url="pagefind/"), ["pagefind/"]) is None
