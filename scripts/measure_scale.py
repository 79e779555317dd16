"""Build a site of N synthetic protocols (plus the seeds) and report page sizes and build time.

Usage: python scripts/measure_scale.py 1000
The target of issue 3: a protocol page's HTML stays at most 40 KB at 1,000 protocols.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from generator import pipeline

REPO = Path(__file__).resolve().parent.parent

YAML = """\
id: {id}
version: "1.0"
status: approved
original_language: en
owner: Infectious Diseases
review_due: 2030-01-01
approved_by: Dr. A. Test
approved_on: 2025-01-01
specialties: [infectious-diseases]
changelog:
  - version: "1.0"
    date: 2025-01-01
    note: First version.
"""

BODY = """\
---
title: Synthetic protocol {n}
aliases: ["Alias {n}"]
---

CMV and PCR, see [[cmv-icu]].

## Dosing {{#dosing}}

Text.
"""


def make_project(root: Path, count: int) -> None:
    for name in ("site_config", "protocol_src"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for n in range(count):
        folder = root / "protocol_src" / "protocols" / f"synthetic-{n:04d}"
        folder.mkdir(parents=True)
        (folder / "protocol.yaml").write_text(YAML.format(id=f"synthetic-{n:04d}"))
        (folder / "en.md").write_text(BODY.format(n=n))


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "project"
        make_project(root, count)
        start = time.perf_counter()
        pipeline.build(root, root / "site")
        seconds = time.perf_counter() - start
        site = root / "site"
        pages = sorted(site.glob("**/protocols/*/index.html"), key=lambda p: p.stat().st_size)
        largest = pages[-1]
        print(f"{count} synthetic protocols + seeds, {len(pages)} protocol pages, "
              f"build {seconds:.1f} s")
        print(f"largest protocol page: {largest.relative_to(site)} {largest.stat().st_size} bytes")
        print(f"synthetic page: {(site / 'protocols/synthetic-0000/index.html').stat().st_size} bytes")
        print(f"cmv-icu (en, referenced by all): "
              f"{(site / 'protocols/cmv-icu/index.html').stat().st_size} bytes")
        print(f"A-Z index (en): {(site / 'indexes/a-z/index.html').stat().st_size} bytes")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
