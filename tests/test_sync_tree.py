"""The preview's content/ follows the generated files exactly, touching only what changed."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.engine.fsutil import sync_tree

NAMES = ["index.md", "en/index.md", "en/protocols/a.md", "en/protocols/b.md", "nl/history/a.md",
         "assets/x.js", "nl/protocols/deep/c.md"]
trees = st.dictionaries(st.sampled_from(NAMES), st.sampled_from([b"one", b"two", "drie"]))


def _on_disk(dest: Path) -> dict[str, bytes]:
    return {path.relative_to(dest).as_posix(): path.read_bytes()
            for path in dest.rglob("*") if path.is_file()}


def _empty_folders(dest: Path) -> list[Path]:
    return [path for path in dest.rglob("*") if path.is_dir() and not any(path.iterdir())]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees, st.lists(trees, min_size=1, max_size=5))
def test_content_is_exactly_the_files_after_every_preview(stale: dict[str, bytes | str],
                                                          states: list[dict]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "content"
        for rel, data in stale.items():  # an earlier build's files
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            (dest / rel).write_bytes(data.encode() if isinstance(data, str) else data)
        known: dict[str, bytes] = {}
        for files in states:
            before = _on_disk(dest) if dest.exists() else {}
            wanted = {rel: data.encode() if isinstance(data, str) else data
                      for rel, data in files.items()}
            changed = sync_tree(files, dest, known)
            assert _on_disk(dest) == wanted
            assert _empty_folders(dest) == []
            assert sorted(changed) == sorted(
                rel for rel in before.keys() | wanted.keys() if before.get(rel) != wanted.get(rel))


def test_a_known_file_is_not_read_again_but_a_vanished_one_is_written(
        tmp_path: Path, monkeypatch: object) -> None:
    dest = tmp_path / "content"
    known: dict[str, bytes] = {}
    files: dict[str, str | bytes] = {"en/protocols/a.md": "A", "nl/protocols/a.md": "B"}
    sync_tree(files, dest, known)
    reads: list[Path] = []
    original = Path.read_bytes

    def counting(path: Path) -> bytes:
        reads.append(path)
        return original(path)

    import pytest
    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.setattr(Path, "read_bytes", counting)
    (dest / "nl/protocols/a.md").unlink()  # removed by hand while the preview runs
    assert sync_tree(files, dest, known) == ["nl/protocols/a.md"]
    assert reads == []
    assert (dest / "nl/protocols/a.md").read_text() == "B"
