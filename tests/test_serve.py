"""`protocols serve`: a real server process, a real edit, the change visible."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request

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
        "status: approved", "status: draft"), encoding="utf-8")
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
