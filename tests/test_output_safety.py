"""No command destroys work: the output-folder rule, crash-safe swaps, SIGTERM, EXDEV.

Each test works in a temporary copy of the project and runs the real command, in this
process (``main``) or, where a process is killed, in a child of its own.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.cli import main
from generator.engine.fsutil import MARKER
from generator.pipeline import tidy_after_crash

from .conftest import REPO, ProjectFactory, minimal_protocol

# The command as a child process, running this checkout's code.
PROTOCOLS = [sys.executable, "-m", "generator.cli"]
ENV = dict(os.environ, PYTHONPATH=str(REPO))
BODY = "protocol_src/protocols/acme/en.md"


def digest(root: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file under ``root`` (but those under ``skip``) and a hash of its bytes."""
    found = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not rel.startswith(skip):
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture
def project(make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(minimal_protocol("acme", "Acme dosing"))
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "notes.txt").write_text("uncommitted work\n", encoding="utf-8")
    monkeypatch.chdir(root)
    return root


@pytest.mark.parametrize(("out", "says"), [
    (".", "refusing to replace the project folder or a folder above it"),
    ("..", "refusing to replace the project folder or a folder above it"),
    ("protocol_src", "refusing to write into the project's protocol_src/"),
    ("protocol_src/protocols/new", "refusing to write into the project's protocol_src/"),
    ("site_config", "refusing to write into the project's site_config/"),
    ("content", "refusing to write into the project's content/"),
    (".git", "refusing to write into the project's .git/"),
])
def test_build_never_replaces_the_project(project: Path, out: str, says: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    before = digest(project.parent)
    assert main(["build", "--quiet", "--out", out]) == 1
    assert says in capsys.readouterr().err
    assert digest(project.parent) == before


@pytest.mark.parametrize("command", ["build", "export"])
def test_a_folder_not_written_by_us_is_never_emptied(project: Path, command: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    notes = project.parent / "notes"
    notes.mkdir()
    (notes / "minutes.md").write_text("someone's notes\n", encoding="utf-8")
    argv = ["build", "--quiet", "--out", str(notes)] if command == "build" \
        else ["export", str(notes)]
    assert main(argv) == 1
    assert f"{notes} is not empty and holds no {MARKER}" in capsys.readouterr().err
    assert (notes / "minutes.md").read_text(encoding="utf-8") == "someone's notes\n"


def test_export_never_replaces_the_project(project: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    before = digest(project)
    assert main(["export", "."]) == 1
    assert "refusing to replace the project folder" in capsys.readouterr().err
    assert digest(project) == before


def test_an_empty_or_earlier_output_is_replaced(project: Path) -> None:
    out = project.parent / "public"
    out.mkdir()
    assert main(["build", "--quiet", "--out", str(out)]) == 0
    assert (out / MARKER).is_file() and (out / "index.html").is_file()
    (project / BODY).write_text((project / BODY).read_text(encoding="utf-8")
                                .replace("Acme dosing", "Acme dosing two"), encoding="utf-8")
    assert main(["build", "--quiet", "--out", str(out)]) == 0
    assert "Acme dosing two" in (out / "protocols" / "acme" / "index.html").read_text(encoding="utf-8")
    assert sorted(p.name for p in project.parent.iterdir()) == ["project", "public"]


def test_output_on_another_file_system(project: Path) -> None:
    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == project.stat().st_dev:
        pytest.skip("no second file system to build onto")
    out = shm / f"protocols-test-{os.getpid()}"
    try:
        for _ in range(2):  # into an absent folder, then over the first build
            assert main(["build", "--quiet", "--out", str(out)]) == 0
            assert (out / "protocols" / "acme" / "index.html").is_file()
        assert sorted(p.name for p in shm.iterdir() if p.name.startswith(f".{out.name}")) == []
    finally:
        subprocess.run(["rm", "-rf", str(out)], check=False)


# A build in a child process that SIGKILLs itself at the n-th step of swapping its
# trees in: writing the journal, each rename or exchange of two names, each removal.
KILLER = """
import os, shutil, signal, sys
from generator.engine import fsutil
from generator.cli import main

kill_at, steps = int(os.environ["KILL_AT"]), [0]
if os.environ.get("NO_EXCHANGE"):
    fsutil._exchange = lambda a, b: False

def step(real, starts=lambda *args: False):
    def wrapped(*args, **kwargs):
        if steps[0] or starts(*args):
            steps[0] += 1
        if steps[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return wrapped

if hasattr(fsutil, "_write_atomic"):  # the journal: the first step
    fsutil._write_atomic = step(fsutil._write_atomic, starts=lambda *args: True)
os.rename = step(os.rename, starts=lambda new, *rest: os.path.basename(new) == "docs")
if hasattr(fsutil, "_exchange"):
    fsutil._exchange = step(fsutil._exchange)
shutil.rmtree = step(shutil.rmtree)
sys.exit(main(sys.argv[1:]))
"""


def leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("."))


def run_killed(root: Path, kill_at: int, exchange: bool) -> int:
    env = dict(ENV, KILL_AT=str(kill_at), NO_EXCHANGE="" if exchange else "1")
    return subprocess.run([sys.executable, "-c", KILLER, "build", "--quiet"], cwd=root, env=env,
                          capture_output=True, check=False).returncode


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "rename-aside"])
def test_a_build_killed_while_swapping_is_finished_by_the_next(project: Path,
                                                                exchange: bool) -> None:
    assert main(["build", "--quiet"]) == 0
    body = project / BODY
    first = body.read_text(encoding="utf-8")
    for kill_at in range(1, 20):
        body.write_text(first.replace("Acme dosing", f"Acme dosing {kill_at}"), encoding="utf-8")
        code = run_killed(project, kill_at, exchange)
        if code == 0:
            break  # fewer steps than kill_at: every moment has been tried
        assert code == -signal.SIGKILL
        if exchange:  # one exchange is atomic: the trees are always there
            assert (project / "site" / "index.html").is_file()
            assert (project / "content").is_dir()
        # what the next build does first: finish the swaps, remove every leftover
        tidy_after_crash(project, project / "site")
        assert leftovers(project) == [".git"]
        site = (project / "site" / "protocols" / "acme" / "index.html").read_text(encoding="utf-8")
        content = (project / "content" / "en" / "protocols" / "acme.md").read_text(encoding="utf-8")
        assert (f"Acme dosing {kill_at}" in site) == (f"Acme dosing {kill_at}" in content), \
            f"killed at step {kill_at}: content/ and site/ are from different builds"
    else:
        pytest.fail("the build never finished")
    assert leftovers(project) == [".git"]


def descendants(pid: int) -> set[int]:
    """Every living process whose parent chain leads to ``pid``."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def running(pids: set[int]) -> set[int]:
    """Those of ``pids`` that still run (not ended, nor zombies waiting to be reaped)."""
    alive = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            alive.add(pid)
    return alive


def test_sigterm_ends_every_worker_and_removes_staging(project: Path) -> None:
    if not Path("/proc/self/stat").exists():
        pytest.skip("needs /proc")
    assert main(["build", "--quiet"]) == 0
    before = digest(project / "site")
    build = subprocess.Popen([*PROTOCOLS, "build", "--quiet"], cwd=project, env=ENV,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 3 and time.monotonic() < deadline:  # the language builds run
        workers = descendants(build.pid)
        time.sleep(0.02)
    assert len(workers) >= 3, "the build never started its workers"
    build.send_signal(signal.SIGTERM)  # to the command alone, as a CI timeout may
    assert build.wait(60) != 0
    deadline = time.monotonic() + 10
    while running(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running(workers) == set(), "worker processes outlived the build"
    assert leftovers(project) == [".git"]
    assert digest(project / "site") == before


def test_sigterm_to_publish_leaves_no_temporary_folder(project: Path, tmp_path: Path) -> None:
    for args in (["config", "user.name", "Test Editor"],
                 ["config", "user.email", "editor@example.org"],
                 ["add", "-A"], ["commit", "-q", "-m", "sources"],
                 ["branch", "-M", "main"]):  # publish releases the tip of main only
        subprocess.run(["git", "-C", str(project), *args], check=True, capture_output=True)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    publish = subprocess.Popen([*PROTOCOLS, "publish", "r1"], cwd=project,
                               env=dict(ENV, TMPDIR=str(tmp)),
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: set[int] = set()
    deadline = time.monotonic() + 60
    while len(workers) < 3 and time.monotonic() < deadline:  # building the release
        workers = descendants(publish.pid) - {publish.pid}
        time.sleep(0.02)
    assert len(workers) >= 3, "the release build never started its workers"
    assert any(p.name.startswith("protocols-release-") for p in tmp.iterdir())
    publish.send_signal(signal.SIGTERM)
    assert publish.wait(60) != 0
    deadline = time.monotonic() + 10
    while running(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running(workers) == set(), "worker processes outlived the publish"
    assert sorted(p.name for p in tmp.iterdir()) == []
