"""Publishing and exporting releases: the edges where the pipeline meets git and mike.

``publish`` builds the committed sources (never the work tree) in a temporary
folder, adds the release manifest, and lets mike record the site as one commit on
the published branch. Every check happens before that commit, and the commit is
atomic, so a failure leaves every earlier release exactly as it was.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from .. import pipeline
from ..engine import mkdocs_site
from ..engine.fsutil import check_output, clean_leftovers, staging_dir, swap_in, write_tree
from ..pages.paths import DIRECTORY_INDEX, HISTORY_DIR
from ..pages.render import RenderOptions, published
from ..sources import config, gitlog
from ..sources.model import SiteConfig
from ..sources.problems import Problems, SourceError
from ..sources.releases import (
    DEFAULT_BRANCH,
    LATEST,
    MANIFEST,
    Change,
    Manifest,
    ProtocolEntry,
    ReleaseError,
    ReleaseLog,
    Withdrawal,
    changes_since,
    check_name,
    format_utc,
    manifest_for,
    ref_problem,
)
from . import gitutil, withdrawal

Clock = Callable[[], datetime]

REDIRECT = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>Redirecting</title>
<meta http-equiv="refresh" content="0; url=latest/">
<link rel="canonical" href="latest/">
</head>
<body><a href="latest/">latest/</a></body>
</html>
"""


# The sources of a release: a change here that is not committed would not be in it.
SOURCE_PATHS = ("protocol_src", "site_config", "mkdocs.yml")


@dataclass(frozen=True)
class Published:
    manifest: Manifest
    left_out: tuple[ProtocolEntry, ...]  # in the sources, not in the release (drafts, ...)
    changes: tuple[Change, ...]  # since the previous release
    previous: str | None  # the previous release's name


def utc_now() -> datetime:
    return datetime.now(UTC)


def require_repository(root: Path) -> None:
    if not gitlog.is_repository(root):
        raise ReleaseError(f"{root} is not in a git repository: releases are built from "
                           "committed sources (run `git init` and commit them first)")


def release_log(root: Path, branch: str) -> ReleaseLog:
    """Every release recorded on ``branch``, withdrawn ones included (empty when none)."""
    if not gitlog.is_repository(root) or not gitutil.branch_exists(root, branch):
        return ReleaseLog()
    manifests = []
    for name in sorted(gitutil.top_level_names(root, branch) - {LATEST}):
        text = gitutil.read_branch_file(root, branch, f"{name}/{MANIFEST}")
        if text is not None:
            manifests.append(Manifest.from_json(text))
    return ReleaseLog(tuple(sorted(manifests, key=lambda m: m.published_at)))


def check_sources(root: Path) -> str:
    """Refuse to publish anything but the committed tip of the release branch; return its name.

    A CI runner's detached HEAD at that tip is the same commit, so it is accepted.
    """
    dirty = gitutil.uncommitted_changes(root, *SOURCE_PATHS)
    if dirty:
        shown = ", ".join(dirty[:5]) + (f" and {len(dirty) - 5} more" if len(dirty) > 5 else "")
        raise ReleaseError(f"uncommitted changes in the sources would not be in the release: "
                           f"{shown}; commit them through a merge request (or `git stash` "
                           "them) and publish again")
    problems = Problems()
    source_branch = config.release_branch(root, problems)
    if problems.errors:
        raise SourceError(problems.sorted())
    head = gitutil.current_branch(root)
    where = (f"releases are published from the tip of '{source_branch}' (release_branch in "
             f"{config.SITE_FILE}): merge your change into it, `git switch {source_branch}`, "
             "and publish again")
    if head is None:
        commit = gitutil.head_commit(root)
        if commit not in gitutil.branch_tips(root, source_branch):
            raise ReleaseError(f"HEAD is detached at {commit[:12]}, which is not the tip of "
                               f"'{source_branch}'; {where}")
    elif head != source_branch:
        raise ReleaseError(f"HEAD is on branch '{head}'; {where}")
    return source_branch


def check_branch(root: Path, branch: str, source_branch: str) -> None:
    """Refuse a published branch that git would refuse or that holds sources."""
    if (problem := ref_problem(branch)) is not None:
        raise ReleaseError(f"invalid branch name {branch!r}: {problem}")
    if branch == source_branch or branch in gitutil.checked_out_branches(root):
        raise ReleaseError(f"branch '{branch}' holds the sources (it is the release branch or "
                           f"checked out); releases go to a branch of their own, such as "
                           f"'{DEFAULT_BRANCH}'")
    if gitutil.branch_exists(root, branch) and \
            "versions.json" not in gitutil.top_level_names(root, branch):
        raise ReleaseError(f"branch '{branch}' exists and holds no releases (no versions.json); "
                           f"releases go to a branch of their own, such as '{DEFAULT_BRANCH}'")


def publish(root: Path, release: str, branch: str, clock: Clock = utc_now) -> Published:
    """Build the committed sources and record them as ``release``; move ``latest`` to it."""
    require_repository(root)
    source_branch = check_sources(root)
    check_branch(root, branch, source_branch)
    existing = gitutil.mike_versions(root, branch) if gitutil.branch_exists(root, branch) \
        else set()
    check_name(release, existing, gitutil.top_level_names(root, branch))
    log = release_log(root, branch)
    with tempfile.TemporaryDirectory(prefix="protocols-release-") as tmp:
        source, site = Path(tmp) / "source", Path(tmp) / "site"
        commit = gitutil.extract_committed(root, source)
        manifest, left_out = _build_release(source, site, release, commit, clock(), log,
                                            root)
        gitutil.mike_deploy(root, site, release, LATEST, branch,
                            f"Publish release {release} from {commit[:12]} "
                            f"at {format_utc(manifest.published_at)}")
    previous = log.newest_live()
    return Published(manifest, left_out, tuple(changes_since(previous, manifest)),
                     previous.release if previous else None)


def _build_release(source: Path, site: Path, release: str, commit: str, now: datetime,
                   log: ReleaseLog, history: Path) -> tuple[Manifest, tuple[ProtocolEntry, ...]]:
    loaded = pipeline.load(source)
    if loaded.problems.errors:
        raise SourceError(loaded.problems.sorted())
    project = loaded.project
    protocols = published(project, RenderOptions(today=now.date()))
    manifest = manifest_for(project, protocols, release, now, commit)
    kept = {p.id for p in protocols}
    left_out = tuple(ProtocolEntry(p.id, p.version, p.status)
                     for pid, p in sorted(project.protocols.items()) if pid not in kept)
    files = pipeline.render(loaded, now.date(), include_unpublished=False,
                            releases=log.with_release(manifest), history=history)
    docs = source / pipeline.CONTENT_DIR
    write_tree(files, docs)
    failures = mkdocs_site.build(source, project.site, docs, site, versioned=True,
                                 release=release)
    if failures:
        raise SourceError(failures)
    (site / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    return manifest, left_out


def export(root: Path, dest: Path, branch: str) -> list[str]:
    """Write every release on ``branch`` into ``dest``, swapped in whole; return the releases."""
    require_repository(root)
    check_output(root, dest)
    clean_leftovers(dest)
    if not gitutil.branch_exists(root, branch):
        raise ReleaseError(f"nothing to export: branch '{branch}' has no releases "
                           "(run `protocols publish RELEASE` first)")
    with staging_dir(dest, "export") as staging:
        tree = staging / "tree"
        gitutil.extract_branch(root, branch, tree)
        if not (tree / "index.html").exists():
            (tree / "index.html").write_text(REDIRECT, encoding="utf-8")
        swap_in(tree, dest, mark=True)
    return [m.release for m in release_log(root, branch).manifests]


@dataclass(frozen=True)
class Withdrawn:
    manifest: Manifest
    latest: str | None  # the release `latest` moved back to (None: it did not move)


def withdraw(root: Path, release: str, reason: str, branch: str,
             clock: Clock = utc_now) -> Withdrawn:
    """Mark ``release`` withdrawn in one commit; move ``latest`` back if it pointed there."""
    require_repository(root)
    reason = withdrawal.check_reason(reason)
    if (problem := ref_problem(branch)) is not None:
        raise ReleaseError(f"invalid branch name {branch!r}: {problem}")
    log = release_log(root, branch)
    manifest = log.find(release)
    if manifest is None:
        known = ", ".join(m.release for m in log.manifests) or "none"
        raise ReleaseError(f"no release '{release}' on branch '{branch}' (releases: {known})")
    if manifest.withdrawn is not None:
        raise ReleaseError(f"release '{release}' is already withdrawn: "
                           f"{manifest.withdrawn.reason}")
    successor = log.newest_live(excluding=release)
    if successor is None:
        raise ReleaseError(f"'{release}' is the only release: withdrawing it would leave "
                           "readers nothing; publish a corrected release first, then "
                           "withdraw this one")
    problems = Problems()
    site = config.load_site_config(root, problems)
    if site is None or problems.errors:
        raise SourceError(problems.sorted())
    withdrawn = replace(manifest, withdrawn=Withdrawal(reason, clock()))
    with tempfile.TemporaryDirectory(prefix="protocols-withdraw-") as tmp:
        tree = Path(tmp) / "tree"
        gitutil.extract_branch(root, branch, tree)
        versions, moved = withdrawal.without_release(
            json.loads((tree / "versions.json").read_text(encoding="utf-8")), release,
            successor.release)
        files = _marked_files(tree, withdrawn, site)
        files["versions.json"] = withdrawal.versions_json(versions)
        delete = [LATEST] if moved else []
        if moved:  # `latest` becomes a copy of the successor, as marked as it is
            files = {path: data for path, data in files.items()
                     if not path.startswith(f"{LATEST}/")}
            for rel, data in _files(tree / successor.release).items():
                files[f"{LATEST}/{rel}"] = files.get(f"{successor.release}/{rel}", data)
        gitutil.commit_files(root, branch, f"Withdraw release {release}: {reason}", delete,
                             files)
    return Withdrawn(withdrawn, successor.release if moved else None)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _marked_files(tree: Path, manifest: Manifest, site: SiteConfig) -> dict[str, bytes]:
    """The withdrawn release's pages with their bar, its manifest, and every other
    release's History pages with a note beside each link to it."""
    assert manifest.withdrawn is not None
    release, reason = manifest.release, manifest.withdrawn.reason
    files: dict[str, bytes] = {
        f"{release}/{MANIFEST}": manifest.to_json().encode("utf-8"),
        f"{release}/{withdrawal.STYLESHEET}": withdrawal.CSS.encode("utf-8"),
    }
    for page in sorted((tree / release).rglob("*.html")):
        rel = page.relative_to(tree / release).as_posix()
        files[f"{release}/{rel}"] = withdrawal.mark_page(
            page.read_text(encoding="utf-8"), rel, reason, site).encode("utf-8")
    for page in sorted(tree.glob(f"*/**/{HISTORY_DIR}/*/{DIRECTORY_INDEX}")):
        rel = page.relative_to(tree).as_posix()
        if rel.startswith(f"{release}/"):
            continue
        text = page.read_text(encoding="utf-8")
        marked = withdrawal.mark_history(text, release, reason, site)
        if marked != text:
            files[rel] = marked.encode("utf-8")
    return files
