"""The whole pipeline, top to bottom: load → validate → resolve → render → write → build.

Each stage collects problems; a stage that finds errors stops the pipeline
before anything on disk is touched.
"""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from .calculators import CalculatorSpec, check_vectors, load_calculators
from .checks.lint import drug_names, lint_protocol
from .checks.numbers import check_protocol_numbers
from .checks.sanitize import check_protocol_bodies
from .checks.validate import validate
from .engine import mkdocs_site, workers
from .engine.fsutil import (
    JOURNAL,
    check_output,
    clean_leftovers,
    recover,
    staging_dir,
    swap_all,
    sync_tree,
    write_tree,
)
from .pages.calculator_pages import protocol_widget, render_calculator_pages, spec_files
from .pages.history import render_history
from .pages.render import PageCache, RenderOptions, published, render_site
from .pages.transforms import Context, resolve
from .sources.config import load_site_config
from .sources.drift import drift_of
from .sources.glossary import load_glossary
from .sources.languages import install as install_words
from .sources.languages import load_words
from .sources.load import PROTOCOLS_DIR, load_protocol, protocol_folders
from .sources.model import Project, Protocol
from .sources.problems import Problem, Problems, SourceError
from .sources.releases import ReleaseLog
from .sources.scaffold import TEMPLATE_FILE, check_placeholders, load_templates

CONTENT_DIR = "content"
CALCULATORS_DIR = "protocol_src/calculators"
ASSETS = ("protocols.css", "calculator.css", "calculator.js", "print.js", "search.css", "search.js",
          "releases.js", "offline.js")


@dataclass(frozen=True)
class Loaded:
    project: Project
    calculators: frozenset[str]
    problems: Problems


def load(root: Path, cache: PreviewCache | None = None) -> Loaded:
    """Stages 1-3 for every source: all problems of the project, in one run.

    With a ``cache`` (live preview), protocols whose files did not change since the
    last call are not read or checked again (see :class:`PreviewCache`).
    """
    problems = Problems()
    site = load_site_config(root, problems)
    if site is None:
        raise SourceError(problems.sorted())
    if cache is not None:
        cache.refresh(root)
    glossary = load_glossary(root, site.codes, problems)
    specs = _load_calculators(root, problems) if cache is None else cache.calculators(root, problems)
    drugs = drug_names(site, glossary, specs.values())
    if cache is None:
        protocols = {}
        names = [folder.name for folder in protocol_folders(root, problems)]
        for protocol, found in read_and_check(root, names, site.codes, drugs):
            problems.extend(found)
            if protocol is not None:
                protocols[protocol.id] = protocol
    else:
        protocols = cache.load_protocols(root, site.codes, problems, drugs)
    project = Project(root=str(root), site=site, protocols=protocols, glossary=glossary,
                      calculators=specs)
    calculators = frozenset(specs)
    validate(project, set(calculators), problems)
    if (root / TEMPLATE_FILE).is_file():
        check_placeholders(project, load_templates(root, site.codes, problems), problems)
    if cache is None:
        for protocol in protocols.values():
            problems.extend(_link_problems(project, protocol, calculators))
    else:
        problems.extend(cache.link_problems(project, calculators))
    return Loaded(project, calculators, problems)


def _link_problems(project: Project, protocol: Protocol,
                   calculators: frozenset[str]) -> list[Problem]:
    """The problems of resolving each body of ``protocol`` (links, citations, widgets)."""
    found = Problems()
    for lang, body in protocol.bodies.items():
        resolve(Context(project, protocol, body, lang, found, set(calculators)))
    return found.items


# From this many protocols on, a second process reads and checks half of them (loading
# 1,000 took 2.2 s instead of 2.9); below, starting it costs more than it saves.
PARALLEL_FROM = 200


def read_and_check(root: Path, names: list[str], languages: tuple[str, ...],
                   drugs: frozenset[str] = frozenset()
                   ) -> list[tuple[Protocol | None, list[Problem]]]:
    """Each protocol folder in ``names`` read and checked on its own (:func:`check_protocol`):
    the protocol, if it could be read, and its problems, in the order of ``names``."""
    if len(names) < PARALLEL_FROM or (os.cpu_count() or 1) < 2:
        return _read_and_check(root, names, languages, drugs)
    half = len(names) // 2
    with workers.pool(1) as running:
        later = running.apply_async(_read_and_check_elsewhere, (root, names[half:], languages, drugs))
        return _read_and_check(root, names[:half], languages, drugs) + later.get()


def _read_and_check_elsewhere(root: Path, names: list[str], languages: tuple[str, ...],
                              drugs: frozenset[str]) -> list[tuple[Protocol | None, list[Problem]]]:
    """:func:`_read_and_check` in a new process, which first reads the languages' words."""
    install_words(load_words(root, languages, Problems()))
    return _read_and_check(root, names, languages, drugs)


def _read_and_check(root: Path, names: list[str], languages: tuple[str, ...],
                    drugs: frozenset[str] = frozenset()
                    ) -> list[tuple[Protocol | None, list[Problem]]]:
    results: list[tuple[Protocol | None, list[Problem]]] = []
    for name in names:
        found = Problems()
        protocol = load_protocol(root / PROTOCOLS_DIR / name, f"{PROTOCOLS_DIR}/{name}",
                                 languages, found)
        if protocol is not None:
            check_protocol(protocol, found, drugs)
        results.append((protocol, found.items))
    return results


def check_protocol(protocol: Protocol, problems: Problems,
                   drugs: frozenset[str] = frozenset()) -> None:
    """The checks that read one protocol (and the project's drug names) and nothing else."""
    check_protocol_numbers(protocol, problems)
    check_protocol_bodies(protocol, problems)
    lint_protocol(protocol, problems, drugs)


@dataclass
class PreviewCache:
    """The protocols of the last preview, reused while their folder's files are unchanged.

    A protocol, and the problems found in it alone (reading it, translation numbers,
    raw HTML, lint), depend only on its folder's files and on the project's settings.
    So a folder whose files are byte for byte the same is not read or checked again,
    and any change outside the protocol folders (settings, glossary, calculators,
    mkdocs.yml) empties the cache. Checks across protocols (links, relations) always run.
    """

    settings: dict[str, bytes] = field(default_factory=dict)
    folders: dict[str, tuple[dict[str, bytes], Protocol | None, list[Problem]]] = \
        field(default_factory=dict)
    specs: tuple[dict[str, CalculatorSpec], list[Problem]] | None = None
    targets: tuple[object, ...] = ()
    links: dict[str, tuple[Protocol, list[Problem]]] = field(default_factory=dict)
    pages: PageCache = field(default_factory=dict)
    written: dict[str, bytes] = field(default_factory=dict)  # content/ as last written

    def link_problems(self, project: Project, calculators: frozenset[str]) -> list[Problem]:
        """What resolving every body finds, again only for the protocols that changed.

        A body's link, citation and widget problems depend on its protocol and on what
        it may point at: the protocol ids, the headings of each original, the
        calculators. While those are the same, an unchanged protocol's problems are too.
        """
        targets = (tuple(sorted(calculators)),) + tuple(
            (pid, tuple(heading.id for heading in protocol.original.headings))
            for pid, protocol in sorted(project.protocols.items()))
        if targets != self.targets:
            self.targets, self.links = targets, {}
        links: dict[str, tuple[Protocol, list[Problem]]] = {}
        for pid, protocol in project.protocols.items():
            cached = self.links.get(pid)
            if cached is None or cached[0] is not protocol:
                cached = (protocol, _link_problems(project, protocol, calculators))
            links[pid] = cached
        self.links = links
        return [problem for _, found in links.values() for problem in found]

    def calculators(self, root: Path, problems: Problems) -> dict[str, CalculatorSpec]:
        """The calculator specs, loaded and proven by their vectors once per settings."""
        if self.specs is None:
            found = Problems()
            self.specs = (_load_calculators(root, found), found.items)
        problems.extend(self.specs[1])
        return self.specs[0]

    def refresh(self, root: Path) -> None:
        """Empty the cache if anything outside the protocol folders changed."""
        settings = _files(root, SETTINGS, skip=root / PROTOCOLS_DIR)
        if settings != self.settings:
            self.settings, self.folders, self.specs, self.links = settings, {}, None, {}
            self.pages = {}

    def load_protocols(self, root: Path, languages: tuple[str, ...], problems: Problems,
                       drugs: frozenset[str] = frozenset()) -> dict[str, Protocol]:
        protocols: dict[str, Protocol] = {}
        seen = {}
        for folder in protocol_folders(root, problems):
            files = _files(folder.parent, [folder.name])
            cached = self.folders.get(folder.name)
            if cached is None or cached[0] != files:
                cached = (files, *_read_and_check(root, [folder.name], languages, drugs)[0])
            seen[folder.name] = cached
            problems.extend(cached[2])
            if cached[1] is not None:
                protocols[cached[1].id] = cached[1]
        self.folders = seen
        return protocols


SETTINGS = ("site_config", "protocol_src", "mkdocs.yml")


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


def _load_calculators(root: Path, problems: Problems) -> dict[str, CalculatorSpec]:
    """Calculator specs, each proven by its own test vectors before anything uses it."""
    specs, found = load_calculators(root / CALCULATORS_DIR, CALCULATORS_DIR)
    problems.extend(found)
    for spec in specs.values():
        problems.extend(check_vectors(spec))
    return specs


def check(root: Path) -> Problems:
    try:
        return load(root).problems
    except SourceError as exc:
        problems = Problems()
        problems.extend(exc.problems)
        return problems


def render(loaded: Loaded, today: date, include_unpublished: bool,
           releases: ReleaseLog | None = None,
           cache: PreviewCache | None = None,
           history: Path | None = None) -> dict[str, str | bytes]:
    """Stage 4: every file of the generated docs folder (History pages from ``releases``).

    Translation drift is read from the git history of ``history`` (default: the project).
    """
    project = loaded.project

    @functools.cache  # a widget is the same on every page of its language
    def widget(calc_id: str, lang: str) -> str:
        return protocol_widget(project, project.calculators[calc_id], lang)

    options = RenderOptions(today=today, include_unpublished=include_unpublished,
                            calculators=loaded.calculators, render_calc=widget)
    drift = drift_of(history or Path(project.root), published(project, options))
    options = dataclasses.replace(options, drift=drift)
    problems = Problems()
    pages = cache.pages if cache is not None else None
    files: dict[str, str | bytes] = dict(render_site(project, options, problems, pages).files)
    for lang in project.site.codes:
        files.update(render_calculator_pages(project, published(project, options), lang))
    files.update(render_history(loaded.project, published(loaded.project, options),
                                releases or ReleaseLog()))
    if problems.errors:
        raise SourceError(problems.sorted())
    for name in ASSETS:
        files[f"assets/{name}"] = resources.files("generator.assets").joinpath(name).read_bytes()
    files.update(spec_files(project))
    return files


def _loaded_or_fail(root: Path, cache: PreviewCache | None = None) -> Loaded:
    loaded = load(root, cache)
    if loaded.problems.errors:
        raise SourceError(loaded.problems.sorted())
    return loaded


Progress = Callable[[str], None]


def silent(message: str) -> None:
    pass


def build(root: Path, out: Path, today: date | None = None,
          releases: ReleaseLog | None = None, progress: Progress = silent) -> Problems:
    """Check, generate ``content/`` and build the site into ``out``.

    Everything is built in staging folders; ``content/`` and ``out`` are swapped
    in only when the whole build succeeded, so a failure leaves both as they were.
    ``out`` must be a folder that only an earlier build can have written
    (:func:`~generator.engine.fsutil.check_output`).
    """
    check_output(root, out)
    tidy_after_crash(root, out)
    progress("loading and checking sources")
    loaded = _loaded_or_fail(root)
    progress(f"checked {len(loaded.project.protocols)} protocols; rendering")
    files = render(loaded, today or date.today(), include_unpublished=False, releases=releases)
    pages = sum(name.endswith(".md") for name in files)
    progress(f"rendered {pages} pages; building the site and its search index")
    content = root / CONTENT_DIR
    # Each tree is staged beside its target, so that every swap is a rename on one
    # file system even when ``out`` is on another one than the project.
    with staging_dir(content, "content") as content_staging, \
            staging_dir(out, "build") as staging:
        docs, site = content_staging / "docs", staging / "site"
        write_tree(files, docs)
        failures = mkdocs_site.build(root, loaded.project.site, docs, site)
        if failures:
            raise SourceError(failures)
        swap_all([(docs, content, False), (site, out, True)], root / JOURNAL)
    progress(f"built {pages} pages into {out}")
    return loaded.problems


def tidy_after_crash(root: Path, out: Path | None = None) -> None:
    """Finish or remove what a killed build left in the project and beside ``out``."""
    recover(root / JOURNAL)
    for target in (root / CONTENT_DIR, out):
        if target is not None:
            clean_leftovers(target)


def generate_preview(root: Path, today: date | None = None,
                     releases: ReleaseLog | None = None,
                     cache: PreviewCache | None = None) -> tuple[Loaded, list[str]]:
    """Write ``content/`` for live preview (drafts included); return the files that changed."""
    loaded = _loaded_or_fail(root, cache)
    files = render(loaded, today or date.today(), include_unpublished=True, releases=releases,
                   cache=cache)
    return loaded, sync_tree(files, root / CONTENT_DIR, cache.written if cache else None)
