"""End-to-end: `protocols build` on the seed protocols, read back as HTML."""

from __future__ import annotations

import hashlib
import posixpath
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import pipeline
from generator.cli import main
from generator.sources.problems import SourceError

from .conftest import SITE_LANGUAGES, ProjectFactory

LANGS = SITE_LANGUAGES
PROTOCOLS = {"cmv-icu": "nl", "cmv-recurrent-anemia": "id"}
CAPTIONS = {"en": "Document control", "nl": "Documentbeheer", "id": "Kendali dokumen"}


class Page(HTMLParser):
    """The few facts of a built page that the tests look at."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.html_lang = ""
        self.alternates: dict[str, str] = {}
        self.resources: list[str] = []
        self.doc_control: dict[str, str] = {}
        self.caption = ""
        self._in_caption = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.html_lang = a.get("lang", "")
        if tag == "a" and "hreflang" in a:
            self.alternates[a["hreflang"]] = a["href"]
        if tag in ("script", "img", "iframe", "source") and "src" in a:
            self.resources.append(a["src"])
        if tag == "link" and a.get("rel") in ("stylesheet", "preload", "icon", "manifest"):
            self.resources.append(a["href"])
        if tag == "table" and "doc-control" in a.get("class", ""):
            self.doc_control = a
        if tag == "caption" and self.doc_control and not self.caption:
            self._in_caption = True

    def handle_data(self, data: str) -> None:
        if self._in_caption:
            self.caption += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False


def page_file(site: Path, lang: str, pid: str) -> Path:
    prefix = "" if lang == "en" else f"{lang}/"
    return site / f"{prefix}protocols/{pid}/index.html"


def tree_digest(path: Path) -> dict[str, str]:
    return {p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def built(seed_build: Path) -> Path:
    return seed_build / "site"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("pid", sorted(PROTOCOLS))
def test_protocol_page(built: Path, lang: str, pid: str) -> None:
    page = Page(page_file(built, lang, pid).read_text(encoding="utf-8"))
    assert page.html_lang == lang
    assert page.caption == CAPTIONS[lang]
    assert page.doc_control["data-protocol"] == pid
    expected_kind = ("original" if PROTOCOLS[pid] == lang
                     else "translation" if lang == "en" else "fallback")
    assert page.doc_control["data-page-kind"] == expected_kind


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("pid", sorted(PROTOCOLS))
def test_switcher_stays_on_the_protocol(built: Path, lang: str, pid: str) -> None:
    path = page_file(built, lang, pid)
    page = Page(path.read_text(encoding="utf-8"))
    assert sorted(page.alternates) == sorted(LANGS)
    for other, href in page.alternates.items():
        here = path.parent.relative_to(built).as_posix()
        target = posixpath.normpath(posixpath.join(here, href))
        assert built / target / "index.html" == page_file(built, other, pid)


def test_no_resource_comes_from_outside_the_site(built: Path) -> None:
    for html_file in built.rglob("*.html"):
        for url in Page(html_file.read_text(encoding="utf-8")).resources:
            assert "//" not in url.split("?")[0], f"{html_file}: loads {url}"
    for css in built.rglob("*.css"):
        assert "fonts.googleapis" not in css.read_text(encoding="utf-8")


def test_fallback_page_says_why(built: Path) -> None:
    text = page_file(built, "nl", "cmv-recurrent-anemia").read_text(encoding="utf-8")
    assert "Dit protocol is nog niet in het Nederlands vertaald." in text
    assert '<div lang="en">' in text


def test_failed_build_leaves_output_untouched(make_project: ProjectFactory) -> None:
    root = make_project(seeds=True)
    out = root / "site"
    pipeline.build(root, out)
    before, content_before = tree_digest(out), tree_digest(root / "content")
    body = root / "protocol_src/protocols/cmv-icu/nl.md"
    body.write_text(body.read_text(encoding="utf-8") + "\nZie [[bestaat-niet]].\n",
                    encoding="utf-8")
    with pytest.raises(SourceError):
        pipeline.build(root, out)
    assert tree_digest(out) == before
    assert tree_digest(root / "content") == content_before


def test_failed_engine_stage_leaves_output_untouched(make_project: ProjectFactory) -> None:
    root = make_project(seeds=True)
    out = root / "site"
    pipeline.build(root, out)
    before = tree_digest(out)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "\nnot_an_option: 1\n",
                      encoding="utf-8")
    with pytest.raises(SourceError) as failure:
        pipeline.build(root, out)
    assert any("not_an_option" in p.message for p in failure.value.problems)
    assert tree_digest(out) == before
    assert not [p for p in out.parent.iterdir() if p.name.startswith(".site.")]


def test_cli_build_reports_and_exits(make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(seeds=True)
    monkeypatch.chdir(root)
    body = root / "protocol_src/protocols/cmv-icu/en.md"
    body.write_text(body.read_text(encoding="utf-8").replace("title:", "titel:"), encoding="utf-8")
    assert main(["build", "--out", "public"]) == 1
    err = capsys.readouterr().err
    assert "protocol_src/protocols/cmv-icu/en.md:2: error: unknown front matter key 'titel'" in err
    assert not (root / "public").exists()


def test_quoted_source_text_never_becomes_a_link(built: Path) -> None:
    # The phone-app artefact "[10.000](tel:...)" the cmv-icu import removed is named in a
    # comment of its protocol.yaml, for editors; readers see neither it nor a link.
    text = page_file(built, "nl", "cmv-icu").read_text(encoding="utf-8")
    assert "tel:+3110000" not in text
    for html_file in built.rglob("*.html"):
        page = html_file.read_text(encoding="utf-8")
        assert 'href="tel:' not in page and 'href="mailto:' not in page, html_file
