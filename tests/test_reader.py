"""The reader's site without a browser: settings, synonyms, the "jump to" row, the
changelog in the reader's language, the home page and the offline lists (exact messages,
exact Markdown). The browser tests are in test_reader_browser.py."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import pipeline
from generator.engine import offline
from generator.pages.answer import DOSE, jump_targets, with_query
from generator.sources.glossary import synonyms_for
from generator.sources.model import Body, Glossary, Heading, SynonymGroup

from .conftest import MINIMAL_YAML, ProjectFactory, minimal_protocol

P = "protocol_src/protocols/acme"
SITE = "site_config/site.yaml"


def errors(root: Path) -> list[str]:
    return [p.format() for p in pipeline.check(root).sorted() if p.severity == "error"]


def _set(root: Path, key: str, value: str) -> None:
    path = root / SITE
    path.write_text(path.read_text(encoding="utf-8").replace(f"{key}: null", f"{key}: {value}"),
                    encoding="utf-8")


# --- owner contact ----------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["mailto:qa@example.org", "tel:+3110000", "javascript:alert(1)"])
def test_contact_refuses_links_other_than_web_addresses(make_project: ProjectFactory,
                                                        value: str) -> None:
    root = make_project(minimal_protocol("acme"))
    _set(root, "contact", f'"{value}"')
    line = (root / SITE).read_text(encoding="utf-8").splitlines().index(f'contact: "{value}"') + 1
    scheme = value.split(":")[0] + ":"
    assert errors(root) == [
        f"{SITE}:{line}: error: 'contact' must be a web address (https://...) or an address "
        f"shown as text, not a '{scheme}' link (hint: write an e-mail address as text: "
        "reports@example.org)"]


@pytest.mark.parametrize(("value", "linked"), [
    ("https://intranet.example.org/feedback", True),
    ("qa-protocols@example.org", False),
    ("Tel: 010 123 4567, Pharmacy, room 2.14", False),
])
def test_contact_is_a_link_or_text(make_project: ProjectFactory, value: str, linked: bool) -> None:
    root = make_project(minimal_protocol("acme"))
    _set(root, "contact", f'"{value}"')
    assert errors(root) == []
    files = pipeline.render(pipeline.load(root), date(2026, 1, 1), include_unpublished=False)
    page, home = str(files["nl/protocols/acme.md"]), str(files["nl/index.md"])
    if linked:
        assert f'href="{value}?page=acme&amp;version=1.0&amp;lang=nl"' in page
        assert f'<a class="contact" href="{value}">' in home
    else:
        assert f'<span class="contact">{value}</span>' in page
        assert "acme · 1.0 · nl" in page and "href" not in page.split("report-problem")[1]
    assert "mailto:" not in page + home


def test_report_link_keeps_the_contacts_own_query() -> None:
    assert with_query("https://x.example/f?form=7&page=old", {"page": "acme", "lang": "id"}) == \
        "https://x.example/f?form=7&page=acme&lang=id"


# --- synonyms ---------------------------------------------------------------------------------

GLOSSARY = "protocol_src/glossary.yaml"


@pytest.mark.parametrize(("text", "expected"), [
    ("synonyms:\n  - en: [ganciclovir]\n    fr: [ganciclovir]\n",
     f"{GLOSSARY}:4: error: synonyms: unknown language 'fr' (hint: site languages: en, nl, id)"),
    ("synonyms:\n  - en: ganciclovir\n",
     f"{GLOSSARY}:3: error: synonyms in 'en' must be a list of words (hint: each group maps "
     "languages to lists of spellings: - en: [ganciclovir, gancyclovir])"),
    ("synonyms:\n  - en: [ganciclovir]\n  - id: [Ganciclovir]\n",
     f"{GLOSSARY}:4: error: synonym 'Ganciclovir' is in two groups (first on line 3)"),
    ("synonyms:\n  - en: ['<b>x</b>']\n",
     f"{GLOSSARY}:3: error: synonyms in 'en' must be a list of words (hint: each group maps "
     "languages to lists of spellings: - en: [ganciclovir, gancyclovir])"),
    ("synonyms: ganciclovir\n",
     f"{GLOSSARY}:2: error: 'synonyms' must be a list (hint: - en: [ganciclovir, gancyclovir])"),
])
def test_synonym_errors(make_project: ProjectFactory, text: str, expected: str) -> None:
    root = make_project({**minimal_protocol("acme"), GLOSSARY: "terms: []\n" + text})
    assert errors(root) == [expected]


WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöü", min_size=3, max_size=12)


@given(st.lists(WORD, min_size=1, max_size=4, unique=True), st.data())
def test_a_page_with_any_spelling_gets_every_spelling_of_the_readers_language(
        words: list[str], data: st.DataObject) -> None:
    half = max(1, len(words) // 2)
    group = SynonymGroup({"en": tuple(words[:half]), "id": tuple(words[half:] or words[:1])}, 1)
    glossary = Glossary(synonyms=(group,))
    used = data.draw(st.sampled_from(words))
    for case in (used, used.upper(), used.capitalize()):
        text = f"Give {case}, twice."
        assert synonyms_for(text, glossary, "id") == list(group.spellings["id"])
        assert synonyms_for(text, glossary, "nl") == list(group.every)  # no list: all of them
    # Part of a longer word is not the word: "valganciclovir" is not "ganciclovir".
    assert synonyms_for(f"Give x{used} and {used}x.", glossary, "id") == []


def test_indonesian_spelling_finds_the_page_in_the_index(make_project: ProjectFactory) -> None:
    body = "---\ntitle: Obat\n---\n\n## Dosis {#dosis}\n\nBerikan gansiklovir 5 mg/kg.\n"
    files = {**minimal_protocol("acme"), f"{P}/id.md": body.replace("title: Obat",
             "title: Obat\ntranslation_of_version: \"1.0\""),
             GLOSSARY: "terms: []\nsynonyms:\n  - en: [ganciclovir, gancyclovir]\n"
                       "    id: [gansiklovir, ganciclovir]\n"}
    root = make_project(files)
    rendered = pipeline.render(pipeline.load(root), date(2026, 1, 1), include_unpublished=False)
    assert 'synonyms: ["gansiklovir", "ganciclovir"]' in str(rendered["id/protocols/acme.md"])
    assert "synonyms:" not in str(rendered["en/protocols/acme.md"])  # "Text." has none


# --- jump to -------------------------------------------------------------------------------------

def _body(text: str, headings: list[tuple[int, str, str, int]]) -> Body:
    return Body("en", "x/en.md", "T", None, (), None, text, 5,
                tuple(Heading(level, name, hid, line) for level, name, hid, line in headings))


def test_jump_targets_are_the_first_dose_and_the_first_calculator() -> None:
    text = "\n".join(["Intro 900 mg.", "## Diagnosis {#dx}", "Creatinine 1.2 mg/dL, load "
                      "10.000 IU/mL.", "## Management {#mgmt}", "Give 5 mg/kg twice daily.",
                      "### Calculators {#calcs}", "[[calc:ganciclovir-iv]]", "Later 2 g."])
    body = _body(text, [(2, "Diagnosis", "dx", 6), (2, "Management", "mgmt", 8),
                        (3, "Calculators", "calcs", 10)])
    assert [h.id for h in jump_targets(body)] == ["mgmt", "calcs"]
    assert jump_targets(_body("## A {#a}\nNo doses here.", [(2, "A", "a", 5)])) == []
    fenced = "## A {#a}\n```\n5 mg\n```"  # code is not a dose
    assert jump_targets(_body(fenced, [(2, "A", "a", 5)])) == []


@pytest.mark.parametrize(("text", "dose"), [
    ("5 mg/kg", True), ("900 mg", True), ("2 g", True), ("250 microgram", True),
    ("1.2 mg/dL", False), ("80 µmol/L", False), ("10.000 IU/mL", False), ("0,5 mg/mL", False),
    ("5 mg/min", False), ("2 gangs", False),
])
def test_what_counts_as_a_dose(text: str, dose: bool) -> None:
    assert bool(DOSE.search(text)) is dose


# --- changelog in the reader's language ---------------------------------------------------------

def test_changelog_note_in_the_readers_language_or_labelled(make_project: ProjectFactory) -> None:
    files = minimal_protocol("acme")
    files[f"{P}/protocol.yaml"] = files[f"{P}/protocol.yaml"].replace(
        "note: First version.", 'note: {en: "First version.", nl: "Eerste versie."}')
    root = make_project(files)
    rendered = pipeline.render(pipeline.load(root), date(2026, 1, 1), include_unpublished=False)
    assert "- **1.0** (1 januari 2025): Eerste versie." in str(rendered["nl/protocols/acme.md"])
    assert ('- **1.0** (1 Januari 2025): *Inggris:* <span lang="en">First version.</span>'
            in str(rendered["id/protocols/acme.md"]))
    assert '*Inggris:* <span lang="en">First version.</span>' in str(
        rendered["id/history/acme.md"])


def test_a_plain_note_is_in_the_original_language(make_project: ProjectFactory) -> None:
    root = make_project(minimal_protocol("acme"))
    rendered = pipeline.render(pipeline.load(root), date(2026, 1, 1), include_unpublished=False)
    assert "(January 1, 2025): First version." in str(rendered["en/protocols/acme.md"])
    assert '*Engels:* <span lang="en">First version.</span>' in str(rendered["nl/protocols/acme.md"])


def test_changelog_note_in_an_unknown_language(make_project: ProjectFactory) -> None:
    yaml_text = MINIMAL_YAML.format(id="acme").replace("note: First version.",
                                                       "note:\n      fr: Première version.")
    root = make_project({**minimal_protocol("acme"), f"{P}/protocol.yaml": yaml_text})
    assert errors(root) == [f"{P}/protocol.yaml:13: error: changelog note: unknown language 'fr' "
                            "(hint: site languages: en, nl, id)"]


def test_seed_changelog_shows_no_source_notes(make_project: ProjectFactory) -> None:
    """Readers see the clinical history, not how the source files were converted."""
    root = make_project(seeds=True)
    rendered = pipeline.render(pipeline.load(root), date(2026, 1, 1), include_unpublished=False)
    for lang in ("en", "nl", "id"):
        for pid in ("cmv-icu", "cmv-recurrent-anemia"):
            page = str(rendered[f"{lang}/protocols/{pid}.md"]).split("{#changelog}")[1]
            for technical in ("tel:", "explicit", "Markdown", "heading ids", "creatinine-clearance"):
                assert technical not in page, (lang, pid, technical)


# --- home ------------------------------------------------------------------------------------------

def test_home_lists_calculators_recent_changes_and_reviews(make_project: ProjectFactory) -> None:
    files = {**minimal_protocol("acme", "Acme dosing"), **minimal_protocol("beta", "Beta")}
    files["protocol_src/protocols/beta/protocol.yaml"] = files[
        "protocol_src/protocols/beta/protocol.yaml"].replace("review_due: 2030-01-01",
                                                             "review_due: 2025-06-01")
    root = make_project(files)
    home = str(pipeline.render(pipeline.load(root), date(2026, 1, 1),
                               include_unpublished=False)["en/index.md"])
    assert "home: true" in home.split("---")[1]
    reviews = home.split("{#reviews}")[1].split("##")[0]
    assert reviews.index("[Beta](protocols/beta.md) (June 1, 2025) ⚠ Review overdue") < \
        reviews.index("[Acme dosing](protocols/acme.md) (January 1, 2030)")
    assert "(indexes/reviews-overdue.md)" in reviews
    assert "[Acme dosing](protocols/acme.md) (January 1, 2025)" in home.split("{#recent}")[1]
    assert "not recorded yet" in home.split("{#about}")[1]


# --- offline -----------------------------------------------------------------------------------------

def test_each_language_stores_its_own_pages_and_index() -> None:
    files = ["index.html", "protocols/a/index.html", "nl/index.html", "nl/protocols/a/index.html",
             "id/protocols/a/index.html", "assets/calculators/x.nl.json",
             "assets/calculators/x.en.json", "assets/javascripts/lunr/min/lunr.nl.min.js",
             "assets/javascripts/bundle.1.min.js", "pagefind/pagefind.js",
             "pagefind/wasm.nl.pagefind", "pagefind/wasm.en.pagefind",
             "pagefind/index/nl_1.pf_index", "pagefind/fragment/en_2.pf_fragment",
             "sitemap.xml", "404.html"]
    languages = ["en", "nl", "id"]
    assert offline.stored_urls(files, "nl", languages, "en") == [
        "nl/", "nl/protocols/a/", "assets/calculators/x.nl.json",
        "assets/javascripts/bundle.1.min.js", "pagefind/pagefind.js",
        "pagefind/wasm.nl.pagefind", "pagefind/index/nl_1.pf_index", "404.html"]
    assert offline.stored_urls(files, "en", languages, "en") == [
        "", "protocols/a/", "assets/calculators/x.en.json", "assets/javascripts/bundle.1.min.js",
        "pagefind/pagefind.js", "pagefind/wasm.en.pagefind", "pagefind/fragment/en_2.pf_fragment",
        "404.html"]


def test_the_worker_changes_with_the_site(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "nl").mkdir(parents=True)
    (site / "nl" / "index.html").write_text("one", encoding="utf-8")
    offline.write_worker(site, ["en", "nl"], "en")
    first = (site / "sw.js").read_text(encoding="utf-8")
    assert json.loads((site / "offline" / "nl.json").read_text(encoding="utf-8")) == ["nl/"]
    (site / "nl" / "index.html").write_text("two", encoding="utf-8")
    offline.write_worker(site, ["en", "nl"], "en")
    second = (site / "sw.js").read_text(encoding="utf-8")
    assert first != second and "__BUILD__" not in second
