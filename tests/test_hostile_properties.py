"""Property: random protocols mixing valid and hostile pieces; `check` and `build` agree.

What `build` refuses, `check` refused first, with a line of a source file; what `check`
passes, `build` builds; and no run changes anything outside its output folders.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.cli import main

from .conftest import MINIMAL_YAML, REPO

SETTINGS = settings(max_examples=12, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

VALID_LINES = [
    "Give 5 mg/kg twice daily.",
    "## Dosing {#dosing}",
    "- a list item",
    "    - a nested item",
    "> a quote",
    "See [the dosing](#dosing) and [a guideline](https://example.org/g).",
    "Titles like *this* and `code`.",
    "कृ\u200dष्ण",
    "| a | b |\n|---|---|\n| 1 | 2 |",
]
HOSTILE_LINES = [
    "Geef \u202e15\u202c mg/kg.",
    "![chart](chart.png)",
    "[x](#nope)",
    "[a](java\tscript:alert(1))",
    "A paragraph.\n{: onclick=\"alert(1)\" }",
    "".join("    " * depth + "- x\n" for depth in range(40)),
    "[" * 5000,
    "<script>alert(1)</script>",
    "[x](../../mkdocs.yml)",
    "Zero\u200bwidth",
]
TITLES = ["Acme", "Acme [click](https://evil.example/)", "Acme \"quoted\" & more",
          "Acme \u202eevil", "Acme *loud*"]
SUMMARIES = [None, "Plain summary.", '0;url=https://evil.example/" http-equiv="refresh',
             "Sum\u2066mary"]
STATUSES = ["approved", "*a1", "draft"]


def protocol_files(title: str, summary: str | None, lines: list[str], status: str
                   ) -> dict[str, str]:
    meta = "title: '" + title.replace("'", "''") + "'\n"
    if summary is not None:
        meta += "summary: '" + summary.replace("'", "''") + "'\n"
    yaml = MINIMAL_YAML.format(id="acme").replace("status: approved", f"status: {status}")
    if status.startswith("*"):
        yaml = "anchor: &a1 approved\n" + yaml
    body = f"---\n{meta}---\n\n## Dosing {{#dosing}}\n\n" + "\n\n".join(lines) + "\n"
    return {"protocol_src/protocols/acme/protocol.yaml": yaml,
            "protocol_src/protocols/acme/en.md": body}


def digest(root: Path, skip: tuple[str, ...]) -> dict[str, str]:
    return {path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(root.rglob("*"))
            if path.is_file() and not path.relative_to(root).as_posix().startswith(skip)}


@SETTINGS
@example(title="Acme", summary=None, lines=[], status="draft")  # nothing to index: found here
@given(title=st.sampled_from(TITLES), summary=st.sampled_from(SUMMARIES),
       lines=st.lists(st.sampled_from(VALID_LINES + HOSTILE_LINES), max_size=5),
       status=st.sampled_from(STATUSES))
def test_check_and_build_agree(title: str, summary: str | None, lines: list[str], status: str,
                               capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    base = Path(tempfile.mkdtemp(prefix="hostile-"))
    try:
        root = base / "project"
        shutil.copytree(REPO / "site_config", root / "site_config")
        shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
        (root / "protocol_src/calculators").mkdir(parents=True)
        for rel, text in protocol_files(title, summary, lines, status).items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text, encoding="utf-8")
        (base / "neighbour.txt").write_text("someone else's file\n", encoding="utf-8")
        before = digest(base, skip=("project/site", "project/content"))
        monkeypatch.chdir(root)

        checked = main(["check"])
        errors = [line for line in capsys.readouterr().out.splitlines() if ": error: " in line]
        built = main(["build", "--quiet"])
        err = capsys.readouterr().err

        if checked == 0:
            assert built == 0, f"check passed but build failed:\n{err}"
            page = root / "site/protocols/acme/index.html"
            assert page.is_file() == (status != "draft")  # a draft is not published
        else:
            assert built == 1
            assert errors and all(line.startswith(("protocol_src/", "site_config/"))
                                  for line in errors), errors
            assert errors[0] in err
            assert not (root / "site").exists()
        assert "mkdocs.yml:1" not in err, err
        assert digest(base, skip=("project/site", "project/content")) == before
    finally:
        shutil.rmtree(base, ignore_errors=True)
