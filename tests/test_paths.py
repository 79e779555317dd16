"""pages/paths.py owns where a page lives and how pages link; nothing else in generator/ does.

The links are checked the way a reader's browser and MkDocs follow them: a Markdown link
resolved against the linking page's file in ``content/``, a URL resolved against the page's
address (inside a release folder, under a base path), so a link that is off by one ``../``
fails here rather than on a ward.
"""

from __future__ import annotations

import ast
import posixpath
import re
from pathlib import Path
from urllib.parse import urljoin

from hypothesis import given
from hypothesis import strategies as st

from generator.pages import paths
from generator.sources.model import ID_PATTERN

PACKAGE = Path(__file__).resolve().parent.parent / "generator"
SITE = "https://hospital.example/protocols/"  # served under a base path
RELEASE = "2026-12-01"

# --- the property ----------------------------------------------------------------------------

LANGS = st.from_regex(r"\A[a-z]{2,3}(-[a-z]{2})?\Z")
# An id "index" is left out: MkDocs serves protocols/index.md at protocols/, which no rule
# here accounts for (see the expected failure below).
IDS = st.from_regex(ID_PATTERN).filter(lambda name: name != "index")
NAMES = st.one_of(IDS, st.builds(paths.page_name, IDS, st.integers(1, 50)))
# (folder, name) of a page of each kind; None is the language's root, where home lives.
PAGES = st.one_of(st.just((None, paths.HOME)),
                  st.tuples(st.sampled_from(paths.FOLDERS), NAMES))


@st.composite
def sites(draw: st.DrawFn) -> tuple[str, str]:
    """A reader's language and the site's default: the same (no URL prefix) or not."""
    lang = draw(LANGS)
    default = draw(st.one_of(st.just(lang), LANGS))
    return lang, default


def served_at(content: str, default: str) -> str:
    """What MkDocs makes of a ``content/`` path: mkdocs-static-i18n's folder structure (the
    default language at the root), and directory URLs (``x.md`` -> ``x/``, ``index.md`` -> ``./``)."""
    lang, rest = content.split("/", 1)
    rest = rest.removesuffix(".md")
    rest = rest.removesuffix("index") if rest == "index" or rest.endswith("/index") else rest + "/"
    return rest if lang == default else f"{lang}/{rest}"


@given(sites(), PAGES, PAGES)
def test_a_markdown_link_lands_on_the_page_it_names(site: tuple[str, str],
                                                    here: tuple[str | None, str],
                                                    there: tuple[str | None, str]) -> None:
    lang, _ = site
    source = paths.content_path(lang, *here)
    href = paths.link(here[0], *there)
    assert posixpath.normpath(posixpath.join(posixpath.dirname(source), href)) \
        == paths.content_path(lang, *there)


@given(sites(), PAGES, PAGES)
def test_urls_land_on_the_site_root_and_on_each_page(site: tuple[str, str],
                                                     here: tuple[str | None, str],
                                                     there: tuple[str | None, str]) -> None:
    lang, default = site
    url = paths.url(lang, *here, default)
    assert url == served_at(paths.content_path(lang, *here), default)
    root = SITE + RELEASE + "/"
    assert urljoin(root + url, paths.to_site_root(url)) == root
    target = paths.url(lang, *there, default)
    assert urljoin(root + url, paths.url_link(here[0], *there)) == root + target
    if here[0] is not None:
        assert paths.folder_to_site_root(lang, default) == paths.to_site_root(url)
    assert paths.built_url(url + paths.DIRECTORY_INDEX) == url


@given(sites(), LANGS, PAGES, PAGES, st.sampled_from(["latest", "2025-01-02", "r1"]))
def test_links_across_languages_and_releases(site: tuple[str, str], other: str,
                                            here: tuple[str | None, str],
                                            there: tuple[str | None, str],
                                            release: str) -> None:
    lang, default = site
    url, target = paths.url(lang, *here, default), paths.url(other, *there, default)
    root = SITE + RELEASE + "/"
    assert urljoin(root + url, paths.url_between(url, target)) == root + target
    file = target.rstrip("/") or "404.html"  # a file, not a folder: nl/protocols, or 404.html
    assert urljoin(root + url, paths.url_between(url, file)) == root + file
    assert urljoin(root + url, paths.in_release(url, release, target)) \
        == f"{SITE}{release}/{target}"


def test_a_page_named_index_would_not_be_served_where_its_url_says_so_no_id_may_be_index(
        ) -> None:
    # MkDocs serves <folder>/index.md as the folder's own page, at <folder>/.
    content = paths.protocol_path("nl", "index")
    assert paths.protocol_url("nl", "index", "en") != served_at(content, "en")
    assert ID_PATTERN.fullmatch("index") is None
    assert ID_PATTERN.fullmatch("index-1") and ID_PATTERN.fullmatch("reindex")


def test_the_layout_mkdocs_static_i18n_reads() -> None:
    # Pinned by name, because the property tests hold for any consistent layout.
    assert paths.protocol_path("nl", "sepsis") == "nl/protocols/sepsis.md"
    assert paths.calculator_path("id", "crcl") == "id/calculators/crcl.md"
    assert paths.index_path("en", "a-z") == "en/indexes/a-z.md"
    assert paths.referenced_by_path("en", "x") == "en/referenced-by/x.md"
    assert paths.history_path("nl", "x") == "nl/history/x.md"
    assert paths.home_path("nl") == "nl/index.md"
    assert paths.page_file("en/indexes/a-z", 1) == "en/indexes/a-z.md"
    assert paths.page_file("en/indexes/a-z", 3) == "en/indexes/a-z--3.md"
    # The shortest link, as the golden files show it.
    assert paths.link(paths.PROTOCOLS_DIR, paths.PROTOCOLS_DIR, "x") == "x.md"
    assert paths.link(paths.INDEX_DIR, paths.PROTOCOLS_DIR, "x") == "../protocols/x.md"
    assert paths.link(None, paths.INDEX_DIR, "a-z") == "indexes/a-z.md"
    assert paths.protocol_url("nl", "x", "en") == "nl/protocols/x/"
    assert paths.protocol_url("en", "x", "en") == "protocols/x/"
    assert paths.url("en", None, paths.HOME, "en") == ""
    assert paths.built_url("404.html") == "404.html"


# --- the guard -------------------------------------------------------------------------------

# A page folder followed by "/", a way up, or a page's file: how a page path or link is spelt.
PAGE_LITERAL = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, paths.FOLDERS))
                          + r")/|\.\./|(?<![\w-])index\.md|/index\.html")
# Inside pages/, where every link is to a generated page, a ".md" is a page's file too.
PAGE_FILE = re.compile(r"\.md\b")
OWNER = "pages/paths.py"
# (module, literal): page-folder spellings elsewhere that are not about generated pages.
EXCEPTIONS = {
    # The source tree, not the site: where a calculator spec is read from.
    ("checks/validate.py", "calculators live in protocol_src/calculators/<id>.yaml"),
    # The source tree: from a new protocol's folder to the published schema.
    ("sources/scaffold.py", "# yaml-language-server: $schema=../../../schemas/protocol.schema.json\n"),
}
SKIPPED: set[str] = set()


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are documentation: a bare string statement."""
    return {id(node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}


def page_literals(source: str, in_pages: bool = False) -> list[tuple[int, str]]:
    """``(line, text)`` of each string constant or f-string part that spells a page path."""
    tree = ast.parse(source)
    documentation = _docstrings(tree)
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in documentation
            and (PAGE_LITERAL.search(node.value)
                 or (in_pages and PAGE_FILE.search(node.value)))]


def test_only_the_paths_module_spells_page_paths() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        if module == OWNER or module in SKIPPED:
            continue
        source = path.read_text(encoding="utf-8")
        found += [f"generator/{module}:{line}: {text!r}"
                  for line, text in page_literals(source, module.startswith("pages/"))
                  if (module, text) not in EXCEPTIONS]
    assert not found, ("page folders and links belong in generator/pages/paths.py "
                       "(or name the exception in EXCEPTIONS with why):\n" + "\n".join(found))


def test_the_guard_sees_literals_and_f_strings_but_not_comments() -> None:
    source = '''"""Module doc: <lang>/protocols/<id>.md."""
# a comment: ../protocols/x.md
def f(pid):
    """Doc: ../../"""
    a = f"[x](../protocols/{pid}.md)"
    b = "calculators/" + pid
    c = "../" * 2
    d = f"{pid}/index.md"
    e = f"{pid}.md"
    return a, b, c, d, e, "protocol_src", "my-history/x", "indexes", ".mdx"
'''
    assert [line for line, _ in page_literals(source)] == [5, 6, 7, 8]
    assert sorted({line for line, _ in page_literals(source, in_pages=True)}) == [5, 6, 7, 8, 9]


def test_every_exception_is_still_needed() -> None:
    for module, text in EXCEPTIONS:
        source = (PACKAGE / module).read_text(encoding="utf-8")
        assert text in [found for _, found in page_literals(source)], (module, text)
