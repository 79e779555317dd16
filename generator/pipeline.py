"""The whole pipeline, top to bottom: read → check → resolve → render → engine.

:func:`load` reads and checks (stages 1-2, with the links of stage 3 checked once),
:func:`render` resolves and renders every page (3-4), :func:`build` writes ``content/`` and
hands it to the engine (5). docs/architecture.md maps each stage to its folder.

Each stage collects problems; a stage that finds errors stops the pipeline
before anything on disk is touched.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import typing
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from .calculators import CalculatorSpec, check_vectors, load_calculators
from .checks.links import check_links
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
    write_tree,
)
from .pages.calculator_pages import protocol_widget, render_calculator_pages, spec_files
from .pages.history import render_history
from .pages.render import ProtocolPage, RenderOptions, published, render_site
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


class SourceCache(typing.Protocol):
    """What a caller keeps between two loads of the same project: the live preview's
    :class:`generator.preview.PreviewCache`. Each method gives what a fresh load would."""

    def refresh(self, root: Path) -> None: ...

    def calculators(self, root: Path, problems: Problems) -> dict[str, CalculatorSpec]: ...

    def load_protocols(self, root: Path, languages: tuple[str, ...], problems: Problems,
                       drugs: frozenset[str]) -> dict[str, Protocol]: ...

    def link_problems(self, project: Project, calculators: frozenset[str]) -> list[Problem]: ...


def load(root: Path, cache: SourceCache | None = None) -> Loaded:
    """Stages 1-2, read and check every source: all problems of the project, in one run.

    With a ``cache`` (live preview), what did not change since the last call is not
    read or checked again.
    """
    problems = Problems()
    site = load_site_config(root, problems)
    if site is None:
        raise SourceError(problems.sorted())
    sources = cache or Fresh()
    sources.refresh(root)
    glossary = load_glossary(root, site.codes, problems)
    specs = sources.calculators(root, problems)
    drugs = drug_names(site, glossary, specs.values())
    protocols = sources.load_protocols(root, site.codes, problems, drugs)
    project = Project(root=str(root), site=site, protocols=protocols, glossary=glossary,
                      calculators=specs)
    calculators = frozenset(specs)
    validate(project, set(calculators), problems)
    if (root / TEMPLATE_FILE).is_file():
        check_placeholders(project, load_templates(root, site.codes, problems), problems)
    problems.extend(sources.link_problems(project, calculators))
    return Loaded(project, calculators, problems)


class Fresh:
    """A load that keeps nothing: every source read and checked (``protocols build``)."""

    def refresh(self, root: Path) -> None:
        pass

    def calculators(self, root: Path, problems: Problems) -> dict[str, CalculatorSpec]:
        return load_checked_calculators(root, problems)

    def load_protocols(self, root: Path, languages: tuple[str, ...], problems: Problems,
                       drugs: frozenset[str]) -> dict[str, Protocol]:
        protocols = {}
        names = [folder.name for folder in protocol_folders(root, problems)]
        for protocol, found in read_and_check(root, names, languages, drugs):
            problems.extend(found)
            if protocol is not None:
                protocols[protocol.id] = protocol
        return protocols

    def link_problems(self, project: Project, calculators: frozenset[str]) -> list[Problem]:
        return [problem for protocol in project.protocols.values()
                for problem in check_links(project, protocol, calculators)]


# From this many protocols on, a second process reads and checks half of them; below,
# starting it costs more than it saves (docs/performance.md).
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


def load_checked_calculators(root: Path, problems: Problems) -> dict[str, CalculatorSpec]:
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
           protocol_page: ProtocolPage | None = None,
           history: Path | None = None) -> dict[str, str | bytes]:
    """Stages 3-4: every file of the generated docs folder (History pages from ``releases``).

    Translation drift is read from the git history of ``history`` (default: the project).
    ``protocol_page`` renders one protocol page (the live preview's reuses unchanged ones).
    """
    project = loaded.project

    @functools.cache  # a widget is the same on every page of its language
    def widget(calc_id: str, lang: str) -> str:
        return protocol_widget(project, project.calculators[calc_id], lang)

    options = RenderOptions(today=today, include_unpublished=include_unpublished,
                            calculators=loaded.calculators, render_calc=widget)
    drift = drift_of(history or Path(project.root), published(project, options))
    options = dataclasses.replace(options, drift=drift)
    files: dict[str, str | bytes] = dict(render_site(project, options, protocol_page).files)
    for lang in project.site.codes:
        files.update(render_calculator_pages(project, published(project, options), lang))
    files.update(render_history(loaded.project, published(loaded.project, options),
                                releases or ReleaseLog()))
    for name in ASSETS:
        files[f"assets/{name}"] = resources.files("generator.assets").joinpath(name).read_bytes()
    files.update(spec_files(project))
    return files


def loaded_or_fail(root: Path, cache: SourceCache | None = None) -> Loaded:
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
    loaded = loaded_or_fail(root)
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
