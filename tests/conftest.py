"""Shared fixtures: projects built inline from a dict of files, as MkDocs' own tests do."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent


def _site_languages() -> tuple[tuple[str, ...], str]:
    """The repository's site languages (site_config/site.yaml) and its default one."""
    import yaml

    listed = yaml.safe_load((REPO / "site_config/site.yaml").read_text(encoding="utf-8"))
    codes = tuple(str(lang["code"]) for lang in listed["languages"])
    return codes, next(str(lang["code"]) for lang in listed["languages"] if lang.get("default"))


# Tests that mean "every site language" read them here, so a fourth one is tested too.
SITE_LANGUAGES, DEFAULT_LANGUAGE = _site_languages()

MINIMAL_YAML = """\
id: {id}
version: "1.0"
status: approved
original_language: en
owner: Infectious Diseases
review_due: 2030-01-01
approved_by: Dr. A. Test
approved_on: 2025-01-01
changelog:
  - version: "1.0"
    date: 2025-01-01
    note: First version.
"""

MINIMAL_BODY = """\
---
title: {title}
---

## Dosing {{#dosing}}

Text.
"""

ProjectFactory = Callable[..., Path]


@pytest.fixture(autouse=True)
def _repository_languages() -> Iterator[None]:
    """Each test starts with this repository's language data: loading a project makes its
    words and calculator strings current (generator/sources/languages.py, sources/strings.py), and
    one test's project must not decide another's strings."""
    from generator.sources import languages, strings

    languages._current = None
    strings._current = None
    yield


def copy_seed_project(root: Path) -> Path:
    """The repository's own project (settings, sources, mkdocs.yml) copied to ``root``."""
    for name in ("site_config", "protocol_src"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed project built once per run: ``site/`` and ``content/`` beside the sources.

    Tests only read it; a test that changes a project makes its own with ``make_project``.
    """
    from generator import pipeline

    root = copy_seed_project(tmp_path_factory.mktemp("seed-build") / "project")
    pipeline.build(root, root / "site")
    return root


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data) if data.startswith("\n") else data,
                            encoding="utf-8")


@pytest.fixture
def make_project(tmp_path: Path) -> ProjectFactory:
    """A project with the repo's site settings and the given sources.

    ``seeds=True`` also copies the repo's own protocols.
    """

    def make(files: dict[str, str | bytes] | None = None, seeds: bool = False) -> Path:
        root = tmp_path / "project"
        shutil.copytree(REPO / "site_config", root / "site_config")
        shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
        (root / "protocol_src" / "protocols").mkdir(parents=True)
        (root / "protocol_src" / "calculators").mkdir(parents=True)
        if seeds:
            shutil.copytree(REPO / "protocol_src", root / "protocol_src", dirs_exist_ok=True)
        write_files(root, files or {})
        return root

    return make


def minimal_protocol(pid: str, title: str = "A protocol") -> dict[str, str]:
    return {
        f"protocol_src/protocols/{pid}/protocol.yaml": MINIMAL_YAML.format(id=pid),
        f"protocol_src/protocols/{pid}/en.md": MINIMAL_BODY.format(title=title),
    }


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Debian Chromium for the whole run (Playwright's sync API cannot nest).

    Skipped when Chromium is missing, except in CI (CI=true), where browser tests are
    mandatory and a missing browser fails the run.
    """
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; the browser tests are required on CI")
        pytest.skip(f"{CHROMIUM} is missing")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                              headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
