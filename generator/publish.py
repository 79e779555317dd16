"""Publishing and exporting releases: the edges where the pipeline meets git and mike.

``publish`` builds the committed sources (never the work tree) in a temporary
folder, adds the release manifest, and lets mike record the site as one commit on
the published branch. Every check happens before that commit, and the commit is
atomic, so a failure leaves every earlier release exactly as it was.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import gitutil, mkdocs_site, pipeline
from .fsutil import check_output, clean_leftovers, staging_dir, swap_in, write_tree
from .problems import SourceError
from .releases import (
    LATEST,
    MANIFEST,
    Manifest,
    ReleaseError,
    ReleaseLog,
    check_name,
    format_utc,
    manifest_for,
)
from .render import RenderOptions, published

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


@dataclass(frozen=True)
class Published:
    manifest: Manifest
    uncommitted: list[str]


def utc_now() -> datetime:
    return datetime.now(UTC)


def require_repository(root: Path) -> None:
    if not gitutil.is_repository(root):
        raise ReleaseError(f"{root} is not in a git repository: releases are built from "
                           "committed sources (run `git init` and commit them first)")


def release_log(root: Path, branch: str) -> ReleaseLog:
    """Every release recorded on ``branch`` (empty when there is none)."""
    if not gitutil.is_repository(root) or not gitutil.branch_exists(root, branch):
        return ReleaseLog()
    manifests = []
    for name in sorted(gitutil.mike_versions(root, branch) - {LATEST}):
        text = gitutil.read_branch_file(root, branch, f"{name}/{MANIFEST}")
        if text is not None:
            manifests.append(Manifest.from_json(text))
    return ReleaseLog(tuple(sorted(manifests, key=lambda m: m.published_at)))


def publish(root: Path, release: str, branch: str, clock: Clock = utc_now) -> Published:
    """Build the committed sources and record them as ``release``; move ``latest`` to it."""
    require_repository(root)
    existing = gitutil.mike_versions(root, branch) if gitutil.branch_exists(root, branch) \
        else set()
    check_name(release, existing)
    uncommitted = gitutil.uncommitted_changes(root)
    with tempfile.TemporaryDirectory(prefix="protocols-release-") as tmp:
        source, site = Path(tmp) / "source", Path(tmp) / "site"
        commit = gitutil.extract_committed(root, source)
        manifest = _build_release(source, site, release, commit, clock(),
                                  release_log(root, branch))
        gitutil.mike_deploy(root, site, release, LATEST, branch,
                            f"Publish release {release} from {commit[:12]} "
                            f"at {format_utc(manifest.published_at)}")
    return Published(manifest, uncommitted)


def _build_release(source: Path, site: Path, release: str, commit: str, now: datetime,
                   log: ReleaseLog) -> Manifest:
    loaded = pipeline.load(source)
    if loaded.problems.errors:
        raise SourceError(loaded.problems.sorted())
    project = loaded.project
    protocols = published(project, RenderOptions(today=now.date()))
    manifest = manifest_for(project, protocols, release, now, commit)
    files = pipeline.render(loaded, now.date(), include_unpublished=False,
                            releases=log.with_release(manifest))
    docs = source / pipeline.CONTENT_DIR
    write_tree(files, docs)
    failures = mkdocs_site.build(source, project.site, docs, site, versioned=True)
    if failures:
        raise SourceError(failures)
    (site / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


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
