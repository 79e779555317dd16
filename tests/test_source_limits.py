"""Sources the engine could not build are refused by `check`, at their own file and line.

Each case runs `protocols check` and `protocols build` in a copy of a small project;
build must refuse what check refused, before touching the output.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.cli import main
from generator.sources.sourcetext import MAX_FILE_BYTES

from .conftest import MINIMAL_YAML, ProjectFactory, minimal_protocol

P = "protocol_src/protocols/acme"


def run(root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
        ) -> tuple[int, list[str], int, str]:
    """check's exit code and error lines, build's exit code and stderr."""
    monkeypatch.chdir(root)
    checked = main(["check"])
    found = [line for line in capsys.readouterr().out.splitlines() if ": error: " in line]
    built = main(["build", "--quiet"])
    return checked, found, built, capsys.readouterr().err


def refused(root: Path, capsys: pytest.CaptureFixture[str],
            monkeypatch: pytest.MonkeyPatch) -> list[str]:
    checked, found, built, err = run(root, capsys, monkeypatch)
    assert (checked, built) == (1, 1)
    assert found and found[0] in err
    assert not (root / "site").exists()
    return found


def test_a_body_too_large(make_project: ProjectFactory, capsys: pytest.CaptureFixture[str],
                          monkeypatch: pytest.MonkeyPatch) -> None:
    files = minimal_protocol("acme")
    files[f"{P}/en.md"] += "Give 5 mg/kg.\n\n" * (MAX_FILE_BYTES // 15 + 1)
    size = len(files[f"{P}/en.md"].encode())
    assert refused(make_project(files), capsys, monkeypatch) == [
        f"{P}/en.md:1: error: file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,} "
        "(hint: split it into several protocols)"]


@pytest.mark.parametrize("folder", ["acme\n", "con", "nul", "lpt1", "index"])
def test_ids_that_no_folder_can_safely_have(folder: str, make_project: ProjectFactory,
                                            capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    files = minimal_protocol("acme")
    pid = folder.strip()
    root = make_project({
        f"protocol_src/protocols/{folder}/protocol.yaml": MINIMAL_YAML.format(id=pid),
        f"protocol_src/protocols/{folder}/en.md": files[f"{P}/en.md"]})
    found = refused(root, capsys, monkeypatch)
    shown = folder.replace("\n", "\\n")
    assert found[0].startswith(f"protocol_src/protocols/{shown}/protocol.yaml:1: error: "
                               f"folder name {folder!r} is not a valid protocol id")


@pytest.mark.parametrize("new_id", ["acme\n", "con", "aux", "index"])
def test_new_refuses_those_ids(new_id: str, make_project: ProjectFactory,
                               capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project()
    monkeypatch.chdir(root)
    assert main(["new", new_id, "--lang", "en"]) == 1
    assert "invalid protocol id" in capsys.readouterr().err
    assert list((root / "protocol_src/protocols").iterdir()) == []


def test_a_protocol_folder_linked_to_outside(make_project: ProjectFactory, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    for rel, text in minimal_protocol("acme").items():
        (outside / Path(rel).name).write_text(text, encoding="utf-8")
    root = make_project()
    os.symlink(outside, root / P)
    assert refused(root, capsys, monkeypatch) == [
        f"{P}/protocol.yaml:1: error: {P} is a link to {outside}, outside the project "
        "(hint: copy the files into the project instead)"]


def test_a_file_linked_to_outside(make_project: ProjectFactory, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text(minimal_protocol("acme")[f"{P}/en.md"], encoding="utf-8")
    files = minimal_protocol("acme")
    del files[f"{P}/en.md"]
    root = make_project(files)
    os.symlink(secret, root / P / "en.md")
    assert refused(root, capsys, monkeypatch)[0].startswith(
        f"{P}/protocol.yaml:1: error: {P}/en.md is a link to {secret}, outside the project")


def test_site_settings_not_utf8(make_project: ProjectFactory,
                                capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_project(minimal_protocol("acme"))
    ui = root / "site_config/ui.yaml"
    lines = ui.read_bytes().count(b"\n")
    ui.write_bytes(ui.read_bytes() + b"# caf\xe9\n")
    found = refused(root, capsys, monkeypatch)
    assert found[0].startswith(f"site_config/ui.yaml:{lines + 1}: error: file is not valid "
                               "UTF-8")


def test_cr_only_line_endings_are_read(make_project: ProjectFactory,
                                       capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    files = {rel: text.replace("\n", "\r") for rel, text in
             minimal_protocol("acme", "Old Mac").items()}
    root = make_project(files)
    checked, found, built, _ = run(root, capsys, monkeypatch)
    assert (checked, found, built) == (0, [], 0)
    page = (root / "site/protocols/acme/index.html").read_text(encoding="utf-8")
    assert "Old Mac" in page


@pytest.mark.parametrize(("text", "allowed"), [
    ("कृ\u200dष्ण", True),              # a joiner inside a Devanagari word
    ("👨\u200d👩\u200d👧", True),        # an emoji sequence
    ("Give \u200d5 mg/kg", False),      # a joiner before a digit: hides nothing, says nothing
    ("Give 5\u200b0 mg/kg", False),     # zero-width space inside a number
    ("Give 5\u00ad0 mg/kg", False),     # soft hyphen
    ("Give \u2066 5 \u2069 mg/kg", False),  # isolates
])
def test_format_characters(text: str, allowed: bool, make_project: ProjectFactory,
                           capsys: pytest.CaptureFixture[str],
                           monkeypatch: pytest.MonkeyPatch) -> None:
    files = minimal_protocol("acme")
    files[f"{P}/en.md"] = files[f"{P}/en.md"].replace("Text.", text)
    monkeypatch.chdir(make_project(files))
    assert main(["check"]) == (0 if allowed else 1)
    out = capsys.readouterr().out
    if not allowed:
        assert f"{P}/en.md:7: error: invisible character U+" in out
