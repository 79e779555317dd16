"""The upgrade canary: every engine internal the build leans on (generator/engine/speedups.py) is
still there and still used, the header override still differs from Material's header only
where it means to, and the site is the same with every speed-up off.

CI's scheduled job runs this against the newest versions pyproject.toml allows.
"""

from __future__ import annotations

import importlib
import re
from datetime import date
from pathlib import Path

import jinja2
import material
import pytest
from mkdocs.livereload import LiveReloadServer

from generator import pipeline
from generator.engine import mkdocs_site, speedups
from generator.engine.fsutil import write_tree

from .conftest import REPO, copy_seed_project

# The instance attributes a speed-up sets or reads, which no import can show.
INSTANCE_ATTRIBUTES = {"language-processes": ("current_language", "building"),
                       "file-events": ("observer", "_watched_paths", "_watch_refs"),
                       "shared-renderings": ("root_render_func",)}


def _resolve(internal: str) -> object:
    module_name, _, path = internal.partition(" ")[0].partition(":")
    value: object = importlib.import_module(module_name)
    for name in path.split("."):
        value = getattr(value, name)
    return value


@pytest.mark.parametrize("speed_up", speedups.SPEED_UPS, ids=lambda s: s.name)
def test_every_internal_a_speed_up_leans_on_exists(speed_up: speedups.SpeedUp) -> None:
    for internal in speed_up.internals:
        assert _resolve(internal) is not None, internal


def test_the_instance_attributes_exist(tmp_path: Path) -> None:
    from mkdocs_static_i18n.plugin import I18n  # type: ignore[import-untyped]

    plugin = I18n()
    assert all(hasattr(plugin, name) for name in INSTANCE_ATTRIBUTES["language-processes"])
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    assert all(hasattr(server, name) for name in INSTANCE_ATTRIBUTES["file-events"])
    assert callable(jinja2.Template("x").root_render_func)


def _build(root: Path, out: Path) -> None:
    loaded = pipeline.load(root)
    assert not loaded.problems.errors
    write_tree(pipeline.render(loaded, date(2026, 1, 1), include_unpublished=True), root / "docs")
    assert mkdocs_site.build(root, loaded.project.site, root / "docs", out, jobs=1) == []


def _tree(root: Path) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes()
            for path in sorted(root.rglob("*")) if path.is_file() and "pagefind" not in path.parts}


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_seed_project(tmp_path_factory.mktemp("canary") / "project")


def test_every_page_speed_up_is_used_by_a_build(seed: Path, tmp_path: Path) -> None:
    speedups.USED.clear()
    _build(seed, tmp_path / "site")
    page_speed_ups = speedups.NAMES - {"language-processes", "file-events"}
    assert {name for name in page_speed_ups if speedups.USED[name] == 0} == set()


def test_the_site_is_the_same_with_every_speed_up_off(
        seed: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _build(seed, tmp_path / "on")
    monkeypatch.setenv(speedups.SWITCH, ",".join(speedups.NAMES - {"language-processes"}))
    speedups.USED.clear()
    _build(seed, tmp_path / "off")
    assert sum(speedups.USED.values()) == 0
    on, off = _tree(tmp_path / "on"), _tree(tmp_path / "off")
    assert len(on) > 40
    assert sorted(name for name in on.keys() | off.keys() if on.get(name) != off.get(name)) == []


def test_all_off_is_the_plugins_own_build(seed: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(speedups.SWITCH, "all")
    speedups.USED.clear()
    _build(seed, tmp_path / "off")
    assert sum(speedups.USED.values()) == 0
    assert (tmp_path / "off" / "nl" / "protocols" / "cmv-icu" / "index.html").is_file()


def test_unknown_names_in_the_switch_are_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(speedups.SWITCH, "all, one-markdwon")
    assert speedups.unknown_names() == ["one-markdwon"]


def test_the_header_override_differs_from_materials_only_in_its_search() -> None:
    theirs = (Path(material.__file__).parent / "templates" / "partials" / "header.html").read_text(
        encoding="utf-8")
    ours = (REPO / "site_config" / "theme" / "partials" / "header.html").read_text(encoding="utf-8")
    search = re.compile(r'\n *\{% if "material/search" in config\.plugins %\}.*?\{% endif %\}\n'
                        r' *\{% endif %\}\n', re.S)
    assert len(search.findall(theirs)) == 1, "Material's header search block changed"
    expected = search.sub("\n", theirs)
    ours_plain = re.sub(r"\n *\{#- Pagefind instead.*?-#\}\n *\{% include \"partials/pagefind.html\" %\}\n",
                        "\n", ours, flags=re.S)
    strip_comment = re.compile(r"\A\{#-.*?-#\}\n", re.S)
    assert strip_comment.sub("", ours_plain) == strip_comment.sub("", expected)


def test_the_cli_refuses_a_switch_that_names_no_speed_up(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from generator.cli import main

    monkeypatch.setenv(speedups.SWITCH, "one-markdwon")
    assert main(["check"]) == 2
    assert "PROTOCOLS_SPEEDUPS_OFF names no speed-up one-markdwon" in capsys.readouterr().err
