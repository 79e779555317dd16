"""Reading git lives in one place at the sources floor (sources/gitlog.py).

drift.py (a file's history) and checks/scope.py (the files changed since main) read git
through it, and release/gitutil.py builds on it: one module runs git, so how git is run
(its errors, a machine without git) is decided once.
"""

from __future__ import annotations

import ast
import subprocess
from pathlib import Path

import pytest

from generator.sources import gitlog

from .conftest import REPO

GENERATOR = REPO / "generator"


def _runs_git(path: Path) -> bool:
    """Whether a module starts a process whose command begins with the literal "git"."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "subprocess":
            command = node.args[0] if node.args else None
            if isinstance(command, ast.List) and command.elts and \
                    isinstance(command.elts[0], ast.Constant) and command.elts[0].value == "git":
                return True
    return False


def test_only_gitlog_runs_git() -> None:
    running = sorted(p.relative_to(GENERATOR).as_posix() for p in GENERATOR.rglob("*.py")
                     if _runs_git(p))
    assert running == ["sources/gitlog.py"]


def _repository(root: Path) -> None:
    root.mkdir()
    for args in (["init", "-q", "-b", "main"], ["config", "user.email", "t@example.org"],
                 ["config", "user.name", "T"]):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def _commit(root: Path, name: str, text: str) -> str:
    (root / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "-C", str(root), "add", name], check=True, capture_output=True)
    subprocess.run(["git", "-C", str(root), "commit", "-qm", text], check=True,
                   capture_output=True)
    return gitlog.git_text(root, "rev-parse", "HEAD")


def test_a_files_history_newest_first_and_its_text_at_each_commit(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    _repository(root)
    first = _commit(root, "a.md", "one\n")
    _commit(root, "b.md", "other\n")
    second = _commit(root, "a.md", "two\n")
    assert gitlog.commits_touching(root, "a.md") == [second, first]
    assert gitlog.file_at(root, first, "a.md") == "one\n"
    assert gitlog.file_at(root, first, "b.md") is None
    assert gitlog.is_repository(root) and gitlog.commit_exists(root, "main")
    assert not gitlog.commit_exists(root, "nowhere")


def test_without_a_repository_nothing_is_known(tmp_path: Path) -> None:
    assert gitlog.commits_touching(tmp_path, "a.md") == []
    assert gitlog.file_at(tmp_path, "HEAD", "a.md") is None
    assert not gitlog.is_repository(tmp_path)
    with pytest.raises(gitlog.GitError, match="^git merge-base failed: "):
        gitlog.changed_since(tmp_path, "main")


def test_without_git_on_the_machine_nothing_is_known(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    _repository(root)
    commit = _commit(root, "a.md", "one\n")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert gitlog.commits_touching(root, "a.md") == []
    assert gitlog.file_at(root, commit, "a.md") is None
    assert not gitlog.is_repository(root)
