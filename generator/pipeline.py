"""The whole pipeline, top to bottom: load → validate → resolve → render → write → build.

Each stage collects problems; a stage that finds errors stops the pipeline
before anything on disk is touched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

from . import mkdocs_site
from .calculator_pages import protocol_widget, render_calculator_pages, spec_files
from .calculators import CalculatorSpec, check_vectors, load_calculators
from .config import load_site_config
from .fsutil import staging_dir, swap_in, sync_tree, write_tree
from .glossary import load_glossary
from .history import render_history
from .lint import lint
from .load import load_protocols
from .model import Project
from .numbers import check_numbers
from .problems import Problems, SourceError
from .releases import ReleaseLog
from .render import RenderOptions, published, render_site
from .sanitize import check_bodies
from .transforms import Context, resolve
from .validate import validate

CONTENT_DIR = "content"
CALCULATORS_DIR = "protocol_src/calculators"
ASSETS = ("protocols.css", "calculator.css", "calculator.js", "print.js", "search.css", "search.js")


@dataclass(frozen=True)
class Loaded:
    project: Project
    calculators: frozenset[str]
    problems: Problems


def load(root: Path) -> Loaded:
    """Stages 1-3 for every source: all problems of the project, in one run."""
    problems = Problems()
    site = load_site_config(root, problems)
    if site is None:
        raise SourceError(problems.sorted())
    protocols = load_protocols(root, site.codes, problems)
    glossary = load_glossary(root, site.codes, problems)
    specs = _load_calculators(root, problems)
    project = Project(root=str(root), site=site, protocols=protocols, glossary=glossary,
                      calculators=specs)
    calculators = frozenset(specs)
    validate(project, set(calculators), problems)
    check_numbers(project, problems)
    check_bodies(project, problems)
    lint(project, problems)
    for protocol in protocols.values():
        for lang, body in protocol.bodies.items():
            resolve(Context(project, protocol, body, lang, problems, set(calculators)))
    return Loaded(project, calculators, problems)


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
           releases: ReleaseLog | None = None) -> dict[str, str | bytes]:
    """Stage 4: every file of the generated docs folder (History pages from ``releases``)."""
    project = loaded.project
    options = RenderOptions(today=today, include_unpublished=include_unpublished,
                            calculators=loaded.calculators,
                            render_calc=lambda calc_id, lang: protocol_widget(
                                project, project.calculators[calc_id], lang))
    problems = Problems()
    files: dict[str, str | bytes] = dict(render_site(project, options, problems).files)
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


def _loaded_or_fail(root: Path) -> Loaded:
    loaded = load(root)
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
    """
    progress("loading and checking sources")
    loaded = _loaded_or_fail(root)
    progress(f"checked {len(loaded.project.protocols)} protocols; rendering")
    files = render(loaded, today or date.today(), include_unpublished=False, releases=releases)
    pages = sum(name.endswith(".md") for name in files)
    progress(f"rendered {pages} pages; building the site and its search index")
    content = root / CONTENT_DIR
    with staging_dir(out, "build") as staging:
        docs, site = staging / "docs", staging / "site"
        write_tree(files, docs)
        failures = mkdocs_site.build(root, loaded.project.site, docs, site)
        if failures:
            raise SourceError(failures)
        with staging_dir(content, "content") as content_staging:
            new_content = content_staging / "new"
            docs.rename(new_content)
            swap_in(new_content, content)
        swap_in(site, out)
    progress(f"built {pages} pages into {out}")
    return loaded.problems


def generate_preview(root: Path, today: date | None = None,
                     releases: ReleaseLog | None = None) -> tuple[Loaded, list[str]]:
    """Write ``content/`` for live preview (drafts included); return the files that changed."""
    loaded = _loaded_or_fail(root)
    files = render(loaded, today or date.today(), include_unpublished=True, releases=releases)
    return loaded, sync_tree(files, root / CONTENT_DIR)
