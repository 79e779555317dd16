"""Disk writes that never leave a half-written tree behind."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staging_dir(beside: Path, label: str) -> Iterator[Path]:
    """A temporary folder on the same file system as ``beside``, removed afterwards."""
    beside.parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f".{beside.name}.{label}-", dir=beside.parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def swap_in(new: Path, target: Path) -> None:
    """Replace ``target`` by the finished tree ``new``.

    Both are on one file system, so each step is a rename: readers see the old
    tree or the new one, never a mixture. The old tree is removed last.
    """
    if target.is_symlink() or target.is_file():
        raise FileExistsError(f"{target} exists and is not a folder")
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        if old is not None:
            os.rename(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_tree(files: Mapping[str, str | bytes], dest: Path) -> None:
    """Write ``files`` into a fresh folder ``dest``."""
    for rel, data in files.items():
        path = dest / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")


def sync_tree(files: Mapping[str, str | bytes], dest: Path,
              known: dict[str, bytes] | None = None) -> list[str]:
    """Make ``dest`` hold exactly ``files``, touching only what changed (for live preview).

    ``known``, kept by the caller between calls, holds what the last call left in
    ``dest``: a file still there is compared with it instead of being read again, and
    only the files it lists are candidates for removal. Empty, the first call reads and
    walks ``dest`` in full (it may hold an earlier build's files).

    Returns the relative paths written or removed.
    """
    changed: list[str] = []
    wanted = {rel: data.encode("utf-8") if isinstance(data, str) else data
              for rel, data in files.items()}
    first = not known
    known = {} if known is None else known
    for rel, data in wanted.items():
        path = dest / rel
        if not (path.is_file() and (known[rel] if rel in known else path.read_bytes()) == data):
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
            changed.append(rel)
        known[rel] = data
    stale = dest.rglob("*") if first and dest.is_dir() else (dest / rel for rel in known)
    for path in sorted(stale, reverse=True):  # a folder's files before the folder
        rel = path.relative_to(dest).as_posix()
        if rel in wanted:
            continue
        known.pop(rel, None)
        if path.is_file():
            path.unlink()
            changed.append(rel)
        folder = path if path.is_dir() else path.parent
        while folder != dest and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    return changed
