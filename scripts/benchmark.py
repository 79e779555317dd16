"""Benchmark `protocols build` against plain Material + mkdocs-static-i18n.

Usage: python scripts/benchmark.py [--busy-core] [--repeat K] 100 300 1000

For each N it writes a synthetic project in the project's own source format (N protocols x
en/nl/id, with cross-links, citations and, on every tenth protocol, a calculator widget) and
times `protocols build` against three plain builds (Material + static-i18n + lunr search, the
project's Markdown extensions, no hooks):

- "same pages": the very Markdown our build generated (content/), protocols out of the nav;
- "bodies in the nav": the protocol bodies alone, one page per protocol and language, as a
  site written without this project would have them, with Material's default navigation
  (every page listed on every page);
- "bodies + A-Z page": the same bodies out of the navigation, reached from one hand-written
  A-Z home page per language: the lightest site a reader could still browse.

A script, not a timed test: the numbers depend on the machine, so they are reported, never
asserted. It prints one Markdown table.

Peak memory is the largest sum of RSS over the build's whole process tree, sampled from
/proc every 50 ms (parallel language builds count together).

Each build runs K times (default 3), all builds in turn, each from the sources alone; the
table gives the fastest run of each (other work on the machine only ever adds time), the
ratio of ours to each, and every run. A run's output is moved aside, not deleted, until the
end (see set_aside). ``--busy-core`` keeps one core busy with another process throughout.

The live preview, once every build is timed: `protocols serve` on each project; one
protocol's English title is edited and the edit undone, three times, and each time the
served page is fetched every 50 ms until it shows the change. The column gives the median
and the longest of the six.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import yaml
from synthetic import LANGS, REPO, make_project  # scripts/synthetic.py, beside this file


def plain_config(root: Path, docs: Path, site: Path, name: str = "plain.yml",
                 in_nav: bool = False) -> Path:
    """Plain Material + static-i18n + lunr over ``docs``: protocols out of the nav (a home page
    per language in it), or with ``in_nav`` Material's default navigation of every page."""
    project = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    languages = [{"locale": lang, "name": lang, "default": lang == "en", "build": True}
                 for lang in LANGS]
    config = {
        "site_name": "Plain", "docs_dir": str(docs), "site_dir": str(site),
        "use_directory_urls": True,
        "theme": {"name": "material", "font": False, "language": "en",
                  "features": project["theme"]["features"]},
        "markdown_extensions": project["markdown_extensions"],
        "extra_css": project["extra_css"], "extra_javascript": project["extra_javascript"],
        "plugins": ["search", {"i18n": {"docs_structure": "folder", "fallback_to_default": False,
                                        "languages": languages}}],
    }
    if not in_nav:
        config["not_in_nav"] = project["not_in_nav"]
        for language in languages:
            language["nav"] = [{"Home": "index.md"}]
    path = root / name
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def bodies_docs(root: Path, docs: Path) -> None:
    """The reader's corpus without this project: each protocol's body per language as a page
    (its own syntax stays text), and per language an A-Z home page linking every protocol
    by its title, as an editor without indexes would write it."""
    titles: dict[str, list[tuple[str, str]]] = {lang: [] for lang in LANGS}
    for lang in LANGS:
        (docs / lang / "protocols").mkdir(parents=True, exist_ok=True)
    for body in sorted(root.glob("protocol_src/protocols/*/*.md")):
        text = body.read_text(encoding="utf-8")
        (docs / body.stem / "protocols" / f"{body.parent.name}.md").write_text(
            text, encoding="utf-8")
        title = re.search(r"^title: (.*)$", text, re.M)
        titles[body.stem].append((title.group(1) if title else body.parent.name, body.parent.name))
    for lang, entries in titles.items():
        lines = ["# A-Z", ""] + [f"- [{title}](protocols/{pid}.md)" for title, pid in sorted(entries)]
        (docs / lang / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


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
    from generator.engine.search import first_query_bytes  # the same computation the README cites
    return {lang: first_query_bytes(site, lang) for lang in LANGS}


# The protocol edited in the preview measurement: one of the middle of the corpus, with
# links both ways, so its page and those naming it are generated again.
EDITED = 5
EDITS = 6  # three edits, each followed by its undo
POLL = 0.05


def _fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def _until(check: Callable[[], bool], seconds: float) -> float:
    """Seconds until ``check()`` holds, polled every 50 ms; an error after ``seconds``."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > seconds:
            raise SystemExit(f"preview: no change after {seconds} s")
        time.sleep(POLL)
    return time.monotonic() - start


def _shows(url: str, text: str, wanted: bool) -> bool:
    return (text in _fetch(url)) == wanted


def preview_latency(root: Path) -> list[float]:
    """`protocols serve` on the project: seconds from saving an edit of one protocol's
    English title to the served page showing it, for each edit and each undo."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"http://127.0.0.1:{port}/protocols/synthetic-{EDITED:04d}/"
    body = root / f"protocol_src/protocols/synthetic-{EDITED:04d}/en.md"
    original = body.read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", original, re.M)
    assert title is not None
    log = (root / "serve.log").open("w", encoding="utf-8")
    server = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--dev-addr",
                               f"127.0.0.1:{port}"], cwd=root, stdout=log, stderr=log)
    seconds = []
    try:
        _until(lambda: title.group(1) in _fetch(url), 900)
        time.sleep(2)  # settled
        for n in range(EDITS // 2):
            marker = f"Edited{n}"
            body.write_text(original.replace(title.group(0), f"{title.group(0)} {marker}", 1),
                            encoding="utf-8")
            seconds.append(_until(partial(_shows, url, marker, True), 60))
            time.sleep(1)
            body.write_text(original, encoding="utf-8")
            seconds.append(_until(partial(_shows, url, marker, False), 60))
            time.sleep(1)
    finally:
        body.write_text(original, encoding="utf-8")
        server.send_signal(signal.SIGTERM)
        server.wait(60)
        log.close()
    return seconds


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# Each build runs this many times, ours and plain in turn; the table gives the fastest
# of each (noise from other work on the machine only ever adds time) and every run.
REPEAT = 3


@dataclass
class Build:
    name: str
    command: list[str]
    out: str  # the build's output folder, relative to the project
    runs: list[Run]
    output: Output | None = None


@dataclass
class Measured:
    count: int
    root: Path
    builds: list[Build]  # ours first


def builds(root: Path) -> list[Build]:
    python = sys.executable
    bodies_docs(root, root / "bodies")
    plain = [("plain, same pages", plain_config(root, root / "content", root / "plain-site"),
              "plain-site"),
             ("plain, bodies in the nav", plain_config(root, root / "bodies", root / "nav-site",
                                                       "nav.yml", in_nav=True), "nav-site"),
             ("plain, bodies + A-Z page", plain_config(root, root / "bodies",
                                                       root / "bodies-site", "bodies.yml"),
              "bodies-site")]
    return [Build("protocols build", [python, "-m", "generator.cli", "build", "--quiet", "--out",
                                      "site"], "site", [])] + [
        Build(name, [python, "-m", "mkdocs", "build", "-q", "-f", str(config)], out, [])
        for name, config, out in plain]


def bench(count: int, tmp: Path, repeat: int) -> Measured:
    root = tmp / f"n{count}"
    make_project(root, count)
    measured = Measured(count, root, builds(root))
    for run in range(repeat):
        for build in measured.builds:  # each run from the sources alone
            for name in (build.out, *(["content"] if build.out == "site" else [])):
                set_aside(root / name, tmp / "set-aside" / f"n{count}-{run}-{name}")
            build.runs.append(timed(build.command, root))
    for build in measured.builds:
        site = root / build.out
        search = pagefind_first_query(site) if build.out == "site" else lunr_first_query(site)
        build.output = measure_output(site, search)
    ours = measured.builds[0].output
    assert ours is not None
    print(f"N={count}: largest page {ours.largest_name}", file=sys.stderr)
    return measured


def rows(measured: Measured, latency: list[float]) -> list[str]:
    shown = (f"{statistics.median(latency):.1f} / {max(latency):.1f} s" if latency else "-")
    best = [min(run.seconds for run in build.runs) for build in measured.builds]
    lines = []
    for n, (build, fastest) in enumerate(zip(measured.builds, best, strict=True)):
        out = build.output
        assert out is not None
        ratio = "-" if n == 0 else f"{best[0] / fastest:.2f}x"
        search = " / ".join(f"{out.search[lang] / 1024:.0f}" for lang in LANGS)
        every = ", ".join(f"{run.seconds:.1f}" for run in build.runs)
        peak = max(run.peak_rss for run in build.runs)
        lines.append(f"| {measured.count} | {build.name} | {fastest:.1f} s | {every} | {ratio} "
                     f"| {peak / 2**20:.0f} MB | {out.largest_page / 1024:.1f} KB "
                     f"| {out.total / 2**20:.1f} MB | {search} | {shown if n == 0 else '-'} |")
    return lines


def set_aside(path: Path, place: Path) -> None:
    """Move a finished run's output out of the way; main() deletes it all at the end.

    Deleted between runs, it would slow the next run's file writes at random: on a file
    system without a journal (this project's machine: ext4, no journal), Linux does not
    reuse an inode freed in the last minute or five, and searches past them for every new
    file. Measured here: 6,159 generated pages written in 0.4 s on a quiet disk, in 4.0 s
    just after an earlier build's output was deleted. Both builds are spared alike.
    """
    if path.exists():
        place.parent.mkdir(parents=True, exist_ok=True)
        path.rename(place)


HEADER = ("| N | build | wall time (fastest) | every run (s) | ours / this | peak memory "
          "| largest page | total output | first-query search KB (en / nl / id) "
          "| preview: edit visible (median / max) |\n"
          "|---|---|---|---|---|---|---|---|---|---|")


def main(counts: list[int], busy_core: bool = False, repeat: int = REPEAT) -> None:
    # Another process keeping one core busy: how the builds share a machine doing other work.
    busy = (subprocess.Popen([sys.executable, "-c", "while True: pass"]) if busy_core else None)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            # Every timed build first: the live preview deletes its site when it stops.
            measured = [bench(count, Path(tmp), repeat) for count in counts]
            table = [row for one in measured for row in rows(one, preview_latency(one.root))]
    finally:
        if busy is not None:
            busy.kill()
    print(f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, {repeat} runs of each build"
          + (", one core busy with another process" if busy_core else ""))
    print(HEADER)
    print("\n".join(table))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("counts", nargs="*", type=int, default=[100, 300])
    parser.add_argument("--busy-core", action="store_true")
    parser.add_argument("--repeat", type=int, default=REPEAT)
    arguments = parser.parse_args()
    main(arguments.counts, arguments.busy_core, arguments.repeat)
