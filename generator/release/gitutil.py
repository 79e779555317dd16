"""The git operations publishing needs (as mike's ``git_utils.py``), on top of
:mod:`generator.sources.gitlog`, which runs every git command and reads the sources' history.

The published branch is written only through mike's ``commands.deploy``, which
writes one commit with ``git fast-import``: the branch moves to the new commit
when the whole release is in it, or not at all.
"""

from __future__ import annotations

import io
import os
import tarfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# Re-exported: a failure of git, reading or publishing, is caught by this one name.
from ..sources.gitlog import GitError as GitError
from ..sources.gitlog import commit_exists, git, git_text


def toplevel(root: Path) -> Path:
    return Path(git_text(root, "rev-parse", "--show-toplevel"))


def head_commit(root: Path) -> str:
    try:
        return git_text(root, "rev-parse", "--verify", "HEAD^{commit}")
    except GitError as exc:
        raise GitError("the repository has no commit yet; commit the sources first") from exc


def uncommitted_changes(root: Path, *paths: str) -> list[str]:
    """Changed or untracked paths under ``root`` (or under ``paths`` of it), as git names them."""
    out = git(root, "status", "--porcelain", "--untracked-files=all", "--",
               *(paths or (".",)))
    return [line[3:] for line in out.decode("utf-8").splitlines() if line]


def current_branch(root: Path) -> str | None:
    """The branch HEAD is on, or None for a detached HEAD."""
    try:
        ref = git_text(root, "symbolic-ref", "-q", "HEAD")
    except GitError:
        return None
    return ref.removeprefix("refs/heads/")


def branch_tips(root: Path, branch: str) -> set[str]:
    """Commits at the tip of ``branch``: the local branch and every remote's copy of it.

    A CI runner checks out a detached HEAD and often has only ``origin/<branch>``.
    """
    out = git_text(root, "for-each-ref", "--format=%(objectname) %(refname)",
                "refs/heads", "refs/remotes")
    tips = set()
    for line in out.splitlines():
        commit, ref = line.split(" ", 1)
        parts = ref.split("/", 3)
        if ref == f"refs/heads/{branch}" or (parts[1] == "remotes" and len(parts) == 4
                                             and parts[3] == branch):
            tips.add(commit)
    return tips


def checked_out_branches(root: Path) -> set[str]:
    """Branches checked out in any work tree of the repository: never to be written to."""
    out = git_text(root, "for-each-ref", "--format=%(worktreepath)%00%(refname)", "refs/heads")
    return {ref.removeprefix("refs/heads/") for line in out.splitlines()
            for path, ref in [line.split("\0", 1)] if path}


def top_level_names(root: Path, branch: str) -> frozenset[str]:
    """The names of the files and folders at the top of ``branch`` (empty if none)."""
    if not branch_exists(root, branch):
        return frozenset()
    out = git(root, "ls-tree", "--name-only", "-z", f"refs/heads/{branch}")
    return frozenset(name for name in out.decode("utf-8").split("\0") if name)


def extract_committed(root: Path, dest: Path) -> str:
    """Write the committed tree of ``root`` (HEAD, not the work tree) into ``dest``.

    Returns the commit. Only what is committed can leak into a release.
    """
    commit = head_commit(root)
    prefix = git_text(root, "rev-parse", "--show-prefix")
    treeish = f"{commit}:{prefix.rstrip('/')}" if prefix else commit
    _extract(git(root, "archive", "--format=tar", treeish), dest)
    return commit


def branch_exists(root: Path, branch: str) -> bool:
    return commit_exists(root, f"refs/heads/{branch}")


def read_branch_file(root: Path, branch: str, path: str) -> str | None:
    """A file of ``branch`` (following no symlinks), or None when it is not there."""
    if not branch_exists(root, branch):
        return None
    try:
        return git(root, "show", f"refs/heads/{branch}:{path}").decode("utf-8")
    except GitError:
        return None


def extract_branch(root: Path, branch: str, dest: Path) -> None:
    """Write the tree of ``branch`` into ``dest`` (which must not exist yet)."""
    _extract(git(root, "archive", "--format=tar", f"refs/heads/{branch}"), dest)


def commit_files(root: Path, branch: str, message: str, delete: list[str],
                 files: dict[str, bytes]) -> None:
    """One commit on ``branch``: delete the paths ``delete``, then write ``files``.

    Written with ``git fast-import`` (mike's ``Commit``): the branch moves to the new
    commit when all of it is written, or not at all.
    """
    from mike import git_utils  # type: ignore[import-untyped]

    try:
        with _inside(toplevel(root)), git_utils.Commit(branch, message) as commit:
            commit.delete_files(delete)
            for path, data in sorted(files.items()):
                commit.add_file(git_utils.FileInfo(path, data))
    except git_utils.GitError as exc:
        raise GitError(f"git could not record the change: {exc}") from exc


def _extract(tar_bytes: bytes, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(tar_bytes)) as archive:
        archive.extractall(dest, filter="data")


@contextmanager
def _inside(path: Path) -> Iterator[None]:
    """mike runs git in the current directory, so it runs inside the repository."""
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def mike_versions(root: Path, branch: str) -> set[str]:
    """Every release name and alias recorded in the branch's ``versions.json``."""
    from mike import commands

    with _inside(toplevel(root)):
        versions = commands.list_versions(branch)
    names: set[str] = set()
    for info in versions:
        names.add(str(info.version))
        names.update(info.aliases)
    return names


def mike_deploy(root: Path, site_dir: Path, release: str, alias: str, branch: str,
                message: str) -> None:
    """Record ``site_dir`` as release ``release`` and move ``alias`` to it, in one commit.

    Aliases are copies, not symlinks, so the branch is a tree any web server serves.
    """
    from mike import commands, git_utils

    cfg = {"site_dir": str(site_dir), "use_directory_urls": True}
    try:
        with _inside(toplevel(root)), commands.deploy(
                cfg, release, aliases=[alias], update_aliases=True,
                alias_type=commands.AliasType.copy, branch=branch, message=message):
            pass  # the site is already built
    except (git_utils.GitError, ValueError) as exc:
        raise GitError(f"mike could not record the release: {exc}") from exc
