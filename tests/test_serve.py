"""`protocols serve`: a real server process, a real edit, the change visible."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

from .conftest import ProjectFactory


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
        assert not (root / ".mkdocs-serve.yml").read_text(encoding="utf-8").count("strict: true")
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert not (root / ".mkdocs-serve.yml").exists()
