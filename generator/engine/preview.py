"""The live preview: MkDocs' live-reloading server, rebuilding only what an edit changed."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from watchdog import events

from ..sources.model import SiteConfig
from . import speedups
from .fsutil import swap_in
from .mkdocs_site import build, build_language

DIRTY_NOTICE = "A 'dirty' build is being performed"


class _Changes(events.FileSystemEventHandler):
    """MkDocs' handler, given the events that change the sources.

    Reading a file is an event too (inotify's open and close); the preview reads every
    source on every rebuild, so without the filter each rebuild would ask for the next.
    A folder created, removed or moved (a protocol added or taken out whole) is passed on
    as a change of that path: MkDocs' handler skips folder events, because its polling
    also reports the files inside, which file events do not.
    """

    FILTER = [events.FileCreatedEvent, events.FileDeletedEvent, events.FileModifiedEvent,
              events.FileMovedEvent, events.FileClosedEvent, events.DirCreatedEvent,
              events.DirDeletedEvent, events.DirMovedEvent]

    def __init__(self, handler: events.FileSystemEventHandler) -> None:
        self.handler = handler

    def dispatch(self, event: events.FileSystemEvent) -> None:
        if event.is_directory:
            event = events.FileModifiedEvent(event.src_path)
        self.handler.dispatch(event)


def _watch(server: Any, paths: list[Path], report: Callable[[str], None]) -> None:
    """Watch ``paths`` with the system's file events (inotify on Linux), else by polling.

    MkDocs polls: it lists and stats every watched file twice a second, in the server's
    own process, so an idle preview costs in proportion to the number of sources, and an
    edit waits for the next poll and then for the interpreter the poller holds. File
    events cost nothing until a file changes. Where the system has none for these
    folders (some network shares; out of inotify watches) MkDocs' polling stays.
    """
    from watchdog.observers import Observer
    from watchdog.observers.polling import PollingObserver

    if not speedups.is_on("file-events"):
        for path in paths:
            server.watch(str(path))
        return
    speedups.USED["file-events"] += 1
    polling = server.observer
    observer = Observer()
    schedule = observer.schedule
    observer.schedule = lambda handler, path, **kwargs: schedule(  # type: ignore[method-assign]
        _Changes(handler), path, event_filter=_Changes.FILTER, **kwargs)
    server.observer = observer
    try:
        for path in paths:
            server.watch(str(path))
    except OSError as exc:
        report(f"Watching the sources by polling (no file events: {exc})")
        observer.unschedule_all()
        server.observer = polling if isinstance(polling, PollingObserver) else PollingObserver()
        server._watched_paths.clear()  # MkDocs' bookkeeping of the failed attempt
        server._watch_refs.clear()
        for path in paths:
            server.watch(str(path))


def serve(root: Path, site: SiteConfig, docs_dir: Path, address: str, watch: list[Path],
          regenerate: Callable[[], list[str] | None], report: Callable[[str], None]) -> None:
    """A live preview on MkDocs' own live-reloading server, rebuilt page by page.

    MkDocs' ``serve`` rebuilds every page of every language on each change, so an
    editor's wait grows with the size of the whole site. Here a change in
    ``watch`` (the sources) runs ``regenerate``, which rewrites only the generated
    files that changed and names them (``None``: the sources have errors, keep the
    last good pages). Only the languages with a changed file are built again, and
    only their changed pages: MkDocs' dirty build renders a page whose Markdown is
    newer than its HTML. That is sound here because everything a page shows of other
    protocols (titles, related, referenced by, indexes) is written into its own
    Markdown by the generator, and the nav holds only fixed entries. A removed file
    rebuilds the whole site. Not strict: the preview keeps serving while the editor
    fixes a warning, which is printed.
    """
    from mkdocs.livereload import LiveReloadServer

    host, _, port = address.rpartition(":")
    site_dir = Path(tempfile.mkdtemp(prefix="protocols-serve-")) / "site"
    serve_url = f"http://{host}:{port}/"
    langs = [lang.code for lang in site.languages]

    def build_site() -> None:
        """All languages in parallel, as ``protocols build`` does, search index included."""
        fresh = site_dir.with_name(f"{site_dir.name}.new")
        for problem in build(root, site, docs_dir, fresh, strict=False, serve_url=serve_url):
            report(problem.message)
        swap_in(fresh, site_dir)

    def build_languages(names: list[str]) -> None:
        """The changed pages of ``names``, in place (the search index is not updated)."""
        for lang in names:
            for message in build_language(root, site, docs_dir, site_dir, False, lang,
                                          dirty=True, strict=False, serve_url=serve_url):
                if not message.startswith(DIRTY_NOTICE):
                    report(f"MkDocs: {message}")

    def rebuild() -> None:
        start = time.perf_counter()
        changed = regenerate()
        if not changed:
            return
        generated = time.perf_counter()
        if any(not (docs_dir / name).exists() for name in changed):
            build_site()
            report("A file was removed: rebuilt the whole site")
            return
        if not speedups.is_on("language-processes"):
            build_site()  # the plugin's own build knows no single language
            return
        touched = {name.split("/", 1)[0] for name in changed}
        # A file outside the language folders (an asset) is part of every language.
        names = [lang for lang in langs if lang in touched or touched - set(langs)]
        build_languages(names)
        report(f"Rebuilt the changed pages of: {', '.join(names)} "
               f"({generated - start:.1f} s sources, {time.perf_counter() - generated:.1f} s pages)")

    server = LiveReloadServer(builder=rebuild, host=host, port=int(port), root=str(site_dir))
    server.error_handler = lambda code: (site_dir / "404.html").read_bytes() \
        if code == 404 and (site_dir / "404.html").is_file() else None
    try:
        build_site()
        _watch(server, [path for path in watch if path.exists()], report)
        try:
            server.serve()  # type: ignore[no-untyped-call]
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(site_dir.parent, ignore_errors=True)
