"""The nginx configuration in deploy/nginx/, run on loopback over an exported tree."""

from __future__ import annotations

import gzip
import http.client
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.engine.csp import site_hashes

from .servers import DEPLOY, export_tree, nginx_binary, nginx_server, require


@pytest.fixture(scope="module")
def site(seed_build: Path) -> Path:
    return seed_build / "site"


@pytest.fixture(scope="module")
def base(site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require("nginx", nginx_binary() is not None)
    tmp = tmp_path_factory.mktemp("nginx")
    with nginx_server(export_tree(site, tmp / "export"), tmp / "prefix") as url:
        yield url


def fetch(base: str, path: str, gzip_ok: bool = False) -> http.client.HTTPResponse:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    connection.request("GET", path, headers={"Accept-Encoding": "gzip"} if gzip_ok else {})
    response = connection.getresponse()
    response.read_body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


def configured_policy() -> str:
    text = (DEPLOY / "protocols-headers.conf").read_text(encoding="utf-8")
    match = re.search(r'add_header Content-Security-Policy "([^"]+)" always;', text)
    assert match
    return match.group(1)


def test_policy_names_every_inline_script_of_the_build(site: Path) -> None:
    missing = site_hashes(site) - set(re.findall(r"'sha256-[^']+'", configured_policy()))
    assert not missing, ("inline scripts not allowed by deploy/nginx/protocols-headers.conf; "
                         f"regenerate it with: python -m generator.engine.csp SITE ({missing})")


def test_policy_is_strict() -> None:
    policy = configured_policy()
    assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
    assert "script-src 'self' 'sha256-" in policy and "object-src 'none'" in policy


SECURITY = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "SAMEORIGIN",
}


@pytest.mark.parametrize("path", ["/latest/", "/latest/protocols/cmv-icu/",
                                  "/1.0/nl/protocols/cmv-icu/", "/latest/id/",
                                  "/latest/assets/protocols.css", "/nowhere/", "/"])
def test_security_headers_on_every_response(base: str, path: str) -> None:
    response = fetch(base, path)
    assert response.getheader("Content-Security-Policy") == configured_policy()
    for name, value in SECURITY.items():
        assert response.getheader(name) == value


def test_latest_is_served(base: str) -> None:
    root = fetch(base, "/")
    assert (root.status, root.getheader("Location")) == (302, "/latest/")
    bare = fetch(base, "/latest")
    assert (bare.status, bare.getheader("Location")) == (301, "/latest/")
    page = fetch(base, "/latest/nl/protocols/cmv-icu/")
    assert page.status == 200
    assert b'<html lang="nl"' in page.read_body  # type: ignore[attr-defined]
    assert fetch(base, "/1.0/protocols/cmv-icu/").status == 200
    missing = fetch(base, "/latest/protocols/nowhere/")
    assert missing.status == 404
    assert b"404" in missing.read_body  # type: ignore[attr-defined]


def test_cache_headers(base: str, site: Path) -> None:
    css = next((site / "assets/stylesheets").glob("main.*.min.css")).name
    assert fetch(base, "/latest/").getheader("Cache-Control") == "no-cache"
    assert fetch(base, "/1.0/protocols/cmv-icu/index.html").getheader(
        "Cache-Control") == "no-cache"
    assert fetch(base, "/versions.json").getheader("Cache-Control") == "no-cache"
    assert fetch(base, f"/1.0/assets/stylesheets/{css}").getheader(
        "Cache-Control") == "public, max-age=31536000, immutable"
    assert fetch(base, f"/latest/assets/stylesheets/{css}").getheader(
        "Cache-Control") == "public, max-age=3600"


@pytest.mark.parametrize("path", ["/latest/protocols/cmv-icu/", "/latest/assets/protocols.css",
                                  "/latest/pagefind/pagefind.js"])
def test_gzip(base: str, path: str) -> None:
    response = fetch(base, path, gzip_ok=True)
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert gzip.decompress(response.read_body)  # type: ignore[attr-defined]
