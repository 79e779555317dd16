"""`protocols serve`: a real server process, a real edit, the change visible."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from .conftest import ProjectFactory, minimal_protocol


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def _wait_for(url: str, text: str, seconds: float) -> float | None:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if text in _fetch(url):
            return time.monotonic() - start
        time.sleep(0.1)
    return None


def test_serve_shows_drafts_and_follows_edits(make_project: ProjectFactory) -> None:
    root = make_project(seeds=True)
    body = root / "protocol_src/protocols/cmv-icu/nl.md"
    yaml_file = root / "protocol_src/protocols/cmv-icu/protocol.yaml"
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace(
        "status: review", "status: draft"), encoding="utf-8")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/nl/protocols/cmv-icu/"
    try:
        assert _wait_for(url, "CMV op de IC", 60) is not None, "server did not come up"
        assert "Niet vastgesteld: Concept" in _fetch(url), "a draft must carry its status banner"
        for attempt in ("eerste", "tweede"):
            # Twice: the second edit proves that rebuilds keep working.
            body.write_text(body.read_text(encoding="utf-8").replace(
                "title: CMV op de IC", f"title: CMV op de IC ({attempt} bewerking)"),
                encoding="utf-8")
            seen = _wait_for(url, f"({attempt} bewerking)", 15)
            assert seen is not None, f"edit {attempt} never appeared"
            body.write_text(body.read_text(encoding="utf-8").replace(
                f" ({attempt} bewerking)", ""), encoding="utf-8")
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    # Only the Dutch title changed (the English and Indonesian pages carry their own
    # translation or English fallback): only the Dutch pages are built again.
    rebuilt = [line for line in output.splitlines() if line.startswith("Rebuilt")]
    assert rebuilt and {line.split(" (")[0] for line in rebuilt} == {
        "Rebuilt the changed pages of: nl"}, output
    assert server.returncode == 0, output


def test_serve_keeps_the_last_good_pages_and_drops_a_removed_protocol(
        make_project: ProjectFactory) -> None:
    root = make_project(minimal_protocol("short-lived", "Short-lived"), seeds=True)
    body = root / "protocol_src/protocols/cmv-icu/nl.md"
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    page = f"{base}/nl/protocols/cmv-recurrent-anemia/"
    try:
        assert _wait_for(page, "<html", 60) is not None, "server did not come up"
        # A broken link: the error is printed and the pages stay as they were.
        text = body.read_text(encoding="utf-8")
        body.write_text(text + "\n[[no-such-protocol]]\n", encoding="utf-8")
        time.sleep(3)
        assert "CMV op de IC" in _fetch(f"{base}/nl/protocols/cmv-icu/")
        body.write_text(text, encoding="utf-8")
        # A removed protocol: its pages go, the others stay.
        removed = f"{base}/protocols/short-lived/"
        assert "Short-lived" in _fetch(removed)
        shutil.rmtree(root / "protocol_src/protocols/short-lived")
        gone = time.monotonic()
        while time.monotonic() - gone < 40 and _fetch(removed):
            time.sleep(0.2)
        assert _fetch(removed) == ""
        assert "<html" in _fetch(page)
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0]
    assert "no-such-protocol" in output, output
    assert "A file was removed: rebuilt the whole site" in output, output


def _server(tmp_path: Path) -> Any:
    from mkdocs.livereload import LiveReloadServer

    return LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=_free_port(),
                            root=str(tmp_path))


def test_the_preview_watches_by_file_events(tmp_path: Path) -> None:
    from watchdog.observers.polling import PollingObserver

    from generator.engine.preview import _watch

    server = _server(tmp_path)
    messages: list[str] = []
    _watch(server, [tmp_path], messages.append)
    assert not isinstance(server.observer, PollingObserver)
    assert list(server._watched_paths) == [str(tmp_path)] and messages == []


def test_the_preview_polls_where_there_are_no_file_events(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import watchdog.observers
    from watchdog.observers.polling import PollingObserver

    from generator.engine.preview import _watch

    class NoEvents(watchdog.observers.Observer):  # type: ignore[misc,valid-type]
        def schedule(self, *args: Any, **kwargs: Any) -> Any:
            raise OSError(28, "inotify watch limit reached")

    monkeypatch.setattr(watchdog.observers, "Observer", NoEvents)
    server = _server(tmp_path)
    messages: list[str] = []
    _watch(server, [tmp_path, tmp_path / "sub"], messages.append)
    assert isinstance(server.observer, PollingObserver)
    assert list(server._watched_paths) == [str(tmp_path), str(tmp_path / "sub")]
    assert messages == ["Watching the sources by polling (no file events: "
                        "[Errno 28] inotify watch limit reached)"]


def test_a_rebuilt_language_leaves_the_sites_404_page(seed_build: Path, tmp_path: Path) -> None:
    """A dirty rebuild of Dutch renders the edited page again, and 404.html stays the
    default language's (MkDocs would render it again, in Dutch)."""
    from generator.engine import mkdocs_site
    from generator.sources.config import load_site_config
    from generator.sources.problems import Problems

    site_dir = tmp_path / "site"
    shutil.copytree(seed_build / "site", site_dir)
    page = site_dir / "nl/protocols/cmv-icu/index.html"
    before_404, before_page = (site_dir / "404.html").read_bytes(), page.stat().st_mtime_ns
    docs = tmp_path / "content"
    shutil.copytree(seed_build / "content", docs)  # with their times
    time.sleep(0.01)
    (docs / "nl/protocols/cmv-icu.md").touch()
    settings = load_site_config(seed_build, Problems())
    mkdocs_site.build_language(seed_build, settings, docs, site_dir, False, "nl", dirty=True,
                               strict=False)
    assert page.stat().st_mtime_ns > before_page
    assert (site_dir / "404.html").read_bytes() == before_404
    assert not (site_dir / "nl/404.html").exists() or b'lang="nl"' in (
        site_dir / "nl/404.html").read_bytes()


def _rebuild_wanted(server: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server._want_rebuild:
            return True
        time.sleep(0.02)
    return False


def test_reading_the_sources_asks_for_no_rebuild_and_changing_them_does(tmp_path: Path) -> None:
    from generator.engine.preview import _watch

    sources = tmp_path / "protocol_src"
    (sources / "one").mkdir(parents=True)
    (sources / "one/en.md").write_text("text")
    server = _server(tmp_path / "site")
    _watch(server, [sources], lambda message: None)
    server.observer.start()
    try:
        time.sleep(0.2)
        (sources / "one/en.md").read_text()  # what every rebuild does to every source
        assert not _rebuild_wanted(server, 0.5)
        for change in (lambda: (sources / "one/en.md").write_text("edited"),
                       lambda: (sources / "two").mkdir(),
                       lambda: (sources / "one").rename(tmp_path / "taken-out")):
            server._want_rebuild = False
            change()
            assert _rebuild_wanted(server, 3)
    finally:
        server.observer.stop()
        server.observer.join()


def test_a_second_stop_signal_does_not_cut_the_shutdown_short(
        make_project: ProjectFactory, tmp_path: Path) -> None:
    """Ctrl-C pressed again while the preview stops, or SIGTERM sent to `make serve`'s
    process group (make passes its own on to the server, which so gets two): the first
    stops the server, the rest must not interrupt its shutdown. Before, one of them could
    land in the middle of it: the process ended with an error (130) before closing the
    port and removing its temporary site, or went on serving pages it had deleted."""
    root = make_project(seeds=True)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "generator.cli", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "TMPDIR": str(temporary)})
    try:
        assert _wait_for(f"http://127.0.0.1:{port}/nl/protocols/cmv-icu/", "CMV", 60) is not None
        assert list(temporary.iterdir()), "the preview's site is in the temporary folder"
        end = time.monotonic() + 2
        while server.poll() is None and time.monotonic() < end:
            for stop in (signal.SIGTERM, signal.SIGINT):
                server.send_signal(stop)
                time.sleep(0.002)
        output = server.communicate(timeout=20)[0]
    finally:
        server.kill()
    assert server.returncode == 0, output
    assert not list(temporary.iterdir()), "the temporary site was left behind"
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "the port is still served"
