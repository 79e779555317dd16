"""Stage 5, the only one that knows the engine: MkDocs + Material + mkdocs-static-i18n.

It adds the per-language plugin settings derived from ``site_config/`` to the
project's ``mkdocs.yml`` through MkDocs' documented ``load_config`` overrides,
and runs MkDocs' own build or serve. The parallel build sets the two attributes
mkdocs-static-i18n itself sets before building a language (``current_language``,
``building``), so each process builds one language as the plugin would, and
tests/test_parallel_build.py proves the result is the plugin's own build, byte for byte,
with two site-wide files documented there. Every engine internal a speed-up
relies on is listed, with its reason, guard test and switch, in :mod:`generator.engine.speedups`.
"""

from __future__ import annotations

import json
import logging
import os
import posixpath
import shutil
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from ..pages.indexes import nav_entries
from ..pages.paths import DIRECTORY_INDEX
from ..sources.model import SiteConfig
from ..sources.problems import Problem
from . import i18n_files, speedups
from .offline import write_retired_worker, write_worker
from .search import index_site
from .workers import run_all

CONFIG_FILE = "mkdocs.yml"


def plugin_settings(site: SiteConfig) -> list[Any]:
    languages = [
        {
            "locale": lang.code,
            "name": lang.name,
            "default": lang.default,
            "build": True,
            "site_name": site.site_name[lang.code],
            # Home and the index pages only: a nav of every protocol would be
            # repeated in every page and grow with the number of protocols.
            "nav": [{title: path} for title, path in nav_entries(site, lang.code)],
        }
        for lang in site.languages
    ]
    # No Material `search` plugin: its lunr index holds every language in one file
    # and has no Indonesian; Pagefind indexes the built site instead (generator/engine/search.py).
    return [
        {"i18n": {
            "docs_structure": "folder",
            # Every page exists in every language (the generator writes fallbacks
            # itself, with a notice), so the plugin never has to fall back.
            "fallback_to_default": False,
            "reconfigure_material": True,
            "reconfigure_search": False,
            "languages": languages,
        }},
    ]


def overrides(site: SiteConfig, docs_dir: Path, site_dir: Path | None) -> dict[str, Any]:
    result: dict[str, Any] = {"docs_dir": str(docs_dir), "plugins": plugin_settings(site),
                              # the sanitiser of page content (generator/engine/mkdocs_hooks.py)
                              "hooks": [str(Path(__file__).with_name("mkdocs_hooks.py"))]}
    if site_dir is not None:
        result["site_dir"] = str(site_dir)
    return result


def language_alternates(site: SiteConfig) -> list[dict[str, str]]:
    """The language selector's links, relative to the site root.

    mkdocs-static-i18n's own links are absolute (``/nl/``) on home pages, which
    leaves ``/RELEASE/`` in a versioned site; MkDocs' ``url`` filter turns these
    relative ones into links relative to each page, so they stay in the release.
    """
    return [{"name": lang.name, "lang": lang.code,
             "link": "./" if lang.default else f"{lang.code}/"} for lang in site.languages]


def configure_extra(config: Any, site: SiteConfig, versioned: bool,
                    release: str | None = None) -> None:
    """Settings for the theme, derived from site_config/ (merged into ``extra``)."""
    extra = config["extra"]
    extra["alternate"] = language_alternates(site)
    extra["protocols_ui"] = {key: site.ui[key] for key in THEME_STRINGS}
    # The footer (site_config/theme/partials/copyright.html) names the organisation and
    # the release, not the generator.
    extra["protocols_site"] = {"organisation": site.organisation, "release": release,
                               "name": site.site_name}
    if versioned:
        # Material's version selector reads mike's versions.json; a release that is
        # not `latest` shows the `outdated` block (site_config/theme/main.html).
        extra["version"] = {"provider": "mike", "default": "latest"}


THEME_STRINGS = ("release_outdated", "release_outdated_link", "release_outdated_print", "home_search",
                 "footer_release", "footer_unreleased", "stored_copy", "stored_copy_saved",
                 "language_current")


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _captured_mkdocs_log() -> Iterator[_Capture]:
    logger = logging.getLogger("mkdocs")
    handler = _Capture()
    logger.addHandler(handler)
    propagate = logger.propagate
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _load(root: Path, site: SiteConfig, docs_dir: Path, site_dir: Path, versioned: bool,
          strict: bool = True, release: str | None = None) -> Any:
    config = load_config(str(root / CONFIG_FILE), **overrides(site, docs_dir, site_dir))
    config["strict"] = strict
    configure_extra(config, site, versioned, release)
    return config


def _run(build_one: Callable[[], None]) -> list[str]:
    """Run one MkDocs build; return its warnings and errors as messages (strict: any fails)."""
    with _captured_mkdocs_log() as log:
        try:
            build_one()
            failure = None
        except MkDocsException as exc:
            failure = str(exc)
        except SystemExit as exc:  # MkDocs' config errors end in an Abort/SystemExit
            failure = f"MkDocs stopped: {exc}"
    if failure and not log.messages:
        return [failure]
    return log.messages


class _CompiledTemplates(jinja2.BytecodeCache):
    """The theme's templates compiled once per process, not once per build: the live
    preview builds again on every edit (a template whose source changed is compiled
    again: Jinja checks each one's checksum)."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        speedups.USED["compiled-templates"] += 1
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()


def _share_renderings(env: jinja2.Environment) -> None:
    """Render three partials of the header and sidebar once per folder of pages (or once
    per build), not once per page: the theme's navigation (:func:`nav_key`), its colour
    palette switch (settings only) and the search box (partials/pagefind.html: its
    strings and the link to the search bundle).

    Such a partial depends on the page only through links made relative to the page's
    URL (MkDocs' ``url`` filter) and, for the navigation, through the nav item that is
    the page or holds it. From ``D/a/`` and ``D/b/`` a link to a target under neither
    reads the same, so pages in one folder ``D`` that no link of the partial points under
    share its rendering (:func:`folder_key`); any other page renders its own. The
    parallel build's test compares every page with mkdocs-static-i18n's own build, made
    without this.
    """
    def share(name: str, key_of: Callable[[Any], str | None]) -> None:
        template = env.get_template(name)
        render = template.root_render_func
        shared: dict[str, str] = {}

        def root_render_func(context: Any) -> Iterator[str]:
            key = key_of(context)
            if key is None:
                yield from render(context)
                return
            if key in shared:
                speedups.USED["shared-renderings"] += 1
            else:
                shared[key] = "".join(render(context))
            yield shared[key]

        template.root_render_func = root_render_func

    share("partials/nav.html",
          lambda context: nav_key(context.get("page"), context.get("nav"), context.get("config")))
    share("partials/palette.html", lambda context: "")
    share("partials/pagefind.html", lambda context: folder_key(context.get("page"), ["pagefind/"]))


def folder_key(page: Any, targets: list[str]) -> str | None:
    """The folder of ``page`` if a partial linking to ``targets`` reads the same on every
    page of that folder (no target is under the page), else None."""
    if page is None or page.url is None or any(target.startswith(page.url)
                                                 for target in targets):
        return None
    return str(posixpath.dirname(page.url.rstrip("/")))


def nav_key(page: Any, nav: Any, config: Any) -> str | None:
    """The folder whose rendering of the nav ``page`` shares, or None: its own.

    The nav links to its items, the home page (``extra.homepage``) and the logo."""
    if page is None or nav is None or config is None:
        return None
    if any(item is page for item in nav.pages):
        return None
    targets = [item.url for item in _nav_items(nav.items)]
    targets += [str(url) for url in (config["extra"].get("homepage"), config["theme"].get("logo"))
                if url]
    return folder_key(page, targets)


def _nav_items(items: list[Any]) -> Iterator[Any]:
    for item in items:
        if getattr(item, "url", None) is not None:
            yield item
        yield from _nav_items(getattr(item, "children", None) or [])


@contextmanager
def _one_markdown_per_build() -> Iterator[None]:
    """MkDocs makes a new Python-Markdown converter for every page: its extensions loaded
    and its parser built again, a twentieth of each build. While this lasts, a page gets
    the converter of the previous page with the same settings, reset, which is how
    Python-Markdown is meant to be reused (``Markdown.reset``: every extension's state,
    the abbreviations and the table of contents included). MkDocs registers its own
    per-page processors on it by name, replacing the previous page's. The parallel
    build's test compares the site with mkdocs-static-i18n's own build, made without it.
    """
    from mkdocs.structure import pages

    engine = getattr(pages, "markdown")  # noqa: B009 (not exported: mypy)
    made: dict[tuple[int, int], Any] = {}

    class Reused:
        def __getattr__(self, name: str) -> Any:
            return getattr(engine, name)

        @staticmethod
        def Markdown(*, extensions: Any, extension_configs: Any) -> Any:
            key = (id(extensions), id(extension_configs))
            speedups.USED["one-markdown"] += 1
            if key not in made:
                made[key] = engine.Markdown(extensions=extensions,
                                            extension_configs=extension_configs)
            return made[key].reset()

    setattr(pages, "markdown", Reused())  # noqa: B010
    try:
        yield
    finally:
        setattr(pages, "markdown", engine)  # noqa: B010


class _AnchorIds(AbstractSet[str]):
    """A page's anchor ids for MkDocs' anchor check: the ids of its Markdown (``tree``)
    and those of its raw HTML, which MkDocs finds by parsing the page's whole text with
    its own HTML parser. Here that parse waits until the check asks for an anchor that
    is not in ``tree``: the ids are the same, and most pages are never parsed."""

    def __init__(self, tree: AbstractSet[str], text: str, parser: Callable[[], Any]) -> None:
        self.tree, self.text, self.parser = tree, text, parser
        self._raw: set[str] | None = None

    def raw(self) -> set[str]:
        if self._raw is None:
            parser = self.parser()
            parser.feed(self.text)
            parser.close()
            self._raw = parser.present_anchor_ids
        return self._raw

    def __contains__(self, anchor: object) -> bool:
        return anchor in self.tree or anchor in self.raw()

    def __iter__(self) -> Iterator[str]:
        return iter(set(self.tree) | self.raw())

    def __len__(self) -> int:
        return len(set(self.tree) | self.raw())

    def __ror__(self, tree: Any) -> _AnchorIds:
        # MkDocs' `tree_ids | raw_html_ids`: the union, still unparsed.
        return _AnchorIds(set(tree) | set(self.tree), self.text, self.parser)


@contextmanager
def _raw_html_parsed_when_needed() -> Iterator[None]:
    """MkDocs parses every page's text for the ids in its raw HTML, only to check links
    to anchors: a twentieth of each build. While this lasts, its preprocessor keeps the
    text and :class:`_AnchorIds` parses it, with MkDocs' own parser, the first time a
    link's anchor is not among the page's Markdown ids (tests/test_parallel_build.py)."""
    from mkdocs.structure import pages

    original = pages._RawHTMLPreprocessor

    class Deferred(original):  # type: ignore[misc,valid-type]
        def run(self, lines: list[str]) -> list[str]:
            speedups.USED["anchors-when-needed"] += 1
            self.present_anchor_ids = _AnchorIds(frozenset(), "\n".join(lines),
                                                 pages._HTMLHandler)
            return lines

    setattr(pages, "_RawHTMLPreprocessor", Deferred)  # noqa: B010
    try:
        yield
    finally:
        setattr(pages, "_RawHTMLPreprocessor", original)  # noqa: B010


def build_language(root: Path, site: SiteConfig, docs_dir: Path, site_dir: Path,
                   versioned: bool, lang: str, dirty: bool = False, strict: bool = True,
                   serve_url: str | None = None, release: str | None = None) -> list[str]:
    """Build the pages of one language into ``site_dir``, exactly as mkdocs-static-i18n's
    own build of that language would.

    The plugin builds the default language and then, from its ``on_post_build``, each
    other language in turn, with its ``current_language`` set and ``building`` raised so
    it does not recurse. This sets the same two attributes before MkDocs' build, so one
    process builds one language; the theme's shared files (assets, 404.html) are
    written by every language and kept from the default one (see :func:`build`).
    """
    def build_one() -> None:
        config = _load(root, site, docs_dir, site_dir, versioned, strict, release)
        if serve_url is not None:
            config["site_url"] = serve_url
        i18n = config.plugins["i18n"]
        i18n.current_language = lang
        i18n.building = True
        _speed_up_templates(config.theme)
        if dirty:
            # 404.html and sitemap.xml do not change with an edit; rebuilt, they would
            # become this language's (the site's are the default language's: see build).
            config.theme.static_templates = set()
        with ExitStack() as stack:
            for name, patch in (("i18n-files", i18n_files.patched),
                                ("one-markdown", _one_markdown_per_build),
                                ("anchors-when-needed", _raw_html_parsed_when_needed)):
                if speedups.is_on(name):
                    stack.enter_context(patch())
            mkdocs_build(config, serve_url=serve_url, dirty=dirty)

    return _run(build_one)


def _speed_up_templates(theme: Any) -> None:
    """The theme's environment with its templates compiled once per process and three
    partials rendered once per folder (each a switchable speed-up)."""
    compiled, shared = speedups.is_on("compiled-templates"), speedups.is_on("shared-renderings")
    if not (compiled or shared):
        return
    make_env = theme.get_env

    def get_env() -> jinja2.Environment:
        env: jinja2.Environment = make_env()
        if compiled:
            env.bytecode_cache = COMPILED_TEMPLATES
        if shared:
            _share_renderings(env)
        return env

    theme.get_env = get_env


def _problems(messages: list[str]) -> list[Problem]:
    return [Problem(CONFIG_FILE, 1, f"MkDocs: {message}") for message in messages]


def build(root: Path, site: SiteConfig, docs_dir: Path, site_dir: Path,
          versioned: bool = False, jobs: int | None = None, strict: bool = True,
          serve_url: str | None = None, release: str | None = None) -> list[Problem]:
    """Build the site, one process per language, then index it for search.

    Each language is built into a folder of its own; the default language's folder
    becomes the site and every other language contributes its ``<lang>/`` subtree.
    ``jobs=1`` builds the languages one after another in this process (the same
    steps, for comparison and for machines with one core).
    """
    if not speedups.is_on("language-processes"):
        return build_classic(root, site, docs_dir, site_dir, versioned, strict, serve_url)
    langs = [lang.code for lang in site.languages]  # the default language first
    default = next(lang.code for lang in site.languages if lang.default)
    parts = {lang: site_dir.with_name(f"{site_dir.name}.{lang}") for lang in langs}
    arguments = [(root, site, docs_dir, parts[lang], versioned, lang, False, strict, serve_url,
                  release) for lang in langs]
    try:
        # One process per language even on two cores: the languages take about as long
        # each, so three at once finish together instead of the third running alone.
        workers = min(jobs or len(langs), len(langs)) if (os.cpu_count() or 1) > 1 else 1
        if workers == 1:
            results = [build_language(*args) for args in arguments]
        else:
            results = run_all(build_language, arguments, workers)
        problems = _problems([message for messages in results for message in messages])
        if problems and strict:
            return problems
        parts[default].rename(site_dir)
        for lang in langs:
            if lang != default:
                parts[lang].joinpath(lang).rename(site_dir / lang)
        if versioned:
            write_page_list(site_dir)
    finally:
        for part in parts.values():
            shutil.rmtree(part, ignore_errors=True)
    return problems + _finish(site_dir, site, offline=serve_url is None)


PAGE_LIST = "pages.json"


def write_page_list(site_dir: Path) -> None:
    """Every page of a release, as paths from its root (``nl/protocols/x/``).

    The version selector and the superseded-release bar (assets/releases.js) read the
    target release's list to keep the reader on the same page where it exists there.
    """
    pages = sorted(path.parent.relative_to(site_dir).as_posix() + "/"
                   for path in site_dir.rglob(DIRECTORY_INDEX))
    listing = [page.removeprefix("./") for page in pages]
    (site_dir / PAGE_LIST).write_text(json.dumps(listing, separators=(",", ":")) + "\n",
                                      encoding="utf-8")


def build_classic(root: Path, site: SiteConfig, docs_dir: Path, site_dir: Path,
                  versioned: bool = False, strict: bool = True,
                  serve_url: str | None = None) -> list[Problem]:
    """mkdocs-static-i18n's own build: every language in one process, one after another.

    The build with the speed-up ``language-processes`` off; the tests compare the two.
    """
    def build_all() -> None:
        config = _load(root, site, docs_dir, site_dir, versioned, strict)
        if serve_url is not None:
            config["site_url"] = serve_url
        mkdocs_build(config, serve_url=serve_url)

    problems = _problems(_run(build_all))
    if problems and strict:
        return problems
    return problems + _finish(site_dir, site, offline=serve_url is None)


def _finish(site_dir: Path, site: SiteConfig, offline: bool) -> list[Problem]:
    """After MkDocs: the search index, then the offline worker, whose build identity covers
    the index too (for the live preview, the worker that removes a stored copy)."""
    problems = index_site(site_dir)
    if not offline:
        write_retired_worker(site_dir)
    elif not problems:
        write_worker(site_dir, list(site.codes), site.default_language)
    return problems
