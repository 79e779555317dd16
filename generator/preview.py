"""What the live preview keeps between two rebuilds, and when each kept thing is still valid.

``protocols serve`` regenerates ``content/`` after every edit; a thousand protocols are too
many to read, check and render again each time. What is kept, and its rule:

- settings (``site_config/``, ``protocol_src/`` outside the protocol folders, ``mkdocs.yml``):
  their bytes; any change empties everything below, since every page shows them;
- calculator specs and their vectors' problems: until the settings change;
- each protocol folder's protocol and the problems found in it alone: while its files are
  byte for byte the same (an unchanged protocol is the very object of the last preview);
- each protocol's link problems: while it is the same object and what links may name (the
  protocol ids, each original's heading ids, the calculators) is the same;
- each protocol page: while :func:`~generator.pages.render.page_inputs` is equal;
- ``content/`` as last written: only changed files are written again.

MkDocs' live-reloading server, which builds the changed pages, is ``engine/preview.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import pipeline
from .calculators import CalculatorSpec
from .checks.links import check_links
from .engine.fsutil import sync_tree
from .pages.graph import LinkGraph
from .pages.render import RenderOptions, page_inputs, render_protocol
from .sources.load import PROTOCOLS_DIR, protocol_folders
from .sources.model import Project, Protocol
from .sources.problems import Problem, Problems
from .sources.releases import ReleaseLog

SETTINGS = ("site_config", "protocol_src", "mkdocs.yml")

Page = tuple[tuple[object, ...], str]
"""What a protocol page was rendered from (:func:`page_inputs`), and its Markdown."""


@dataclass
class PreviewCache:
    """Everything the preview keeps; see the module's docstring for when each is valid."""

    settings: dict[str, bytes] = field(default_factory=dict)
    folders: dict[str, tuple[dict[str, bytes], Protocol | None, list[Problem]]] = \
        field(default_factory=dict)
    specs: tuple[dict[str, CalculatorSpec], list[Problem]] | None = None
    targets: tuple[object, ...] = ()
    links: dict[str, tuple[Protocol, list[Problem]]] = field(default_factory=dict)
    pages: dict[tuple[str, str], Page] = field(default_factory=dict)
    rendering: dict[tuple[str, str], Page] = field(default_factory=dict)
    written: dict[str, bytes] = field(default_factory=dict)  # content/ as last written

    def refresh(self, root: Path) -> None:
        """Empty the cache if anything outside the protocol folders changed."""
        settings = _files(root, SETTINGS, skip=root / PROTOCOLS_DIR)
        if settings != self.settings:
            self.settings, self.folders, self.specs, self.links = settings, {}, None, {}
            self.pages = {}

    def calculators(self, root: Path, problems: Problems) -> dict[str, CalculatorSpec]:
        """The calculator specs, loaded and proven by their vectors once per settings."""
        if self.specs is None:
            found = Problems()
            self.specs = (pipeline.load_checked_calculators(root, found), found.items)
        problems.extend(self.specs[1])
        return self.specs[0]

    def load_protocols(self, root: Path, languages: tuple[str, ...], problems: Problems,
                       drugs: frozenset[str]) -> dict[str, Protocol]:
        """Every protocol, read and checked again only where its folder's files changed."""
        protocols: dict[str, Protocol] = {}
        seen = {}
        for folder in protocol_folders(root, problems):
            files = _files(folder.parent, [folder.name])
            cached = self.folders.get(folder.name)
            if cached is None or cached[0] != files:
                cached = (files, *pipeline.read_and_check(root, [folder.name], languages,
                                                          drugs)[0])
            seen[folder.name] = cached
            problems.extend(cached[2])
            if cached[1] is not None:
                protocols[cached[1].id] = cached[1]
        self.folders = seen
        return protocols

    def link_problems(self, project: Project, calculators: frozenset[str]) -> list[Problem]:
        """Every body's link, citation and widget problems, checked again only for the
        protocols that changed, or for all when what a link may name changed."""
        targets = (tuple(sorted(calculators)),) + tuple(
            (pid, tuple(heading.id for heading in protocol.original.headings))
            for pid, protocol in sorted(project.protocols.items()))
        if targets != self.targets:
            self.targets, self.links = targets, {}
        links: dict[str, tuple[Protocol, list[Problem]]] = {}
        for pid, protocol in project.protocols.items():
            cached = self.links.get(pid)
            if cached is None or cached[0] is not protocol:
                cached = (protocol, check_links(project, protocol, calculators))
            links[pid] = cached
        self.links = links
        return [problem for _, found in links.values() for problem in found]

    def protocol_page(self, project: Project, protocol: Protocol, lang: str,
                      options: RenderOptions, graph: LinkGraph) -> str:
        """The page as last rendered while everything it shows is the same, else rendered."""
        key = (lang, protocol.id)
        inputs = page_inputs(project, protocol, options, graph)
        page = self.pages.get(key)
        if page is None or page[0] != inputs:
            page = (inputs, render_protocol(project, protocol, lang, options, graph))
        self.rendering[key] = page
        return page[1]


def render(loaded: pipeline.Loaded, today: date, cache: PreviewCache,
           releases: ReleaseLog | None = None) -> dict[str, str | bytes]:
    """Every generated file, drafts included, reusing the pages that did not change."""
    cache.rendering = {}
    files = pipeline.render(loaded, today, include_unpublished=True, releases=releases,
                            protocol_page=cache.protocol_page)
    cache.pages, cache.rendering = cache.rendering, {}  # pages of removed protocols go
    return files


def generate(root: Path, cache: PreviewCache, today: date | None = None,
             releases: ReleaseLog | None = None) -> tuple[pipeline.Loaded, list[str]]:
    """Write ``content/`` for the preview; return the loaded project and the changed files."""
    loaded = pipeline.loaded_or_fail(root, cache)
    files = render(loaded, today or date.today(), cache, releases)
    return loaded, sync_tree(files, root / pipeline.CONTENT_DIR, cache.written)


def _files(root: Path, names: Iterable[str | Path], skip: Path | None = None) -> dict[str, bytes]:
    """Every file under ``names`` (relative to ``root``) and its bytes, except under ``skip``."""
    found: dict[str, bytes] = {}
    for name in names:
        path = root / name
        if path.is_file():
            found[str(path.relative_to(root))] = path.read_bytes()
        for folder, dirs, files in os.walk(path):
            if skip is not None and Path(folder) == skip:
                dirs.clear()
                continue
            for file in files:
                full = Path(folder, file)
                found[str(full.relative_to(root))] = full.read_bytes()
    return found
