"""Disk writes that never leave a half-written tree behind, nor replace what is not ours.

An output folder (``build --out``, ``export``) is replaced only when it is absent,
empty or marked by :data:`MARKER` as an earlier build or export, and never when it is
the project, a folder above it or one of its source folders. A tree is swapped in with
one atomic exchange where the system has one, and whatever a killed command left
behind is put right, or removed, by the next one.
"""

from __future__ import annotations

import ctypes
import errno
import json
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

MARKER = ".protocols-output"
MARKER_TEXT = ("Written by `protocols build` or `protocols export`; the next one replaces "
               "this folder whole.\n")
# Folders of the project that no output may be or lie in.
GUARDED = ("protocol_src", "site_config", "content", ".git")
JOURNAL = ".protocols-swap.json"
_LEFTOVER = re.compile(r"\.(?P<name>.+)\.(?:build|content|export|old)-(?P<pid>\d+)(?:-.*)?")


class OutputError(ValueError):
    """An output folder that may hold someone's work."""


def check_output(root: Path, out: Path) -> None:
    """Refuse ``out`` unless replacing it whole can only lose an earlier build or export."""
    project, target = root.resolve(), out.resolve()
    if target == project or target in project.parents:
        raise OutputError(f"{out}: refusing to replace the project folder or a folder "
                          "above it; choose a folder of its own, e.g. --out site")
    for name in GUARDED:
        guarded = project / name
        if target == guarded or guarded in target.parents:
            raise OutputError(f"{out}: refusing to write into the project's {name}/; "
                              "choose a folder of its own, e.g. --out site")
    _check_replaceable(out)


def _check_replaceable(out: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputError(f"{out} exists and is not a folder")
    if out.is_dir() and not (out / MARKER).is_file() and any(out.iterdir()):
        raise OutputError(f"{out} is not empty and holds no {MARKER}, so it was not written "
                          "by `protocols build` or `export`; choose a new or empty folder, "
                          "or empty this one yourself")


def _pid(name: str, target: Path) -> int | None:
    """The process id in the name of a staging folder of ``target``, if it is one."""
    match = _LEFTOVER.fullmatch(name)
    return int(match["pid"]) if match and match["name"] == target.name else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def staging_dir(beside: Path, label: str) -> Iterator[Path]:
    """A temporary folder on the same file system as ``beside``, removed afterwards.

    Its name holds this process's id, so that a later command can tell a killed
    command's leftover from a folder another running command still uses.
    """
    beside.parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix=f".{beside.name}.{label}-{os.getpid()}-",
                                 dir=beside.parent))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def clean_leftovers(target: Path) -> list[Path]:
    """Remove what killed commands left beside ``target``; return what was removed.

    An old tree renamed aside by :func:`swap_in` just before its process died, with
    nothing swapped in yet, is put back instead.
    """
    removed: list[Path] = []
    if not target.parent.is_dir():
        return removed
    for path in sorted(target.parent.iterdir()):
        pid = _pid(path.name, target)
        if pid is None or pid == os.getpid() or _alive(pid):
            continue
        if path.name.startswith(f".{target.name}.old-") and not target.exists() \
                and not target.is_symlink():
            os.rename(path, target)
            continue
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path)
    return removed


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap the names ``a`` and ``b`` in one step; False where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False  # not Linux, or a C library without it
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # a kernel or file system without RENAME_EXCHANGE
    raise OSError(code, os.strerror(code), str(b))


def swap_in(new: Path, target: Path, mark: bool = False) -> None:
    """Replace ``target`` by the finished tree ``new`` (on the same file system).

    Where the system can, both names are exchanged in one step: a reader, or a command
    started after a crash, finds the old tree or the new one, never none. Elsewhere the
    old tree is renamed aside first; a crash in between leaves it beside the target,
    where :func:`recover` finds it. ``mark`` writes :data:`MARKER` into ``new`` and
    refuses a ``target`` that is neither empty nor marked (see :func:`check_output`).
    """
    if mark:
        _check_replaceable(target)
        (new / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    elif target.is_symlink() or target.is_file():
        raise FileExistsError(f"{target} exists and is not a folder")
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # now the old tree
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    shutil.rmtree(old, ignore_errors=True)
    os.rename(target, old)
    try:
        os.rename(new, target)
    except OSError:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def swap_all(pairs: Sequence[tuple[Path, Path, bool]], journal: Path) -> None:
    """:func:`swap_in` each ``(new, target, mark)``, all or, after a crash, none yet.

    The journal names every new tree (by its inode, which a rename keeps) before the
    first swap: if this process dies before the last one, :func:`recover` in the next
    command finishes the swaps, so that no target is left older than another.
    Ctrl-C and SIGTERM wait until the swaps are done.
    """
    for new, target, mark in pairs:
        if mark:
            _check_replaceable(target)
            (new / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
    swaps = [{"new": str(new), "target": str(target),
              "inode": [new.stat().st_dev, new.stat().st_ino]} for new, target, _ in pairs]
    blocked = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        _write_atomic(journal, json.dumps({"pid": os.getpid(), "swaps": swaps}))
        for new, target, _ in pairs:
            swap_in(new, target)
        journal.unlink()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def recover(journal: Path) -> list[Path]:
    """Finish the swaps of a command killed in :func:`swap_all`; return the targets swapped."""
    try:
        record = json.loads(journal.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        journal.unlink(missing_ok=True)  # absent, or cut short before any swap began
        return []
    if record["pid"] != os.getpid() and _alive(record["pid"]):
        return []  # that command is still swapping
    done = []
    for swap in record["swaps"]:
        new, target = Path(swap["new"]), Path(swap["target"])
        try:
            state = new.stat()
        except FileNotFoundError:
            continue
        if [state.st_dev, state.st_ino] == swap["inode"]:  # not swapped yet
            swap_in(new, target)
            done.append(target)
    journal.unlink()
    return done


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


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
