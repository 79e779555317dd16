"""The whole publish cycle in a temporary git repository, with an injected clock."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator import gitutil, publish
from generator.cli import main
from generator.problems import SourceError
from generator.releases import Manifest, ReleaseError, ReleaseLog, check_name

from .conftest import ProjectFactory, minimal_protocol

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


@pytest.fixture
def repo(make_project: ProjectFactory) -> Path:
    files = minimal_protocol("acme", "Acme dosing")
    files[f"{P}/en.md"] = files[f"{P}/en.md"].replace("Text.", "Give 5 mg/kg.")
    files.update(minimal_protocol("draft-one", "Draft protocol"))
    files["protocol_src/protocols/draft-one/protocol.yaml"] = files[
        "protocol_src/protocols/draft-one/protocol.yaml"].replace("status: approved", "status: draft")
    root = make_project(files)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test Editor")
    git(root, "config", "user.email", "editor@example.org")
    commit_all(root, "sources")
    return root


def second_version(root: Path) -> None:
    yaml = root / P / "protocol.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace('version: "1.0"', 'version: "2.0"')
                    + '  - version: "2.0"\n    date: 2026-12-01\n    note: Dose lowered.\n',
                    encoding="utf-8")
    body = root / P / "en.md"
    body.write_text(body.read_text(encoding="utf-8").replace("5 mg/kg", "4 mg/kg"),
                    encoding="utf-8")
    commit_all(root, "acme 2.0")


@pytest.mark.parametrize(("name", "message"), [
    ("latest", "'latest' is the alias of the newest release, not a release name"),
    ("-x", "invalid release name '-x': use letters, digits, '.', '_' and '-', starting with a "
           "letter or digit (e.g. 2026-11-22)"),
    ("a/b", "invalid release name 'a/b': use letters, digits, '.', '_' and '-', starting with a "
            "letter or digit (e.g. 2026-11-22)"),
    ("r1", "release 'r1' already exists; a published release never changes, so choose a new "
           "name"),
])
def test_release_names(name: str, message: str) -> None:
    with pytest.raises(ReleaseError) as failure:
        check_name(name, {"r1", "latest"})
    assert str(failure.value) == message


def test_manifest_round_trip() -> None:
    text = ('{"schema": 1, "release": "r1", "published_at": "2026-11-22T09:30:00Z", '
            '"source_commit": "abc", "protocols": {"acme": {"version": "1.0", '
            '"status": "approved"}}}')
    manifest = Manifest.from_json(text)
    assert manifest.published_at == T1
    assert Manifest.from_json(manifest.to_json()) == manifest


def test_publish_cycle(repo: Path, tmp_path: Path) -> None:
    # Release 1: the committed text; an uncommitted edit does not leak into it.
    body = repo / P / "en.md"
    committed = body.read_text(encoding="utf-8")
    body.write_text(committed.replace("5 mg/kg", "50 mg/kg"), encoding="utf-8")
    first = publish.publish(repo, "r1", BRANCH, clock=lambda: T1)
    assert first.uncommitted == [f"{P}/en.md"]
    body.write_text(committed, encoding="utf-8")
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
    publish.publish(repo, "r2", BRANCH, clock=lambda: T2)
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
    assert not gitutil.is_repository(tmp_path)


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
