"""Build a site of N synthetic protocols (plus the seeds) and report page sizes and build time.

Usage: python scripts/measure_scale.py 1000
The target of issue 6: every page's HTML stays at most 40 KB at 1,000 protocols. The
corpus is scripts/synthetic.py with every protocol linking to cmv-icu (the worst case
for "Referenced by").
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from synthetic import make_project  # scripts/synthetic.py, beside this file

from generator import pipeline

KB = 1024


def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = make_project(Path(tmp) / "project", count, hub=True)
        start = time.perf_counter()
        pipeline.build(root, root / "site")
        seconds = time.perf_counter() - start
        site = root / "site"
        pages = sorted(site.glob("**/*.html"), key=lambda p: p.stat().st_size)
        print(f"{count} synthetic protocols x 3 languages + seeds: {len(pages)} pages, "
              f"build {seconds:.1f} s")
        print(f"over 40 KB: {sum(p.stat().st_size > 40 * KB for p in pages)}")
        for page in pages[-8:]:
            print(f"{page.stat().st_size / KB:6.1f} KB  {page.relative_to(site)}")
        for kind in ("protocols/synthetic-0000", "protocols/cmv-icu", "indexes/a-z",
                     "indexes/by-specialty", "indexes/by-calculator", "referenced-by/cmv-icu",
                     "calculators/creatinine-clearance"):
            sizes = [(site / prefix / kind / "index.html").stat().st_size
                     for prefix in ("", "nl", "id")]
            print(f"{kind}: " + " / ".join(f"{s / KB:.1f}" for s in sizes) + " KB (en / nl / id)")
        az = sorted(site.glob("indexes/a-z*/index.html"))
        print(f"A-Z (en): {len(az)} pages")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
