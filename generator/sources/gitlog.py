"""What git knows about the sources: which files changed, and a file as it was committed.

Every git command of the project runs through :func:`git`, here at the sources floor,
because reading history is reading sources (the changed files ``check --changed`` lists,
the earlier original a drifting translation is compared with).
:mod:`generator.release.gitutil` adds what publishing needs on top of it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path


class GitError(Exception):
    """A git command failed; the message is for the user."""


def git(root: Path, *args: str) -> bytes:
    """The output of ``git -C root ARGS``; GitError with git's own words when it fails.

    FileNotFoundError when the machine has no git: callers that can do without decide.
    """
    result = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise GitError(f"git {args[0]} failed: {message}")
    return result.stdout


def git_text(root: Path, *args: str) -> str:
    return git(root, *args).decode("utf-8").strip()


def is_repository(root: Path) -> bool:
    try:
        return git_text(root, "rev-parse", "--is-inside-work-tree") == "true"
    except (GitError, FileNotFoundError):
        return False


def commit_exists(root: Path, ref: str) -> bool:
    try:
        git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
        return True
    except GitError:
        return False


def changed_since(root: Path, ref: str) -> set[str]:
    """Paths under ``root`` (relative to it) that differ between where HEAD left ``ref``
    and the work tree, untracked files included."""
    base = git_text(root, "merge-base", "HEAD", ref)
    changed = git(root, "diff", "--relative", "--name-only", "-z", base, "--", ".")
    new = git(root, "ls-files", "--others", "--exclude-standard", "-z", "--", ".")
    return {name for name in (changed + new).decode("utf-8").split("\0") if name}


def commits_touching(root: Path, *paths: str) -> list[str]:
    """The commits of HEAD's history that changed any of ``paths``, newest first; none
    when there is no repository, no commit or no git."""
    try:
        return git(root, "log", "--format=%H", "HEAD", "--", *paths).decode("utf-8").split()
    except (GitError, FileNotFoundError):
        return []


def file_at(root: Path, commit: str, path: str) -> str | None:
    """The text of ``path`` (relative to ``root``) as ``commit`` holds it, or None."""
    try:
        return git(root, "show", f"{commit}:./{path}").decode("utf-8")
    except (GitError, FileNotFoundError):
        return None
