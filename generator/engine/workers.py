"""Worker processes that never outlive the command that started them."""

from __future__ import annotations

import ctypes
import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from multiprocessing import get_context
from multiprocessing.pool import Pool
from typing import Any

_PR_SET_PDEATHSIG = 1


def _end_with_parent() -> None:
    """Ask Linux to stop this worker when its parent dies, even by SIGKILL."""
    with suppress(AttributeError, OSError):  # not Linux: the pool's own shutdown is all
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@contextmanager
def pool(workers: int) -> Iterator[Pool]:
    """A pool of ``workers`` spawned processes, ended (not awaited) when the block is left.

    spawn, not fork: the caller may have threads (a test server, a watcher). Leaving the
    block by an exception (Ctrl-C, or SIGTERM from a CI timeout) terminates the workers
    at once instead of waiting for the builds they are running.
    """
    with get_context("spawn").Pool(workers, initializer=_end_with_parent) as running:
        yield running


def run_all(function: Callable[..., Any], arguments: Sequence[tuple[Any, ...]],
            workers: int) -> list[Any]:
    """``function(*args)`` for each of ``arguments`` in ``workers`` processes, in order."""
    with pool(workers) as running:
        return running.starmap(function, arguments, chunksize=1)
