"""The CI pipelines: linted, equal to each other, and the GitLab one run end to end.

The end-to-end test runs a copy of ``.gitlab-ci.yml`` without ``image:`` with
gitlab-ci-local, which then runs each job in the local shell, in a CI-style checkout (a
detached HEAD, the branch only on ``origin``) of a copy of this work tree. The jobs use
this test run's virtual environment (``VENV``) and one quick test file (``PYTEST_ARGS``)
in place of the whole suite, which is running already. Pushes go only to a bare
repository the test makes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from .conftest import REPO
from .servers import nginx_binary, nginx_server, require

GITLAB = REPO / ".gitlab-ci.yml"
GITHUB = REPO / ".github/workflows/ci.yml"
BIN = Path(sys.executable).parent
DAY = "2026-12-01"
BRANCH = "site-releases"


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    assert found, f"{name} is missing: run `make install` (it is in the test extras)"
    return found


def test_github_workflow_passes_actionlint() -> None:
    result = subprocess.run([tool("actionlint"), "-no-color", str(GITHUB)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_gitlab_pipeline_matches_gitlab_schema() -> None:
    result = subprocess.run([tool("check-jsonschema"), "--builtin-schema", "vendor.gitlab-ci",
                             str(GITLAB)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def gitlab_commands() -> dict[str, list[str]]:
    config = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))
    return {name: job["script"] for name, job in config.items()
            if isinstance(job, dict) and "script" in job}


def github_commands() -> dict[str, list[str]]:
    config = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))
    return {name: [step["run"] for step in job["steps"] if "run" in step]
            for name, job in config["jobs"].items()}


def test_both_pipelines_run_the_same_make_targets() -> None:
    gitlab, github = gitlab_commands(), github_commands()
    assert gitlab == github
    assert set(gitlab) == {"test", "test-newest", "publish", "deploy"}
    commands = [c for job in gitlab.values() for c in job]
    assert all(c.startswith("make ") and " " not in c[5:] for c in commands), commands
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert all(f"\n{c[5:]}:" in makefile for c in commands)


def test_github_jobs_run_in_the_gitlab_image() -> None:
    image = yaml.safe_load(GITLAB.read_text(encoding="utf-8"))["image"]
    jobs = yaml.safe_load(GITHUB.read_text(encoding="utf-8"))["jobs"]
    assert {name: job.get("container") for name, job in jobs.items()} == {
        name: image for name in jobs}


def test_no_secret_in_the_pipelines() -> None:
    gitlab = GITLAB.read_text(encoding="utf-8")
    assert "gitlab-ci-token:${PUBLISH_TOKEN}@" in gitlab  # a reference, never a value
    for text in (gitlab, GITHUB.read_text(encoding="utf-8")):
        assert "glpat-" not in text and "ghp_" not in text and "BEGIN OPENSSH" not in text


# --- The GitLab pipeline, run ------------------------------------------------------


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                          text=True).stdout.strip()


def copy_work_tree(dest: Path) -> None:
    """This work tree as a CI clone sees it: tracked and new files, nothing ignored."""
    listed = git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for rel in filter(None, listed.split("\0")):
        source = REPO / rel
        if source.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / rel)
    pipeline = yaml.safe_load((dest / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    del pipeline["image"]  # no image: gitlab-ci-local runs every job in the local shell
    (dest / ".gitlab-ci.yml").write_text(yaml.safe_dump(pipeline, sort_keys=False),
                                         encoding="utf-8")


def outside_ci() -> dict[str, str]:
    """This environment without the variables of a CI run this test may itself be in."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("CI_", "GITLAB_", "GITHUB_", "RUNNER_", "PUBLISH_", "DEPLOY_"))}


class Pipeline:
    """A project, its bare ``origin`` and a runner's checkout of it, under ``base``."""

    def __init__(self, base: Path) -> None:
        self.base, self.project, self.ci = base, base / "project", base / "ci"
        self.origin, self.srv = base / "origin.git", base / "srv"
        self.project.mkdir(parents=True)
        copy_work_tree(self.project)
        git(self.project, "init", "-q", "-b", "main")
        self.commit("sources")
        git(base, "init", "-q", "--bare", "-b", "main", str(self.origin))
        git(self.project, "push", "-q", str(self.origin), "main")
        git(base, "clone", "-q", str(self.origin), str(self.ci))
        for key, value in (("user.name", "Runner"), ("user.email", "runner@example.org")):
            git(self.ci, "config", key, value)
        self.checkout("origin/main")

    def commit(self, message: str) -> None:
        git(self.project, "add", "-A")
        git(self.project, "-c", "user.name=Editor", "-c", "user.email=editor@example.org",
            "commit", "-q", "-m", message)

    def checkout(self, rev: str) -> None:
        """As a GitLab runner does: fetch, then a detached HEAD; no local branch."""
        git(self.ci, "fetch", "-q", "origin")
        git(self.ci, "checkout", "-q", "--detach", rev)
        if "main" in git(self.ci, "branch", "--list", "main"):
            git(self.ci, "branch", "-q", "-D", "main")
        # The checkout's files are newer than this venv's install stamp: keep make from
        # reinstalling this test run's own environment.
        for name in ("pyproject.toml", "constraints.txt"):
            os.utime(self.ci / name, (946684800, 946684800))

    def run(self, *args: str, source: str = "push", branch: str = "main"
            ) -> subprocess.CompletedProcess[str]:
        variables = {
            "CI_PIPELINE_SOURCE": source, "CI_COMMIT_BRANCH": branch,
            "VENV": sys.prefix, "PYTEST_ARGS": "tests/test_pins.py -q -p no:cacheprovider",
            "PUBLISH_REMOTE": str(self.origin), "PUBLISH_DATE": DAY,
            "DEPLOY_PATH": str(self.srv),
        }
        command = [tool("gitlab-ci-local"), "--no-color", "--home", str(self.base / "home"),
                   *(f"--variable={k}={v}" for k, v in variables.items()), *args]
        return subprocess.run(command, cwd=self.ci, capture_output=True, text=True,
                              check=False, timeout=600, env=outside_ci())

    def releases(self) -> list[tuple[str, list[str]]]:
        text = git(self.origin, "show", f"refs/heads/{BRANCH}:versions.json")
        return [(v["version"], v["aliases"]) for v in json.loads(text)]

    def remote_branch(self) -> str:
        return git(self.origin, "for-each-ref", f"refs/heads/{BRANCH}")


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pipeline]:
    require("gitlab-ci-local and rsync (scripts/ensure-gitlab-ci-local installs them)",
            shutil.which("gitlab-ci-local") is not None and shutil.which("rsync") is not None)
    if not (Path(sys.prefix) / ".installed").exists():
        pytest.skip("the pipeline reuses this run's venv: run the tests from `make install`'s "
                    f"venv (no .installed in {sys.prefix})")
    yield Pipeline(tmp_path_factory.mktemp("gitlab"))


@pytest.mark.parametrize(("source", "branch", "deploy", "jobs"), [
    ("merge_request_event", "", "/srv/protocols", ["test"]),
    ("push", "main", "", ["publish", "test"]),
    ("push", "main", "/srv/protocols", ["deploy", "publish", "test"]),
    ("web", "main", "", ["publish", "test"]),
    ("push", "update-dosing", "/srv/protocols", []),
    ("schedule", "main", "/srv/protocols", ["test-newest"]),
])
def test_gitlab_rules_choose_the_jobs(pipeline: Pipeline, source: str, branch: str,
                                      deploy: str, jobs: list[str]) -> None:
    result = subprocess.run(
        [tool("gitlab-ci-local"), "--no-color", "--home", str(pipeline.base / "home"),
         f"--variable=CI_PIPELINE_SOURCE={source}", f"--variable=CI_COMMIT_BRANCH={branch}",
         f"--variable=DEPLOY_PATH={deploy}", "--list-json"],
        cwd=pipeline.ci, capture_output=True, text=True, check=True, timeout=120,
        env=outside_ci())
    listed = json.loads(result.stdout)
    assert sorted(job["name"] for job in listed if job["when"] != "never") == jobs


def make_targets() -> list[str]:
    return sorted({c.removeprefix("make ") for job in gitlab_commands().values() for c in job})


@pytest.mark.parametrize("target", make_targets())
def test_make_targets_of_the_pipelines_parse(target: str) -> None:
    result = subprocess.run(["make", "-n", "-C", str(REPO), target], capture_output=True,
                            text=True, check=False, env={**os.environ, "MAKEFLAGS": ""})
    assert result.returncode == 0, result.stderr


def passed(result: subprocess.CompletedProcess[str]) -> list[str]:
    return sorted(line.split()[1] for line in result.stdout.splitlines()
                  if line.startswith(" PASS "))


def test_gitlab_pipeline_end_to_end(pipeline: Pipeline) -> None:
    # A merge request: check, status and the tests; nothing published.
    result = pipeline.run(source="merge_request_event", branch="")
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert passed(result) == ["test"], log
    assert "protocols check" in log and "0 error(s)" in log and "passed in" in log
    status = pipeline.ci / ".gitlab-ci-local/artifacts/test/status.json"
    assert json.loads(status.read_text(encoding="utf-8"))
    assert pipeline.remote_branch() == ""

    # The default branch: tests, a date-named release pushed to origin, the exported
    # tree as the publish job's artifact, deployed by a switch of `current`.
    result = pipeline.run()
    log = result.stdout + result.stderr
    assert result.returncode == 0, log
    assert passed(result) == ["deploy", "publish", "test"], log
    assert pipeline.releases() == [(DAY, ["latest"])]
    manifest = json.loads(git(pipeline.origin, "show", f"refs/heads/{BRANCH}:{DAY}/manifest.json"))
    assert manifest["source_commit"] == git(pipeline.ci, "rev-parse", "HEAD")
    artifact = pipeline.ci / ".gitlab-ci-local/artifacts/publish/public"
    assert {"versions.json", "index.html", DAY, "latest"} <= {p.name for p in artifact.iterdir()}
    current = pipeline.srv / "current"
    assert current.is_symlink() and (current / DAY / "index.html").is_file()
    first_tree = git(pipeline.origin, "rev-parse", f"refs/heads/{BRANCH}:{DAY}")
    first_copy = current.resolve()

    # A second run the same day: DAY.2, the first release untouched.
    result = pipeline.run("publish", "deploy")
    assert result.returncode == 0, result.stdout + result.stderr
    assert pipeline.releases() == [(f"{DAY}.2", ["latest"]), (DAY, [])]
    assert git(pipeline.origin, "rev-parse", f"refs/heads/{BRANCH}:{DAY}") == first_tree
    assert current.resolve() != first_copy and (current / f"{DAY}.2").is_dir()

    # A change that fails `check`: the pipeline fails at the test job, and the publish
    # job on its own publishes nothing.
    head = git(pipeline.origin, "rev-parse", f"refs/heads/{BRANCH}")
    body = sorted((pipeline.project / "protocol_src/protocols").glob("*/*.md"))[0]
    body.write_text(body.read_text(encoding="utf-8") + "\nSee [[no-such-protocol]].\n",
                    encoding="utf-8")
    pipeline.commit("a broken link")
    git(pipeline.project, "push", "-q", str(pipeline.origin), "main")
    pipeline.checkout("origin/main")
    result = pipeline.run()
    log = result.stdout + result.stderr
    assert result.returncode != 0 and " FAIL  test" in log and "no-such-protocol" in log, log
    assert passed(result) == []
    result = pipeline.run("publish")
    assert result.returncode != 0 and " FAIL  publish" in result.stdout, result.stdout
    assert git(pipeline.origin, "rev-parse", f"refs/heads/{BRANCH}") == head

    # A runner's detached HEAD that is not the tip of main is refused, too.
    pipeline.checkout("origin/main~1")
    result = pipeline.run("publish")
    assert result.returncode != 0 and "which is not the tip of 'main'" in result.stdout, \
        result.stdout
    assert git(pipeline.origin, "rev-parse", f"refs/heads/{BRANCH}") == head


def test_deploy_switches_atomically_under_nginx(tmp_path: Path) -> None:
    """Two deploys while nginx serves ``current``: each request sees one whole tree."""
    require("nginx", nginx_binary() is not None)
    srv = tmp_path / "srv"
    env = {**os.environ, "DEPLOY_PATH": str(srv), "DEPLOY_KEEP": "1"}
    env.pop("DEPLOY_HOST", None)
    trees = []
    for text in ("first", "second"):
        tree = tmp_path / text
        (tree / "latest").mkdir(parents=True)
        (tree / "versions.json").write_text("[]\n", encoding="utf-8")
        (tree / "latest/index.html").write_text(f"<p>{text}</p>\n", encoding="utf-8")
        trees.append(tree)
    subprocess.run(["bash", str(REPO / "scripts/deploy"), str(trees[0])], env=env, check=True,
                   capture_output=True)
    with nginx_server(srv / "current", tmp_path / "prefix") as url:
        import urllib.request

        def page() -> str:
            with urllib.request.urlopen(f"{url}/latest/") as response:
                return str(response.read().decode("utf-8"))

        assert page() == "<p>first</p>\n"
        subprocess.run(["bash", str(REPO / "scripts/deploy"), str(trees[1])], env=env,
                       check=True, capture_output=True)
        assert page() == "<p>second</p>\n"
    assert len(list((srv / "releases").iterdir())) == 1  # DEPLOY_KEEP
    refused = subprocess.run(["bash", str(REPO / "scripts/deploy"), str(tmp_path)], env=env,
                             capture_output=True, text=True, check=False)
    assert refused.returncode == 1
    assert refused.stderr == f"error: {tmp_path} is not an exported tree (no versions.json)\n"
