"""Benchmark `protocols build` against plain Material + mkdocs-static-i18n on the same bodies.

Usage: python scripts/benchmark.py 100 300 1000

For each N it writes a synthetic project in the project's own source format
(N protocols x en/nl/id, with cross-links, citations and, on every tenth
protocol, a calculator widget), builds it with `protocols build` in a
subprocess, then builds the very Markdown that build generated (content/) with
a plain mkdocs.yml: Material + static-i18n + lunr search, protocols out of the
nav, no hooks. It prints one Markdown table. A script, not a timed test: the
numbers depend on the machine, so they are reported, never asserted.

Peak memory is the largest sum of RSS over the build's whole process tree,
sampled from /proc every 50 ms (parallel language builds count together).
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml
from synthetic import LANGS, REPO, make_project  # scripts/synthetic.py, beside this file


def plain_config(root: Path, docs: Path, site: Path) -> Path:
    """Plain Material + static-i18n + lunr over the generated Markdown, protocols out of the nav."""
    project = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config = {
        "site_name": "Plain", "docs_dir": str(docs), "site_dir": str(site),
        "use_directory_urls": True,
        "theme": {"name": "material", "font": False, "language": "en",
                  "features": project["theme"]["features"]},
        "markdown_extensions": project["markdown_extensions"],
        "not_in_nav": project["not_in_nav"],
        "extra_css": project["extra_css"], "extra_javascript": project["extra_javascript"],
        "plugins": [
            "search",
            {"i18n": {"docs_structure": "folder", "fallback_to_default": False,
                      "languages": [
                          {"locale": lang, "name": lang, "default": lang == "en", "build": True,
                           "nav": [{"Home": "index.md"}]} for lang in LANGS]}},
        ],
    }
    path = root / "plain.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


@dataclass
class Run:
    seconds: float
    peak_rss: int


def _tree_rss(pid: int) -> int:
    """RSS in bytes of ``pid`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        child = int(entry)
        children.setdefault(int(fields[1]), []).append(child)
        rss[child] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo.extend(children.get(current, []))
    return total


def timed(command: list[str], cwd: Path) -> Run:
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, stderr = process.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr[-3000:]}")
    return Run(seconds, peak)


@dataclass
class Output:
    largest_page: int
    largest_name: str
    total: int
    search: dict[str, int]


def measure_output(site: Path, search: dict[str, int]) -> Output:
    pages = [(p.stat().st_size, str(p.relative_to(site))) for p in site.rglob("*.html")]
    size, name = max(pages)
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    return Output(size, name, total, search)


def lunr_first_query(site: Path) -> dict[str, int]:
    """Bytes a first lunr search fetches: one index of all languages, gzipped as nginx serves it,
    plus the search worker (the same for every language)."""
    index = gzip.compress((site / "search/search_index.json").read_bytes())
    worker = sum(len(gzip.compress(p.read_bytes()))
                 for p in (site / "assets/javascripts/workers").glob("search.*.min.js"))
    return {lang: len(index) + worker for lang in LANGS}


def pagefind_first_query(site: Path) -> dict[str, int]:
    from generator.search import first_query_bytes  # the same computation the README cites
    return {lang: first_query_bytes(site, lang) for lang in LANGS}


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def bench(count: int, tmp: Path) -> list[str]:
    root = tmp / f"n{count}"
    make_project(root, count)
    python = sys.executable
    ours = timed([python, "-m", "generator.cli", "build", "--quiet", "--out", "site"], root)
    ours_out = measure_output(root / "site", pagefind_first_query(root / "site"))
    plain = timed([python, "-m", "mkdocs", "build", "-q", "-f", str(
        plain_config(root, root / "content", root / "plain-site"))], root)
    plain_out = measure_output(root / "plain-site", lunr_first_query(root / "plain-site"))
    rows = []
    for name, run, out, ratio in (("protocols build", ours, ours_out, ours.seconds / plain.seconds),
                                  ("plain Material", plain, plain_out, 1.0)):
        search = " / ".join(f"{out.search[lang] / 1024:.0f}" for lang in LANGS)
        rows.append(f"| {count} | {name} | {run.seconds:.1f} s | {ratio:.2f}x "
                    f"| {run.peak_rss / 2**20:.0f} MB | {out.largest_page / 1024:.1f} KB "
                    f"| {out.total / 2**20:.1f} MB | {search} |")
    print(f"N={count}: largest page {ours_out.largest_name}", file=sys.stderr)
    shutil.rmtree(root)
    return rows


HEADER = ("| N | build | wall time | ratio to plain | peak memory | largest page "
          "| total output | first-query search KB (en / nl / id) |\n"
          "|---|---|---|---|---|---|---|---|")


def main(counts: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rows = [row for count in counts for row in bench(count, Path(tmp))]
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}")
    print(HEADER)
    print("\n".join(rows))


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [100, 300])
