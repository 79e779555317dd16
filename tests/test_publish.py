"""The whole publish cycle in a temporary git repository, with an injected clock."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.release import gitutil, publish
from generator.sources import gitlog
from generator.sources.problems import SourceError
from generator.sources.releases import (
    Change,
    Manifest,
    ProtocolEntry,
    ReleaseError,
    ReleaseLog,
    Withdrawal,
    check_name,
    ref_problem,
)

from .conftest import REPO, ProjectFactory, minimal_protocol, write_files

BRANCH = "site-releases"
T1 = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)
T2 = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
P = "protocol_src/protocols/acme"


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def branch_head(root: Path) -> str:
    return git(root, "rev-parse", f"refs/heads/{BRANCH}")


def read(root: Path, path: str) -> str:
    return git(root, "show", f"refs/heads/{BRANCH}:{path}")


def sources() -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {**minimal_protocol("acme", "Acme dosing"),
                                     **minimal_protocol("draft-one", "Draft protocol")}
    files[f"{P}/en.md"] = str(files[f"{P}/en.md"]).replace("Text.", "Give 5 mg/kg.")
    files["protocol_src/protocols/draft-one/protocol.yaml"] = str(files[
        "protocol_src/protocols/draft-one/protocol.yaml"]).replace("status: approved", "status: draft")
    return files


def init_repo(root: Path) -> Path:
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test Editor")
    git(root, "config", "user.email", "editor@example.org")
    commit_all(root, "sources")
    return root


@pytest.fixture
def repo(make_project: ProjectFactory) -> Path:
    return init_repo(make_project(sources()))


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Repositories with r1, and with r1 and r2 (acme 2.0), published once per module."""
    once = tmp_path_factory.mktemp("once") / "project"
    shutil.copytree(REPO / "site_config", once / "site_config")
    shutil.copy(REPO / "mkdocs.yml", once / "mkdocs.yml")
    write_files(once, sources())
    init_repo(once)
    publish.publish(once, "r1", BRANCH, clock=lambda: T1)
    twice = tmp_path_factory.mktemp("twice") / "project"
    shutil.copytree(once, twice, symlinks=True)
    second_version(twice)
    publish.publish(twice, "r2", BRANCH, clock=lambda: T2)
    return {"once": once, "twice": twice}


@pytest.fixture
def released_once(templates: dict[str, Path], tmp_path: Path) -> Path:
    return Path(shutil.copytree(templates["once"], tmp_path / "project", symlinks=True))


@pytest.fixture
def released_twice(templates: dict[str, Path], tmp_path: Path) -> Path:
    return Path(shutil.copytree(templates["twice"], tmp_path / "project", symlinks=True))


def second_version(root: Path) -> None:
    yaml = root / P / "protocol.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace('version: "1.0"', 'version: "2.0"')
                    + '  - version: "2.0"\n    date: 2026-12-01\n    note: Dose lowered.\n',
                    encoding="utf-8")
    body = root / P / "en.md"
    body.write_text(body.read_text(encoding="utf-8").replace("5 mg/kg", "4 mg/kg"),
                    encoding="utf-8")
    commit_all(root, "acme 2.0")


PATTERN = ("use letters, digits, '.', '_' and '-', starting with a letter or digit "
           "(e.g. 2026-11-22)")
CASE = "of the published tree on a case-insensitive file system"


@pytest.mark.parametrize(("name", "message"), [
    ("latest", "'latest' is the alias of the newest release, not a release name"),
    ("Latest", "'latest' is the alias of the newest release, not a release name"),
    ("-x", f"invalid release name '-x': {PATTERN}"),
    ("a/b", f"invalid release name 'a/b': {PATTERN}"),
    ("r9\n", f"invalid release name 'r9\\n': {PATTERN}"),
    ("x" * 101, f"invalid release name '{'x' * 101}': {PATTERN}"),
    ("a..b", "invalid release name 'a..b': it contains '..', which git does not allow in a name"),
    ("r9.", "invalid release name 'r9.': it starts with '/' or ends with '/' or '.'"),
    ("r9.lock", "invalid release name 'r9.lock': a part of it starts with '.' or ends with "
                "'.lock'"),
    ("r1", "release 'r1' already exists; a published release never changes, so choose a new "
           "name"),
    ("r0", "release 'r0' already exists; a published release never changes, so choose a new "
           "name"),
    ("R1", f"invalid release name 'R1': it is the same as 'r1' {CASE}"),
    ("versions.json", "invalid release name 'versions.json': 'versions.json' is a file of the published tree"),
    ("index.html", "invalid release name 'index.html': 'index.html' is a file of the published tree"),
    ("Index.HTML", "invalid release name 'Index.HTML': 'index.html' is a file of the published tree"),
    ("Notes.txt", f"invalid release name 'Notes.txt': it is the same as 'notes.txt' {CASE}"),
    ("con", "invalid release name 'con': Windows cannot store a folder of that name"),
    ("NUL.1", "invalid release name 'NUL.1': Windows cannot store a folder of that name"),
])
def test_release_names(name: str, message: str) -> None:
    with pytest.raises(ReleaseError) as failure:
        check_name(name, {"r1", "latest"}, frozenset({"r0", "notes.txt", "versions.json"}))
    assert str(failure.value) == message


@pytest.mark.parametrize("name", ["2026-11-22", "2026-11-22.2", "r1.0", "v2_final", "a-b.c"])
def test_good_release_names(name: str) -> None:
    check_name(name, {"r1", "latest"}, frozenset({"versions.json", "r1", "latest"}))


REF_ALPHABET = st.sampled_from(["a", "Z", "0", ".", "/", "-", "_", "@", "{", "~", "^", ":",
                                "?", "*", "[", "\\", " ", "\t", "\x7f", "é", "lock", "HEAD"])


@settings(max_examples=300, deadline=None)
@given(st.lists(REF_ALPHABET, min_size=1, max_size=8).map("".join))
def test_ref_rules_agree_with_git(name: str) -> None:
    # git itself also accepts '@' and 'HEAD' (resolved to the checked-out branch) and a
    # leading '-' (read as an option): all three are refused as a published branch.
    result = subprocess.run(["git", "check-ref-format", f"refs/heads/{name}"],
                            capture_output=True, check=False)
    git_accepts = result.returncode == 0 and name not in ("@", "HEAD") \
        and not name.startswith("-")
    assert (ref_problem(name) is None) == git_accepts, name


def test_manifest_round_trip() -> None:
    text = ('{"schema": 1, "release": "r1", "published_at": "2026-11-22T09:30:00Z", '
            '"source_commit": "abc", "protocols": {"acme": {"version": "1.0", '
            '"status": "approved"}}}')
    manifest = Manifest.from_json(text)
    assert manifest.published_at == T1
    assert Manifest.from_json(manifest.to_json()) == manifest


def test_publish_cycle(repo: Path, tmp_path: Path) -> None:
    # Release 1: the committed text; a file outside the sources does not stop it.
    body = repo / P / "en.md"
    (repo / "notes.txt").write_text("an editor's notes\n", encoding="utf-8")
    first = publish.publish(repo, "r1", BRANCH, clock=lambda: T1)
    assert first.left_out == (ProtocolEntry("draft-one", "1.0", "draft"),)
    assert first.previous is None
    assert first.changes == (Change("acme", None, "1.0"),)
    page = read(repo, "r1/protocols/acme/index.html")
    assert "Give 5 mg/kg." in page and "50 mg/kg" not in page
    assert json.loads(read(repo, "r1/manifest.json")) == {
        "schema": 1, "release": "r1", "published_at": "2026-11-22T09:30:00Z",
        "source_commit": git(repo, "rev-parse", "HEAD"),
        "protocols": {"acme": {"version": "1.0", "status": "approved"}},
    }
    # The draft is kept out of the release.
    tree = git(repo, "ls-tree", "-r", "--name-only", f"refs/heads/{BRANCH}")
    assert "draft-one" not in tree

    # Release 2 moves `latest`; release 1 is untouched.
    r1_tree = git(repo, "rev-parse", f"refs/heads/{BRANCH}:r1")
    second_version(repo)
    second = publish.publish(repo, "r2", BRANCH, clock=lambda: T2)
    assert (second.previous, second.changes) == ("r1", (Change("acme", "1.0", "2.0"),))
    versions = json.loads(read(repo, "versions.json"))
    assert [(v["version"], v["aliases"]) for v in versions] == [("r2", ["latest"]), ("r1", [])]
    assert git(repo, "rev-parse", f"refs/heads/{BRANCH}:r1") == r1_tree
    assert "Give 4 mg/kg." in read(repo, "latest/protocols/acme/index.html")
    assert "Give 5 mg/kg." in read(repo, "r1/protocols/acme/index.html")
    history = read(repo, "r2/nl/history/acme/index.html")
    assert 'href="../../../../r1/nl/protocols/acme/"' in history
    assert 'href="../../../../r2/nl/protocols/acme/"' in history
    assert "actueel van 22 november 2026 09:30 UTC tot 1 december 2026 14:00 UTC" in history

    # A refused re-publish and a failed build change nothing.
    head = branch_head(repo)
    with pytest.raises(ReleaseError, match="release 'r2' already exists"):
        publish.publish(repo, "r2", BRANCH, clock=lambda: T2)
    body.write_text(body.read_text(encoding="utf-8") + "\nSee [[no-such-protocol]].\n",
                    encoding="utf-8")
    commit_all(repo, "broken link")
    with pytest.raises(SourceError) as failure:
        publish.publish(repo, "r3", BRANCH, clock=lambda: T2)
    # The message itself belongs to the link stage; here: it is reported, with its line.
    errors = [p.format() for p in failure.value.problems if p.severity == "error"]
    assert len(errors) == 1 and errors[0].startswith(f"{P}/en.md:9: error: ")
    assert "'no-such-protocol'" in errors[0]
    assert branch_head(repo) == head

    # Export: every release, `latest`, versions.json and a root redirect.
    out = tmp_path / "public"
    assert publish.export(repo, out, BRANCH) == ["r1", "r2"]
    assert {p.name for p in out.iterdir()} >= {"r1", "r2", "latest", "versions.json",
                                                "index.html"}
    assert 'url=latest/' in (out / "index.html").read_text(encoding="utf-8")
    assert not any(p.is_symlink() for p in out.rglob("*"))


def test_publish_refuses_without_git(make_project: ProjectFactory,
                                     monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    root = make_project(minimal_protocol("acme"))
    monkeypatch.chdir(root)
    assert main(["publish", "r1"]) == 1
    assert capsys.readouterr().err == (
        f"protocols: error: {root} is not in a git repository: releases are built from "
        "committed sources (run `git init` and commit them first)\n")


def test_export_without_releases(repo: Path, tmp_path: Path) -> None:
    with pytest.raises(ReleaseError) as failure:
        publish.export(repo, tmp_path / "out", BRANCH)
    assert str(failure.value) == ("nothing to export: branch 'site-releases' has no releases "
                                  "(run `protocols publish RELEASE` first)")


def test_release_log_is_empty_outside_git(tmp_path: Path) -> None:
    assert publish.release_log(tmp_path, BRANCH) == ReleaseLog()
    assert not gitlog.is_repository(tmp_path)


def test_cli_publish_refuses_an_existing_release(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo)
    assert main(["publish", "2026-11-22"]) == 0
    assert "Published release 2026-11-22 (1 protocol(s), commit " in capsys.readouterr().err
    head = branch_head(repo)
    assert main(["publish", "2026-11-22"]) == 1
    assert capsys.readouterr().err == (
        "protocols: error: release '2026-11-22' already exists; a published release never "
        "changes, so choose a new name\n")
    assert branch_head(repo) == head
    assert main(["export", "public"]) == 0
    assert capsys.readouterr().err == f"Exported 1 release(s) to {repo / 'public'}: 2026-11-22\n"


def refs_and_head(root: Path) -> tuple[str, str, str]:
    """Every ref with its commit, HEAD's target and the index: what a refused publish keeps."""
    return (git(root, "for-each-ref", "--format=%(refname) %(objectname)"),
            git(root, "rev-parse", "--symbolic-full-name", "HEAD"), git(root, "status", "--porcelain"))


@pytest.mark.parametrize(("args", "message"), [
    (["--branch", "main"], "branch 'main' holds the sources (it is the release branch or checked "
                           "out); releases go to a branch of their own, such as 'site-releases'"),
    (["--branch", "feature"], "branch 'feature' exists and holds no releases (no versions.json); "
                              "releases go to a branch of their own, such as 'site-releases'"),
    (["--branch", "HEAD"], "invalid branch name 'HEAD': 'HEAD' is not a name git accepts for a branch"),
    (["--branch", "a..b"], "invalid branch name 'a..b': it contains '..', which git does not allow in a name"),
    (["--branch=-x"], "invalid branch name '-x': it starts with '-'"),
])
def test_publish_refuses_a_source_or_invalid_branch(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str],
                                                    args: list[str], message: str) -> None:
    git(repo, "branch", "feature")
    before = refs_and_head(repo)
    monkeypatch.chdir(repo)
    assert main(["publish", "r1", *args]) == 1
    assert capsys.readouterr().err == f"protocols: error: {message}\n"
    assert refs_and_head(repo) == before
    assert not list((repo / ".git").glob("fast_import_crash_*"))


def test_publish_refuses_a_branch_checked_out_elsewhere(repo: Path, tmp_path: Path) -> None:
    git(repo, "worktree", "add", "-q", "-b", "other", str(tmp_path / "other"))
    with pytest.raises(ReleaseError, match="branch 'other' holds the sources"):
        publish.publish(repo, "r1", "other", clock=lambda: T1)


@pytest.mark.parametrize("name", ["versions.json", "index.html", "Latest", "R1", "r2\n", "a..b"])
def test_cli_refuses_names_that_break_the_branch(released_once: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str],
                                                 name: str) -> None:
    repo = released_once
    monkeypatch.chdir(repo)
    before = refs_and_head(repo)
    assert main(["publish", name]) == 1
    assert capsys.readouterr().err.startswith("protocols: error: ")
    assert refs_and_head(repo) == before
    assert not list((repo / ".git").glob("fast_import_crash_*"))


GUARD = ("releases are published from the tip of 'main' (release_branch in "
         "site_config/site.yaml): merge your change into it, `git switch main`, and publish again")


@pytest.mark.parametrize(("edit", "shown"), [
    (lambda root: (root / P / "en.md").write_text("changed\n", encoding="utf-8"), f"{P}/en.md"),
    (lambda root: (root / "protocol_src/protocols/new-one").mkdir() or
     (root / "protocol_src/protocols/new-one/en.md").write_text("x\n", encoding="utf-8"),
     "protocol_src/protocols/new-one/en.md"),
    (lambda root: (root / "site_config/site.yaml").write_text("x: 1\n", encoding="utf-8"),
     "site_config/site.yaml"),
])
def test_publish_refuses_uncommitted_sources(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str],
                                             edit: object, shown: str) -> None:
    edit(repo)  # type: ignore[operator]
    before = refs_and_head(repo)
    monkeypatch.chdir(repo)
    assert main(["publish", "r1"]) == 1
    assert capsys.readouterr().err == (
        f"protocols: error: uncommitted changes in the sources would not be in the release: "
        f"{shown}; commit them through a merge request (or `git stash` them) and publish again\n")
    assert refs_and_head(repo) == before


def test_publish_refuses_a_feature_branch(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    git(repo, "switch", "-q", "-c", "update-acme")
    monkeypatch.chdir(repo)
    assert main(["publish", "r1"]) == 1
    assert capsys.readouterr().err == (
        f"protocols: error: HEAD is on branch 'update-acme'; {GUARD}\n")
    assert not gitutil.branch_exists(repo, BRANCH)


def test_publish_from_a_detached_head(repo: Path) -> None:
    """A CI checkout: detached at the release branch's tip (only a remote may have the branch)."""
    first = git(repo, "rev-parse", "HEAD")
    second_version(repo)
    git(repo, "switch", "-q", "--detach", first)
    with pytest.raises(ReleaseError) as failure:
        publish.publish(repo, "r1", BRANCH, clock=lambda: T1)
    assert str(failure.value) == f"HEAD is detached at {first[:12]}, which is not the tip of 'main'; {GUARD}"
    git(repo, "switch", "-q", "--detach", "main")
    publish.publish(repo, "r1", BRANCH, clock=lambda: T1)
    # As a GitLab runner leaves it: no local `main`, only origin's.
    git(repo, "update-ref", "refs/remotes/origin/main", "main")
    git(repo, "branch", "-q", "-D", "main")
    published = publish.publish(repo, "r2", BRANCH, clock=lambda: T2)
    assert published.manifest.source_commit == git(repo, "rev-parse", "HEAD")


def test_release_branch_is_configurable(repo: Path) -> None:
    site = repo / "site_config/site.yaml"
    site.write_text(site.read_text(encoding="utf-8") + "release_branch: production\n",
                    encoding="utf-8")
    commit_all(repo, "release from production")
    with pytest.raises(ReleaseError, match="^HEAD is on branch 'main'; releases are published "
                                           "from the tip of 'production'"):
        publish.publish(repo, "r1", BRANCH, clock=lambda: T1)
    git(repo, "switch", "-q", "-c", "production")
    publish.publish(repo, "r1", BRANCH, clock=lambda: T1)
    with pytest.raises(ReleaseError, match="branch 'production' holds the sources"):
        publish.publish(repo, "r2", "production", clock=lambda: T1)


def test_cli_lists_what_was_left_out_and_what_changed(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(repo)
    assert main(["publish", "r1"]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines[:2] == ["left out: draft-one 1.0 (draft)", "changed (first release): acme added at 1.0"]
    second_version(repo)
    assert main(["publish", "r2"]) == 0
    lines = capsys.readouterr().err.splitlines()
    assert lines[:2] == ["left out: draft-one 1.0 (draft)", "changed since r1: acme 1.0 -> 2.0"]
    assert main(["publish", "r3"]) == 0
    assert capsys.readouterr().err.splitlines()[1] == "changed since r2: nothing"


REASON = 'Dose error in acme: "5" should be <4> & checked'


def test_withdraw_the_latest_release(released_twice: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    repo = released_twice
    head, r1 = branch_head(repo), git(repo, "rev-parse", f"refs/heads/{BRANCH}:r1")
    monkeypatch.chdir(repo)
    assert main(["withdraw", "r2", "--reason", REASON]) == 0
    assert capsys.readouterr().err == "Withdrew release r2 on branch site-releases; latest -> r1\n"
    # One commit; out of the selector; `latest` is r1 again, file for file.
    assert git(repo, "rev-parse", f"refs/heads/{BRANCH}^") == head
    assert [(v["version"], v["aliases"]) for v in json.loads(read(repo, "versions.json"))] == [
        ("r1", ["latest"])]
    assert git(repo, "rev-parse", f"refs/heads/{BRANCH}:latest") == r1
    assert git(repo, "rev-parse", f"refs/heads/{BRANCH}:r1") == r1
    # Its pages stay, each with the bar in its reader's language; the reason escaped.
    escaped = "Dose error in acme: &quot;5&quot; should be &lt;4&gt; &amp; checked"
    page = read(repo, "r2/protocols/acme/index.html")
    assert "Give 4 mg/kg." in page
    assert (f'<div class="protocols-withdrawn" role="alert" data-withdrawn="{escaped}">'
            f"Withdrawn release: do not use this page for patient care. Reason: {escaped} "
            '<a href="../../../latest/protocols/acme/">Open this page in the current release.</a>'
            "</div>") in page
    assert '<link rel="stylesheet" href="../../withdrawn.css"></head>' in page
    assert "Ingetrokken uitgave: gebruik deze pagina niet" in read(repo, "r2/nl/protocols/acme/index.html")
    assert "protocols-withdrawn" in read(repo, "r2/index.html")
    assert "position: fixed" in read(repo, "r2/withdrawn.css")
    assert json.loads(read(repo, "r2/manifest.json"))["withdrawn"]["reason"] == REASON
    # The name stays taken; the next release's History page says r2 was withdrawn.
    assert main(["publish", "r2"]) == 1
    assert "release 'r2' already exists" in capsys.readouterr().err
    assert main(["publish", "r3"]) == 0
    assert "changed since r1: acme 1.0 -> 2.0" in capsys.readouterr().err
    assert [v["version"] for v in json.loads(read(repo, "versions.json"))] == ["r3", "r1"]
    history = read(repo, "r3/history/acme/index.html")
    # (Markdown writes the quotes of the text as plain quotes.)
    assert (f'<strong>r2</strong></a> <em class="release-withdrawn" data-withdrawn="{escaped}">'
            f"(withdrawn: {escaped.replace('&quot;', chr(34))})</em>") in history
    assert "(ingetrokken: " in read(repo, "r3/nl/history/acme/index.html")


def test_withdraw_an_earlier_release_marks_the_history_pages(released_twice: Path) -> None:
    repo = released_twice
    latest = git(repo, "rev-parse", f"refs/heads/{BRANCH}:latest/protocols")
    result = publish.withdraw(repo, "r1", "Published from the wrong commit", BRANCH,
                              clock=lambda: T2)
    assert result.latest is None
    assert [(v["version"], v["aliases"]) for v in json.loads(read(repo, "versions.json"))] == [
        ("r2", ["latest"])]
    assert git(repo, "rev-parse", f"refs/heads/{BRANCH}:latest/protocols") == latest
    for release in ("r2", "latest"):
        history = read(repo, f"{release}/id/history/acme/index.html")
        assert ('<strong>r1</strong></a> <em class="release-withdrawn" data-withdrawn="Published '
                'from the wrong commit">(ditarik: Published from the wrong commit)</em>') in history
        assert history.count("release-withdrawn") == 1
    assert "protocols-withdrawn" not in read(repo, "r2/protocols/acme/index.html")
    assert publish.release_log(repo, BRANCH).newest_live() == publish.release_log(
        repo, BRANCH).find("r2")


@pytest.mark.parametrize(("release", "reason", "message"), [
    ("r1", "Mistake", "'r1' is the only release: withdrawing it would leave readers nothing; "
                      "publish a corrected release first, then withdraw this one"),
    ("r9", "Mistake", "no release 'r9' on branch 'site-releases' (releases: r1)"),
    ("latest", "Mistake", "no release 'latest' on branch 'site-releases' (releases: r1)"),
    ("r1", "  ", "give the reason readers will see: --reason TEXT"),
    ("r1", "two\nlines", "the reason must be one line of text, without control or formatting "
                         "characters"),
    ("r1", "x\u202ey", "the reason must be one line of text, without control or formatting "
                       "characters"),
    ("r1", "x" * 301, "the reason is 301 characters long; at most 300"),
])
def test_withdraw_refusals(released_once: Path, monkeypatch: pytest.MonkeyPatch,
                           capsys: pytest.CaptureFixture[str], release: str, reason: str,
                           message: str) -> None:
    repo = released_once
    head = branch_head(repo)
    monkeypatch.chdir(repo)
    assert main(["withdraw", release, "--reason", reason]) == 1
    assert capsys.readouterr().err == f"protocols: error: {message}\n"
    assert branch_head(repo) == head


def test_withdraw_without_releases(repo: Path) -> None:
    with pytest.raises(ReleaseError, match=r"^no release 'r1' on branch 'site-releases' "
                                           r"\(releases: none\)$"):
        publish.withdraw(repo, "r1", "Mistake", BRANCH)


def test_withdraw_twice(released_twice: Path) -> None:
    repo = released_twice
    publish.withdraw(repo, "r1", "Mistake", BRANCH)
    with pytest.raises(ReleaseError, match="^release 'r1' is already withdrawn: Mistake$"):
        publish.withdraw(repo, "r1", "Again", BRANCH)
    # r2 is then the only release that is not withdrawn.
    with pytest.raises(ReleaseError, match="^'r2' is the only release"):
        publish.withdraw(repo, "r2", "Mistake", BRANCH)


@pytest.mark.parametrize(("value", "message"), [
    ('"a..b"', "release_branch 'a..b' is not a branch name: it contains '..', which git does "
               "not allow in a name"),
    ("[main]", "release_branch must be a branch name, e.g. main"),
])
def test_release_branch_setting_is_checked(repo: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str], value: str,
                                           message: str) -> None:
    site = repo / "site_config/site.yaml"
    text = site.read_text(encoding="utf-8")
    site.write_text(f"{text}release_branch: {value}\n", encoding="utf-8")
    commit_all(repo, "a wrong setting")
    monkeypatch.chdir(repo)
    assert main(["publish", "r1"]) == 1
    line = text.count("\n") + 1
    assert capsys.readouterr().err.splitlines()[0] == f"site_config/site.yaml:{line}: error: {message}"
    assert not gitutil.branch_exists(repo, BRANCH)


def test_history_times_skip_a_withdrawn_release() -> None:
    def release(name: str, day: int, withdrawn: int | None = None) -> Manifest:
        return Manifest(name, datetime(2026, 12, day, tzinfo=UTC), "abc", (),
                        None if withdrawn is None else
                        Withdrawal("Mistake", datetime(2026, 12, withdrawn, tzinfo=UTC)))

    r1, r2, r3 = release("r1", 1), release("r2", 2, withdrawn=3), release("r3", 5)
    log = ReleaseLog((r1, r2, r3))
    assert [log.live_until(m) for m in (r1, r2, r3)] == [r3.published_at,
                                                         datetime(2026, 12, 3, tzinfo=UTC), None]
    assert log.newest_live() == r3 and log.newest_live(excluding="r3") == r1
