"""`protocols check PATH ...` and `--changed`: the editor's own problems, the rest counted;
`serve` shows the problems of what the editor touched first."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import cli, pipeline
from generator.checks.scope import scope_of, split
from generator.cli import main
from generator.sources.problems import Problem

from .conftest import MINIMAL_BODY, MINIMAL_YAML, REPO, ProjectFactory

# The seeds' own warnings (facts their sources do not record), counted as `check` counts them.
SEED_WARNINGS = len(pipeline.check(REPO).warnings)
OWN = "protocol_src/protocols/sepsis"
# A draft with one warning of its own (no review date) and one error (an unknown link).
OWN_FILES = {
    f"{OWN}/protocol.yaml": MINIMAL_YAML.format(id="sepsis").replace(
        "review_due: 2030-01-01", "review_due: null"),
    f"{OWN}/en.md": MINIMAL_BODY.format(title="Sepsis") + "\nSee [[nowhere]].\n",
}
OWN_PROBLEMS = [
    f"{OWN}/en.md:9: error: link to unknown protocol 'nowhere'",
    f"{OWN}/protocol.yaml:6: warning: review_due is not recorded",
    "1 error(s), 1 warning(s)",
]
ELSEWHERE = (f"(elsewhere in the project: 0 error(s), {SEED_WARNINGS} warning(s); "
             "`protocols check` lists them)")


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


@pytest.fixture
def project(make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_project(OWN_FILES, seeds=True)
    monkeypatch.chdir(root)
    return root


def test_whole_check_lists_the_seed_warnings(project: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == \
        f"1 error(s), {SEED_WARNINGS + 1} warning(s)"


@pytest.mark.parametrize("path", [OWN, f"{OWN}/", f"{OWN}/en.md", f"{OWN}/protocol.yaml",
                                  "./protocol_src/protocols/../protocols/sepsis"])
def test_check_a_protocol_reports_only_its_problems(project: Path, path: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", path]) == 1
    assert capsys.readouterr().out.splitlines() == [*OWN_PROBLEMS, ELSEWHERE]


def test_an_absolute_path_works_too(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(project / OWN / "nl.md").replace("nl.md", "en.md")]) == 1
    assert capsys.readouterr().out.splitlines() == [*OWN_PROBLEMS, ELSEWHERE]


def test_a_clean_protocol_exits_0_whatever_the_rest(project: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "protocol_src/protocols/cmv-icu"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert all(line.startswith("protocol_src/protocols/cmv-icu/") for line in out[:-2])
    cmv_icu = sum(p.path.startswith("protocol_src/protocols/cmv-icu/")
                  for p in pipeline.check(REPO).warnings)
    assert out[-1] == (f"(elsewhere in the project: 1 error(s), {SEED_WARNINGS - cmv_icu + 1} warning(s); "
                       "`protocols check` lists them)")


def test_a_protocol_does_not_select_one_whose_id_starts_alike(
        make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    files = {**OWN_FILES,
             **{path.replace("/sepsis", "/sepsis-adults"): text.replace("id: sepsis",
                                                                        "id: sepsis-adults")
                for path, text in OWN_FILES.items()}}
    monkeypatch.chdir(make_project(files))
    assert main(["check", OWN]) == 1
    assert capsys.readouterr().out.splitlines() == [
        *OWN_PROBLEMS, "(elsewhere in the project: 1 error(s), 1 warning(s); "
        "`protocols check` lists them)"]


@pytest.mark.parametrize(("path", "message"), [
    ("protocol_src/protocols/sepsiss", "no such file or folder: 'protocol_src/protocols/sepsiss'"),
    ("/etc", "'/etc' is outside the project"),
])
def test_a_bad_path_is_a_usage_error(project: Path, capsys: pytest.CaptureFixture[str],
                                     path: str, message: str) -> None:
    assert main(["check", path]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"protocols check: error: {message}")


def _repo_with_branch(root: Path) -> None:
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "start")
    git(root, "switch", "-q", "-c", "edit")


def test_changed_reports_the_protocols_changed_since_main(
        make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(seeds=True)
    monkeypatch.chdir(root)
    _repo_with_branch(root)
    assert main(["check", "--changed"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "protocols check: no sources changed since 'main'\n"
    assert captured.out.splitlines() == ["0 error(s), 0 warning(s)", ELSEWHERE]
    for rel, text in OWN_FILES.items():  # new, untracked files
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    assert main(["check", "--changed"]) == 1
    assert capsys.readouterr().out.splitlines() == [*OWN_PROBLEMS, ELSEWHERE]


def test_changed_counts_committed_edits_too(make_project: ProjectFactory,
                                           monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(seeds=True)
    monkeypatch.chdir(root)
    _repo_with_branch(root)
    path = root / "protocol_src/protocols/cmv-icu/en.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nSee [[nowhere]].\n", encoding="utf-8")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "edit")
    assert main(["check", "--changed"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "protocol_src/protocols/cmv-icu/en.md:62: error: link to unknown protocol " \
           "'nowhere'" in out
    assert all(line.startswith("protocol_src/protocols/cmv-icu/") for line in out[:-2])


def test_changed_without_the_branch_says_so(project: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--changed"]) == 2
    assert "is not a git repository: name the protocols to check" in capsys.readouterr().err
    git(project, "init", "-q", "-b", "trunk")
    git(project, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q",
        "--allow-empty", "-m", "x")
    assert main(["check", "--changed"]) == 2
    assert capsys.readouterr().err == (
        "protocols check: error: no branch 'main' to compare with: name one with --base\n")
    assert main(["check", "--changed", "--base", "trunk"]) == 1


def test_serve_prints_the_touched_protocols_problems_and_counts_the_rest(
        make_project: ProjectFactory, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(seeds=True)
    monkeypatch.chdir(root)
    _repo_with_branch(root)
    own = [Problem(f"{OWN}/protocol.yaml", 6, "review_due is not recorded", "warning")]
    seed = [Problem("protocol_src/protocols/cmv-icu/protocol.yaml", n, "x", "warning")
            for n in range(1, 4)]
    broken = Problem("protocol_src/protocols/cmv-icu/en.md", 3, "broken")
    cli._touched_first(root, seed + own + [broken], cli.sys.stderr)
    assert capsys.readouterr().err.splitlines() == [
        "protocol_src/protocols/cmv-icu/en.md:3: error: broken",
        "(elsewhere in the project: 0 error(s), 4 warning(s); `protocols check` lists them)"]
    (root / OWN).mkdir(parents=True)
    (root / OWN / "protocol.yaml").write_text("id: sepsis\n", encoding="utf-8")
    cli._touched_first(root, seed + own + [broken], cli.sys.stderr)
    assert capsys.readouterr().err.splitlines() == [
        f"{OWN}/protocol.yaml:6: warning: review_due is not recorded",
        "protocol_src/protocols/cmv-icu/en.md:3: error: broken",
        "(elsewhere in the project: 0 error(s), 3 warning(s); `protocols check` lists them)"]


IDS = st.from_regex(r"[a-z0-9]{1,3}(-[a-z0-9]{1,2})?", fullmatch=True)


@given(selected=st.sets(IDS, max_size=3), present=st.lists(IDS, max_size=6),
       file=st.sampled_from(["protocol.yaml", "en.md", "nl.md"]))
def test_split_is_a_partition_by_protocol(tmp_path_factory: pytest.TempPathFactory,
                                          selected: set[str], present: list[str],
                                          file: str) -> None:
    root = tmp_path_factory.getbasetemp()
    prefixes = scope_of(root, [f"protocol_src/protocols/{pid}/{file}" for pid in selected],
                        must_exist=False)
    problems = [Problem(f"protocol_src/protocols/{pid}/{file}", 1, "m") for pid in present]
    problems.append(Problem("protocol_src/glossary.yaml", 1, "m"))
    mine, others = split(problems, prefixes)
    assert sorted(mine + others) == sorted(problems)
    assert [p.path.split("/")[2] for p in mine] == [pid for pid in present if pid in selected]
