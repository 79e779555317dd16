"""Local servers for the browser and nginx tests: 127.0.0.1 only, random free ports,
stopped by the process or thread that started them."""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from .conftest import REPO

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
DEPLOY = REPO / "deploy" / "nginx"


def require(tool: str, present: bool) -> None:
    """Skip when a tool is missing on a developer's machine; in CI it is mandatory."""
    if present:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{tool} is missing; it is mandatory in CI (see scripts/ensure-chromium)")
    pytest.skip(f"{tool} is missing")


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port}")


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def static_server(root: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def export_tree(site: Path, dest: Path, release: str = "1.0") -> Path:
    """The layout of `protocols export`: RELEASE/, latest/ (a copy), versions.json, index.html."""
    shutil.copytree(site, dest / release)
    shutil.copytree(site, dest / "latest")
    (dest / "versions.json").write_text(json.dumps(
        [{"version": release, "title": release, "aliases": ["latest"]}]), encoding="utf-8")
    (dest / "index.html").write_text(
        '<!doctype html><meta http-equiv="refresh" content="0; url=latest/">', encoding="utf-8")
    return dest


@contextmanager
def nginx_server(tree: Path, prefix: Path) -> Iterator[str]:
    """The repository's nginx configuration serving ``tree`` on 127.0.0.1 and a free port."""
    binary = nginx_binary()
    assert binary is not None
    port = free_port()
    conf = prefix / "conf"
    conf.mkdir(parents=True)
    (prefix / "logs").mkdir()
    shutil.copy(DEPLOY / "protocols-headers.conf", conf)
    server = (DEPLOY / "protocols.conf").read_text(encoding="utf-8")
    server = re.sub(r"(?m)^(\s*)listen .*;$", rf"\1listen 127.0.0.1:{port};", server)
    server = re.sub(r"(?m)^(\s*)root .*;$", rf"\1root {tree};", server)
    (conf / "protocols.conf").write_text(server, encoding="utf-8")
    temp = "\n".join(f"    {name}_temp_path {prefix}/{name};"
                     for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    # As root, nginx's workers would drop to 'nobody', who cannot read pytest's folders.
    user = "user root;" if os.geteuid() == 0 else ""
    (conf / "nginx.conf").write_text(f"""\
{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log;
events {{ worker_connections 64; }}
http {{
    {mime}
    default_type application/octet-stream;
    access_log {prefix}/logs/access.log;
    # Bytes as sent, headers included, per request: what a reader's browser downloads.
    log_format sizes '$request_uri $status $bytes_sent $body_bytes_sent';
    access_log {prefix}/logs/sizes.log sizes;
{temp}
    include protocols.conf;
}}
""", encoding="utf-8")
    process = subprocess.Popen([binary, "-p", str(prefix), "-c", str(conf / "nginx.conf"),
                                "-g", "daemon off;"], stderr=subprocess.PIPE)
    try:
        try:
            wait_for_port(port)
        except TimeoutError:
            process.terminate()
            raise RuntimeError(process.communicate(timeout=5)[1].decode()) from None
        yield f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            process.terminate()  # SIGTERM: nginx's master stops its workers
            process.wait(timeout=10)
