"""Which problems are the editor's own: those of the sources they name or changed.

``protocols check PATH ...`` still checks the whole project (a link into another
protocol needs it), then reports the problems of the named sources and counts the rest.
A path inside a protocol folder stands for the whole protocol: its protocol.yaml and
every language's body belong together.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from ..sources import gitlog
from ..sources.load import PROTOCOLS_DIR
from ..sources.problems import Problem

SOURCE_BRANCH = "main"
# Files that are not sources: a change to them concerns no protocol's problems.
SOURCE_ROOTS = ("protocol_src", "site_config", "mkdocs.yml")


class ScopeError(Exception):
    """A path or branch cannot be scoped to; the message is for the user."""


def scope_of(root: Path, paths: Iterable[str], must_exist: bool = True) -> tuple[str, ...]:
    """The project-relative prefixes the ``paths`` (relative to ``root`` or absolute) select."""
    prefixes = []
    for raw in paths:
        path = Path(raw) if Path(raw).is_absolute() else root / raw
        try:
            rel = PurePosixPath(path.resolve().relative_to(root.resolve()).as_posix())
        except ValueError:
            raise ScopeError(f"'{raw}' is outside the project {root}") from None
        if must_exist and not path.exists():
            raise ScopeError(f"no such file or folder: '{raw}'")
        prefixes.append(_prefix(rel))
    return tuple(sorted(set(prefixes)))


def _prefix(rel: PurePosixPath) -> str:
    protocols = PurePosixPath(PROTOCOLS_DIR)
    if rel.is_relative_to(protocols) and len(rel.parts) > len(protocols.parts):
        return f"{PROTOCOLS_DIR}/{rel.parts[len(protocols.parts)]}/"
    return "" if str(rel) == "." else f"{rel}"


def selects(prefix: str, problem_path: str) -> bool:
    if prefix == "" or problem_path == prefix.rstrip("/"):
        return True
    return problem_path.startswith(prefix if prefix.endswith("/") else f"{prefix}/")


def split(problems: Iterable[Problem], prefixes: tuple[str, ...]
          ) -> tuple[list[Problem], list[Problem]]:
    """The problems ``prefixes`` select, and the others."""
    mine: list[Problem] = []
    others: list[Problem] = []
    for problem in problems:
        (mine if any(selects(p, problem.path) for p in prefixes) else others).append(problem)
    return mine, others


def changed_sources(root: Path, base: str = SOURCE_BRANCH) -> list[str]:
    """Source files changed since ``root``'s HEAD left ``base``: committed, staged,
    edited or new; relative to ``root``."""
    if not gitlog.is_repository(root):
        raise ScopeError(f"{root} is not a git repository: name the protocols to check")
    for ref in (base, f"origin/{base}"):
        if gitlog.commit_exists(root, ref):
            break
    else:
        raise ScopeError(f"no branch '{base}' to compare with: name one with --base")
    changed = gitlog.changed_since(root, ref)
    return sorted(path for path in changed
                  if any(path == name or path.startswith(f"{name}/") for name in SOURCE_ROOTS))
