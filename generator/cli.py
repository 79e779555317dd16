"""The ``protocols`` command. The only module that prints or exits."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import traceback
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from . import pipeline
from .calculators import CalcInputError, calc_json, check_vectors, load_calculator
from .checks.scope import SOURCE_BRANCH, ScopeError, changed_sources, scope_of, split
from .engine import speedups
from .engine.fsutil import OutputError
from .release.gitutil import GitError
from .sources.config import load_site_config
from .sources.model import ID_PATTERN
from .sources.problems import Problem, Problems, SourceError
from .sources.releases import DEFAULT_BRANCH, ReleaseError, ReleaseLog

WATCHED = ("protocol_src", "site_config", "mkdocs.yml")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    root = Path.cwd()
    if unknown := speedups.unknown_names():
        print(f"protocols: error: {speedups.SWITCH} names no speed-up {', '.join(unknown)} "
              f"(known: all, {', '.join(sorted(speedups.NAMES))})", file=sys.stderr)
        return 2
    # A CI timeout stops us with SIGTERM: unwind as on Ctrl-C, so that workers are
    # ended and temporary folders removed (a handler the caller installed is kept).
    previous = signal.getsignal(signal.SIGTERM)
    if previous is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        code: int = args.run(root, args)
        return code
    except OutputError as exc:
        print(f"protocols: error: {exc}", file=sys.stderr)
        return 1
    except SourceError as exc:
        _print_problems(exc.problems, sys.stderr)
        _summary(exc.problems, sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: say what failed, not a traceback
        if args.debug:
            traceback.print_exc()
        else:
            print(f"protocols: error: {exc} (run with --debug for details)", file=sys.stderr)
        return 1
    finally:
        # Back to the default for a caller running several commands in one process, unless
        # a stop signal came: then the ones that follow stay ignored until we have exited.
        if signal.getsignal(signal.SIGTERM) is _interrupt:
            signal.signal(signal.SIGTERM, previous)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="protocols", description=(
        "Build the clinical protocol site from protocol_src/ in the current directory."))
    parser.add_argument("--debug", action="store_true", help="show tracebacks on failure")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    check = commands.add_parser(
        "check", help="validate every source",
        description="Check the whole project; with paths (or --changed), report only the "
        "problems of those protocols or files and count the rest.")
    check.add_argument("paths", nargs="*", metavar="PATH",
                       help="a protocol folder or any file in it, or another source file")
    check.add_argument("--changed", action="store_true",
                       help="the sources changed since this branch left --base")
    check.add_argument("--base", default=SOURCE_BRANCH,
                       help=f"the branch releases are made from (default: {SOURCE_BRANCH})")
    check.set_defaults(run=_check)

    build = commands.add_parser("build", help="check, generate content/ and build the site")
    build.add_argument("--out", default="site", help="output folder (default: site)")
    build.add_argument("--quiet", action="store_true", help="no progress output")
    build.set_defaults(run=_build)

    serve = commands.add_parser("serve", help="live preview, drafts included")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="IP:PORT")
    serve.set_defaults(run=_serve)

    status = commands.add_parser("status", help="translations, reviews and missing facts")
    status.add_argument("--format", choices=("table", "json"), default="table")
    status.set_defaults(run=_status)

    publish = commands.add_parser("publish", help="build the committed sources as a release")
    publish.add_argument("release", metavar="RELEASE", help="new release name, e.g. 2026-11-22")
    publish.add_argument("--branch", default=DEFAULT_BRANCH,
                         help=f"published branch (default: {DEFAULT_BRANCH})")
    publish.set_defaults(run=_publish)

    export = commands.add_parser("export", help="write every release as a static web tree")
    export.add_argument("dir", metavar="DIR")
    export.add_argument("--branch", default=DEFAULT_BRANCH,
                        help=f"published branch (default: {DEFAULT_BRANCH})")
    export.set_defaults(run=_export)

    withdraw = commands.add_parser(
        "withdraw", help="withdraw a mistaken release (its pages stay, marked)",
        description="Mark RELEASE withdrawn in one commit: it leaves the version selector, "
        "`latest` moves back to the newest remaining release if it pointed there, and its "
        "pages stay reachable with a bar that gives the reason.")
    withdraw.add_argument("release", metavar="RELEASE")
    withdraw.add_argument("--reason", required=True, metavar="TEXT",
                          help="why, in one line; readers see it on every page of the release")
    withdraw.add_argument("--branch", default=DEFAULT_BRANCH,
                          help=f"published branch (default: {DEFAULT_BRANCH})")
    withdraw.set_defaults(run=_withdraw)

    calc = commands.add_parser("calc", help="evaluate a calculator; print JSON",
                               description="Evaluate a calculator with the same spec the "
                               "widget uses, e.g. `protocols calc ganciclovir-iv weight=70 "
                               "crcl=55 phase=induction`. Exit 2 on invalid input.")
    calc.add_argument("calculator", metavar="ID")
    calc.add_argument("values", nargs="*", metavar="NAME=VALUE")
    calc.set_defaults(run=_calc)

    new = commands.add_parser("new", help="scaffold a draft protocol")
    new.add_argument("id", metavar="ID", help="lowercase words joined by hyphens")
    new.add_argument("--lang", required=True, help="the language it is written in")
    new.add_argument("--title", help="its title in that language (default: a placeholder)")
    new.set_defaults(run=_new)
    return parser


def _print_problems(problems: Sequence[Problem], stream: object) -> None:
    for problem in sorted(set(problems), key=lambda p: (p.path, p.line, p.severity, p.message)):
        print(problem.format(), file=stream)  # type: ignore[call-overload]


def _summary(problems: Sequence[Problem], stream: object) -> None:
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(set(problems)) - errors
    print(f"{errors} error(s), {warnings} warning(s)", file=stream)  # type: ignore[call-overload]


def _check(root: Path, args: argparse.Namespace) -> int:
    try:
        prefixes = _scope(root, args.paths, args.changed, args.base)
    except (ScopeError, GitError) as exc:
        print(f"protocols check: error: {exc}", file=sys.stderr)
        return 2
    problems = pipeline.check(root)
    mine, others = split(problems.items, prefixes) if prefixes is not None \
        else (problems.items, [])
    _print_problems(mine, sys.stdout)
    _summary(mine, sys.stdout)
    _others(others, sys.stdout)
    return 1 if any(p.severity == "error" for p in mine) else 0


def _scope(root: Path, paths: list[str], changed: bool, base: str) -> tuple[str, ...] | None:
    """The prefixes to report (``None``: everything)."""
    if not paths and not changed:
        return None
    prefixes = scope_of(root, paths)
    if changed:
        sources = changed_sources(root, base)
        if not sources:
            print(f"protocols check: no sources changed since '{base}'", file=sys.stderr)
        prefixes += scope_of(root, sources, must_exist=False)
    return prefixes


def _others(problems: Sequence[Problem], stream: object) -> None:
    """One line for the problems outside the editor's scope: there, not in the way."""
    if not problems:
        return
    errors = sum(p.severity == "error" for p in set(problems))
    print(f"(elsewhere in the project: {errors} error(s), {len(set(problems)) - errors} "
          "warning(s); `protocols check` lists them)", file=stream)  # type: ignore[call-overload]


def _build(root: Path, args: argparse.Namespace) -> int:
    out = Path(args.out)
    out = out if out.is_absolute() else root / out
    progress = pipeline.silent if args.quiet else _progress
    problems = pipeline.build(root, out, releases=_releases(root), progress=progress)
    _print_problems(problems.warnings, sys.stderr)
    if not args.quiet:
        print(f"Built {out}", file=sys.stderr)
    return 0


def _progress(message: str) -> None:
    print(f"protocols: {message}", file=sys.stderr, flush=True)


def _calc(root: Path, args: argparse.Namespace) -> int:
    calc_id = args.calculator
    path = root / pipeline.CALCULATORS_DIR / f"{calc_id}.yaml"
    if not ID_PATTERN.match(calc_id) or not path.is_file():
        known = sorted(p.stem for p in (root / pipeline.CALCULATORS_DIR).glob("*.yaml"))
        print(f"protocols calc: unknown calculator '{calc_id}'; known: {', '.join(known)}",
              file=sys.stderr)
        return 2
    settings = Problems()
    if load_site_config(root, settings) is None:  # the languages and strings of this project
        raise SourceError(settings.sorted())
    spec, problems = load_calculator(path, f"{pipeline.CALCULATORS_DIR}/{calc_id}.yaml")
    problems += check_vectors(spec) if spec else []
    if spec is None or any(p.severity == "error" for p in problems):
        # A spec that fails its own vectors must never produce a dose.
        raise SourceError(problems)
    try:
        result = calc_json(spec, args.values)
    except CalcInputError as exc:
        for message in exc.messages:
            print(f"protocols calc: {calc_id}: {message}", file=sys.stderr)
        return 2
    print(json.dumps(result, ensure_ascii=False))
    return 0


def _status(root: Path, args: argparse.Namespace) -> int:
    from .checks import status

    project = pipeline.load(root).project
    today = date.today()
    rows = status.report(project, today)
    if args.format == "json":
        print(status.to_json(rows, today))
    else:
        print(status.to_table(rows, project.site.codes))
    return 0


def _publish(root: Path, args: argparse.Namespace) -> int:
    from .release import publish

    try:
        result = publish.publish(root, args.release, args.branch)
    except (ReleaseError, GitError) as exc:
        print(f"protocols: error: {exc}", file=sys.stderr)
        return 1
    manifest = result.manifest
    for entry in result.left_out:
        print(f"left out: {entry.id} {entry.version} ({entry.status})", file=sys.stderr)
    since = f"since {result.previous}" if result.previous else "(first release)"
    if not result.changes:
        print(f"changed {since}: nothing", file=sys.stderr)
    for change in result.changes:
        what = (f"added at {change.after}" if change.before is None else
                f"removed (was {change.before})" if change.after is None else
                f"{change.before} -> {change.after}")
        print(f"changed {since}: {change.id} {what}", file=sys.stderr)
    print(f"Published release {manifest.release} ({len(manifest.protocols)} protocol(s), "
          f"commit {manifest.source_commit[:12]}) on branch {args.branch}; "
          f"latest -> {manifest.release}", file=sys.stderr)
    return 0


def _export(root: Path, args: argparse.Namespace) -> int:
    from .release import publish

    out = Path(args.dir)
    out = out if out.is_absolute() else root / out
    try:
        names = publish.export(root, out, args.branch)
    except (ReleaseError, GitError) as exc:
        print(f"protocols: error: {exc}", file=sys.stderr)
        return 1
    print(f"Exported {len(names)} release(s) to {out}: {', '.join(names)}", file=sys.stderr)
    return 0


def _withdraw(root: Path, args: argparse.Namespace) -> int:
    from .release import publish

    try:
        result = publish.withdraw(root, args.release, args.reason, args.branch)
    except (ReleaseError, GitError) as exc:
        print(f"protocols: error: {exc}", file=sys.stderr)
        return 1
    moved = f"; latest -> {result.latest}" if result.latest else ""
    print(f"Withdrew release {result.manifest.release} on branch {args.branch}{moved}",
          file=sys.stderr)
    return 0


def _new(root: Path, args: argparse.Namespace) -> int:
    from .pages.paths import protocol_url
    from .sources.scaffold import PROTOCOLS_DIR, ScaffoldError, load_templates, next_steps, scaffold

    problems = Problems()
    site = load_site_config(root, problems)
    templates = load_templates(root, site.codes, problems) if site else {}
    if site is None or problems.errors:
        raise SourceError(problems.sorted())
    folder = root / PROTOCOLS_DIR
    existing = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
    try:
        files = scaffold(args.id, args.lang, site, templates, existing,
                         date.today().isoformat(), args.title)
    except ScaffoldError as exc:
        print(f"protocols: error: {exc}", file=sys.stderr)
        return 1
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:  # never overwrite
            handle.write(text)
        print(f"Created {rel}", file=sys.stderr)
    print("Next steps:", file=sys.stderr)
    url = protocol_url(args.lang, args.id, site.default_language)
    for number, step in enumerate(next_steps(args.id, args.lang, url), 1):
        print(f"  {number}. {step}", file=sys.stderr)
    return 0


def _releases(root: Path) -> ReleaseLog:
    from .release import publish

    try:
        return publish.release_log(root, DEFAULT_BRANCH)
    except (GitError, ValueError):
        return ReleaseLog()  # history pages then say "not published yet"; the build goes on


def _serve(root: Path, args: argparse.Namespace) -> int:
    from . import preview
    from .engine import preview as server

    releases = _releases(root)
    pipeline.tidy_after_crash(root)
    cache = preview.PreviewCache()
    try:
        loaded, _ = preview.generate(root, cache, releases=releases)
    except SourceError as exc:
        _touched_first(root, exc.problems, sys.stderr)
        _summary(exc.problems, sys.stderr)
        return 1
    _touched_first(root, loaded.problems.warnings, sys.stderr)

    def regenerate() -> list[str] | None:
        try:
            _, changed = preview.generate(root, cache, releases=releases)
        except SourceError as exc:
            # Keep serving the last good pages; the editor sees what to fix.
            _touched_first(root, exc.problems, sys.stderr)
            _summary(exc.problems, sys.stderr)
            return None
        if changed:
            print(f"Regenerated {len(changed)} file(s)", file=sys.stderr)
        return changed

    # A service manager stops us with SIGTERM: shut down as cleanly as on Ctrl-C.
    signal.signal(signal.SIGTERM, _interrupt)
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # else a caller chose so
        signal.signal(signal.SIGINT, _interrupt)
    print(f"Serving on http://{args.dev_addr}/ (drafts included)", file=sys.stderr)
    server.serve(root, loaded.project.site, root / pipeline.CONTENT_DIR, args.dev_addr,
                 watch=[root / name for name in WATCHED], regenerate=regenerate,
                 report=lambda message: print(message, file=sys.stderr))
    return 0


def _touched_first(root: Path, problems: Sequence[Problem], stream: object) -> None:
    """The problems of the sources the editor changed (per git) first; of the rest, the
    errors (they stop the preview too) and a count of the warnings."""
    try:
        prefixes = scope_of(root, changed_sources(root), must_exist=False)
    except (ScopeError, GitError):
        _print_problems(problems, stream)  # no git, no branch: nothing to tell apart
        return
    mine, others = split(problems, prefixes)
    _print_problems(mine, stream)
    _print_problems([p for p in others if p.severity == "error"], stream)
    _others([p for p in others if p.severity == "warning"], stream)


def _interrupt(signum: int, frame: object) -> None:
    """Stop serving on the first Ctrl-C or SIGTERM, and ignore any that follow.

    Another one would interrupt the shutdown itself (closing the port, removing the
    preview's temporary site): Ctrl-C pressed twice, or SIGTERM sent to `make serve`'s
    process group, which make passes on to us a second time.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())


__all__ = ["main"]
