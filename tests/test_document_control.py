"""Document control: dates, approval, review copies, the source note (issue 17)."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import pipeline
from generator.sources.load import load_protocol
from generator.sources.problems import Problems

from .conftest import MINIMAL_BODY, MINIMAL_YAML, SITE_LANGUAGES, ProjectFactory

P = "protocol_src/protocols/acme"


def messages(root: Path, severity: str = "error") -> list[str]:
    return [p.format() for p in pipeline.check(root).sorted() if p.severity == severity]


def yaml_with(**replace: str) -> str:
    text = MINIMAL_YAML.format(id="acme")
    for old, new in replace.items():
        text = text.replace(old.replace("_COLON_", ": "), new)
    return text


def _load(yaml_text: str) -> tuple[object, list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "acme"
        folder.mkdir()
        (folder / "protocol.yaml").write_text(yaml_text, encoding="utf-8")
        (folder / "en.md").write_text(MINIMAL_BODY.format(title="Acme"), encoding="utf-8")
        found = Problems()
        protocol = load_protocol(folder, P, SITE_LANGUAGES, found)
        return protocol, [p.format() for p in found.items]


@settings(max_examples=60, deadline=None)
@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)),
       quote=st.sampled_from(["", '"', "'"]))
def test_any_iso_date_quoted_or_not_is_read_wherever_a_date_is_asked(day: date,
                                                                     quote: str) -> None:
    written = f"{quote}{day.isoformat()}{quote}"
    text = (MINIMAL_YAML.format(id="acme")
            .replace("review_due: 2030-01-01", f"review_due: {written}")
            .replace("approved_on: 2025-01-01", f"approved_on: {written}")
            .replace("date: 2025-01-01", f"date: {written}"))
    protocol, found = _load(text)
    assert found == []
    assert protocol.review_due == day  # type: ignore[attr-defined]
    assert protocol.approved_on == day  # type: ignore[attr-defined]
    assert protocol.changelog[0].date == day  # type: ignore[attr-defined]


@pytest.mark.parametrize("written", ["2025-13-01", '"2025-13-01"', "'2025-02-30'", "next week",
                                     '"2025-6-1"', '"20250601"', "2025-06-01 10:00:00"])
def test_a_wrong_date_gets_the_same_message_everywhere(written: str) -> None:
    shown = written.strip("'\"")
    for key, old in (("review_due", "review_due: 2030-01-01"),
                     ("approved_on", "approved_on: 2025-01-01"),
                     ("date", "    date: 2025-01-01")):
        line = next(i for i, text in enumerate(MINIMAL_YAML.splitlines(), 1) if old.strip() in text)
        indent = old[: len(old) - len(old.lstrip())]
        protocol, found = _load(MINIMAL_YAML.format(id="acme").replace(
            old, f"{indent}{key}: {written}"))
        assert protocol is None
        assert found == [f"{P}/protocol.yaml:{line}: error: {key} '{shown}' is not a date "
                         "(hint: write it as YYYY-MM-DD)"]


@pytest.mark.parametrize("status", ["approved", "retired"])
@pytest.mark.parametrize(("yaml_text", "line", "key"), [
    (yaml_with(**{"approved_by_COLON_Dr. A. Test": "approved_by: null"}), 7, "approved_by"),
    (yaml_with(**{"approved_on_COLON_2025-01-01": "approved_on: null"}), 8, "approved_on"),
    (yaml_with(**{"approved_by_COLON_Dr. A. Test\n": ""}), 3, "approved_by"),
])
def test_approval_without_approver_or_date_is_an_error_at_its_line(
        make_project: ProjectFactory, status: str, yaml_text: str, line: int, key: str) -> None:
    root = make_project({f"{P}/protocol.yaml": yaml_text.replace("status: approved",
                                                                 f"status: {status}"),
                         f"{P}/en.md": MINIMAL_BODY.format(title="Acme")})
    assert messages(root) == [
        f"{P}/protocol.yaml:{line}: error: {key} is not recorded for an {status} protocol "
        "(hint: record who approved it and when, or set status: review)"]


def test_review_without_approval_is_no_error(make_project: ProjectFactory) -> None:
    text = yaml_with(**{"status_COLON_approved": "status: review",
                        "approved_by_COLON_Dr. A. Test": "approved_by: null",
                        "approved_on_COLON_2025-01-01": "approved_on: null"})
    root = make_project({f"{P}/protocol.yaml": text,
                         f"{P}/en.md": MINIMAL_BODY.format(title="Acme")})
    assert messages(root) == []


def _site_setting(root: Path, value: str | None) -> None:
    site = root / "site_config" / "site.yaml"
    lines = [line for line in site.read_text(encoding="utf-8").splitlines()
             if not line.startswith("publish_review_copies")]
    if value is not None:
        lines.append(f"publish_review_copies: {value}")
    site.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _rendered(root: Path) -> dict[str, str | bytes]:
    return pipeline.render(pipeline.load(root), date(2026, 11, 22), include_unpublished=False)


def _statuses_project(make_project: ProjectFactory) -> Path:
    files = {}
    for pid, status in (("ok", "approved"), ("rev", "review"), ("dra", "draft")):
        files[f"protocol_src/protocols/{pid}/protocol.yaml"] = (
            MINIMAL_YAML.format(id=pid).replace("status: approved", f"status: {status}"))
        files[f"protocol_src/protocols/{pid}/en.md"] = MINIMAL_BODY.format(title=pid)
    return make_project(files)


@pytest.mark.parametrize(("setting", "published"), [
    (None, {"ok"}), ("false", {"ok"}), ("true", {"ok", "rev"})])
def test_review_copies_only_where_the_site_allows_them_and_drafts_never(
        make_project: ProjectFactory, setting: str | None, published: set[str]) -> None:
    root = _statuses_project(make_project)
    _site_setting(root, setting)
    files = _rendered(root)
    for lang in SITE_LANGUAGES:
        pages = {rel.rsplit("/", 1)[1][:-3] for rel in files
                 if rel.startswith(f"{lang}/protocols/")}
        assert pages == published


def test_a_site_setting_that_is_no_flag_is_an_error(make_project: ProjectFactory) -> None:
    root = _statuses_project(make_project)
    _site_setting(root, "sometimes")
    [problem] = [p for p in messages(root) if "publish_review_copies" in p]
    assert problem.startswith("site_config/site.yaml:")
    assert problem.endswith("error: 'publish_review_copies' must be true or false")


@pytest.mark.parametrize(("lang", "title"), [
    ("en", "Awaiting approval, not yet for clinical use"),
    ("nl", "Wacht op vaststelling, nog niet voor klinisch gebruik"),
    ("id", "Menunggu persetujuan, belum untuk penggunaan klinis"),
])
def test_a_review_copy_says_it_awaits_approval_in_the_readers_language(
        make_project: ProjectFactory, lang: str, title: str) -> None:
    root = _statuses_project(make_project)
    _site_setting(root, "true")
    files = _rendered(root)
    assert f'!!! danger awaiting-approval "{title}"' in str(files[f"{lang}/protocols/rev.md"])
    assert "awaiting-approval" not in str(files[f"{lang}/protocols/ok.md"])


def test_the_seeds_await_approval_name_their_source_and_are_published_here(
        make_project: ProjectFactory) -> None:
    root = make_project(seeds=True)
    loaded = pipeline.load(root)
    files = _rendered(root)
    for pid, protocol in loaded.project.protocols.items():
        assert protocol.status == "review"
        assert protocol.source
        page = str(files[f"en/protocols/{pid}.md"])
        assert "awaiting-approval" in page
        assert '<tr data-field="source"><th scope="row">Source</th>' in page


def test_document_control_opens_as_one_line_with_the_details_one_click_away(
        make_project: ProjectFactory) -> None:
    root = make_project({f"{P}/protocol.yaml": MINIMAL_YAML.format(id="acme")
                         + 'source: "Ward handbook, 3rd edition"\n',
                         f"{P}/en.md": MINIMAL_BODY.format(title="Acme")})
    page = str(_rendered(root)["nl/protocols/acme.md"])
    summary = page[page.index("<summary>"):page.index("</summary>")]
    assert [part.split('">')[0] for part in summary.split('data-field="')[1:]] == [
        "version", "status", "approved_on", "review_due", "this_page"]
    assert "Versie 1.0" in summary and "Vastgesteld op: 1 januari 2025" in summary
    assert "Ward handbook, 3rd edition" in page[page.index("</summary>"):page.index("</details>")]
