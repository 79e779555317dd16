"""The Content-Security-Policy the site is served with.

Protocol content runs no script of its own (see :mod:`generator.checks.sanitize`), but
Material writes a few small fixed inline scripts into every page (storage scope,
colour palette, tab restore). ``script-src 'self'`` alone would block them, so the
policy names each by its SHA-256 hash, which stays as strict: only those exact
scripts run. The scope script contains the page's relative base URL, so there is
one variant per folder depth. ``deploy/nginx/protocols.conf`` carries the policy;
a test fails when a build has an inline script the policy does not name, and
``python -m generator.engine.csp SITE_DIR`` prints the header line to put there.
"""

from __future__ import annotations

import base64
import hashlib
import re
import sys
from pathlib import Path

INLINE_SCRIPT = re.compile(r"<script(\s[^>]*)?>(.*?)</script>", re.S | re.I)
SCRIPT_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
# Script types a browser executes; application/json and the like are data.
EXECUTABLE_TYPES = {"", "text/javascript", "application/javascript", "module"}

# 'wasm-unsafe-eval' lets the site's own WebAssembly (Pagefind's search, from 'self')
# compile; it allows no eval() of JavaScript.
POLICY = ("default-src 'self'; script-src 'self' {hashes} 'wasm-unsafe-eval'; style-src 'self'; "
          "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self'; "
          "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")


def inline_script_hashes(html: str) -> set[str]:
    found = set()
    for match in INLINE_SCRIPT.finditer(html):
        attrs = match.group(1) or ""
        if re.search(r"\bsrc\s*=", attrs, re.I):
            continue
        kind = SCRIPT_TYPE.search(attrs)
        if (kind.group(1).lower() if kind else "") not in EXECUTABLE_TYPES:
            continue
        digest = hashlib.sha256(match.group(2).encode("utf-8")).digest()
        found.add(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return found


def site_hashes(site: Path) -> set[str]:
    hashes: set[str] = set()
    for page in sorted(site.rglob("*.html")):
        hashes |= inline_script_hashes(page.read_text(encoding="utf-8"))
    return hashes


def policy(hashes: set[str]) -> str:
    return POLICY.format(hashes=" ".join(sorted(hashes)))


if __name__ == "__main__":
    print(f'add_header Content-Security-Policy "{policy(site_hashes(Path(sys.argv[1])))}" always;')
