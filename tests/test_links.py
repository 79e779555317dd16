"""Issue 3: a new protocol dropped in beside the seeds links, cites, has aliases and a
missing translation, and builds into correct pages and indexes in every language."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator import pipeline
from generator.engine import mkdocs_site
from generator.pages.collate import initial, sort_key
from generator.pages.graph import build_graph
from generator.pages.indexes import nav_entries

from .conftest import MINIMAL_BODY, MINIMAL_YAML, SITE_LANGUAGES, ProjectFactory, minimal_protocol
from .test_build import page_file

TODAY = date(2026, 11, 22)
NEW = "protocol_src/protocols/cmv-prophylaxis"

NEW_YAML = """\
id: cmv-prophylaxis
version: "2.0"
status: approved
original_language: en
owner: Infectious Diseases
review_due: 2026-01-01
approved_by: Dr. A. Test
approved_on: 2025-01-01
specialties: [transplantation]
related: [cmv-icu]
references:
  - key: smith
    text: Smith J. CMV prophylaxis after transplantation. 2020.
    pmid: "12345678"
changelog:
  - version: "2.0"
    date: 2026-10-01
    note: Dose changed.
"""

NEW_EN = """\
---
title: CMV prophylaxis after transplantation
aliases: ["Letermovir prophylaxis", "Valganciclovir prophylaxis"]
---

Prophylaxis prevents CMV disease [@smith]. For the ICU see [[cmv-icu]]; for anemia see
[[cmv-recurrent-anemia#treatment-approach]].

## Dosing {#dosing}

Dose by PCR result.
"""

# Outdated on purpose: it renders version 1.0 of a protocol now at 2.0.
NEW_NL = """\
---
title: CMV-profylaxe na transplantatie
aliases: ["Letermovir-profylaxe"]
translation_of_version: "1.0"
---

Profylaxe voorkomt CMV-ziekte [@smith]. Zie [[cmv-icu]] en
[[cmv-recurrent-anemia#treatment-approach]].

## Dosering {#dosing}

Dosis op geleide van PCR.
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from .conftest import copy_seed_project, write_files
    root = copy_seed_project(tmp_path_factory.mktemp("links") / "project")
    write_files(root, {f"{NEW}/protocol.yaml": NEW_YAML, f"{NEW}/en.md": NEW_EN,
                       f"{NEW}/nl.md": NEW_NL})
    return root


@pytest.fixture(scope="module")
def pages(project: Path) -> dict[str, str]:
    loaded = pipeline.load(project)
    assert [p.format() for p in loaded.problems.errors] == []
    files = pipeline.render(loaded, TODAY, include_unpublished=False)
    return {rel: data for rel, data in files.items() if isinstance(data, str)}


@pytest.fixture(scope="module")
def site(project: Path) -> Path:
    pipeline.build(project, project / "site", today=TODAY)
    return project / "site"


# --- links and citations on the new protocol's pages ---------------------------------------


def test_links_resolve_in_every_language(pages: dict[str, str]) -> None:
    en = pages["en/protocols/cmv-prophylaxis.md"]
    assert "[CMV in the ICU](cmv-icu.md)" in en
    assert ("[Management of CMV infection and its relation to recurrent anemia: "
            "Treatment approach](cmv-recurrent-anemia.md#treatment-approach)") in en
    assert "[CMV op de IC](cmv-icu.md)" in pages["nl/protocols/cmv-prophylaxis.md"]


def test_anchor_link_works_on_a_fallback_page(pages: dict[str, str], site: Path) -> None:
    # No Indonesian text: the reader gets the English body, but the link opens the
    # Indonesian page of the target, whose heading ids are the same in every language.
    page = pages["id/protocols/cmv-prophylaxis.md"]
    assert 'data-page-kind="fallback"' in page
    assert ("[Penatalaksanaan Infeksi CMV dan Hubungannya dengan Anemia Berulang: "
            "Pendekatan Pengobatan](cmv-recurrent-anemia.md#treatment-approach)") in page
    html = page_file(site, "id", "cmv-prophylaxis").read_text(encoding="utf-8")
    assert 'href="../cmv-recurrent-anemia/#treatment-approach"' in html
    target = page_file(site, "id", "cmv-recurrent-anemia").read_text(encoding="utf-8")
    assert 'id="treatment-approach"' in target


def test_citations_are_numbered_with_a_linked_reference(pages: dict[str, str]) -> None:
    for lang in SITE_LANGUAGES:
        page = pages[f"{lang}/protocols/cmv-prophylaxis.md"]
        assert '<a href="#cite-smith">[1]</a>' in page
        assert 'href="https://pubmed.ncbi.nlm.nih.gov/12345678/"' in page


def test_translation_status_of_each_language(pages: dict[str, str]) -> None:
    kinds = {lang: pages[f"{lang}/protocols/cmv-prophylaxis.md"] for lang in SITE_LANGUAGES}
    assert 'data-page-kind="original"' in kinds["en"]
    assert "Vertaling van versie 1.0, verouderd (huidige versie 2.0)" in kinds["nl"]
    assert "!!! warning outdated-translation" in kinds["nl"]
    assert "Belum diterjemahkan; ditampilkan dalam bahasa Inggris" in kinds["id"]


# --- related and referenced by ------------------------------------------------------------


@pytest.mark.parametrize(("lang", "target", "title"), [
    ("en", "cmv-icu", "CMV prophylaxis after transplantation"),
    ("en", "cmv-recurrent-anemia", "CMV prophylaxis after transplantation"),
    ("nl", "cmv-icu", "CMV-profylaxe na transplantatie"),
    ("nl", "cmv-recurrent-anemia", "CMV-profylaxe na transplantatie"),
    ("id", "cmv-icu", "CMV prophylaxis after transplantation"),
    ("id", "cmv-recurrent-anemia", "CMV prophylaxis after transplantation"),
])
def test_new_protocol_is_referenced_by_both_targets(pages: dict[str, str], lang: str,
                                                    target: str, title: str) -> None:
    page = pages[f"{lang}/protocols/{target}.md"]
    section = page.split("{#referenced-by}", 1)[1].split("\n## ", 1)[0]
    assert f"[{title}](cmv-prophylaxis.md)" in section


def test_related_section_in_the_readers_language(pages: dict[str, str]) -> None:
    nl = pages["nl/protocols/cmv-prophylaxis.md"]
    assert "## Gerelateerde protocollen {#related-protocols}\n\n- [CMV op de IC](cmv-icu.md)" in nl
    # An English title on an Indonesian page is marked as English for screen readers.
    idn = pages["id/protocols/cmv-icu.md"]
    assert "- [CMV prophylaxis after transplantation](cmv-prophylaxis.md){: lang=\"en\" }" in idn


def test_graph_counts_links_of_every_language_once(project: Path) -> None:
    graph = build_graph(pipeline.load(project).project.protocols.values())
    assert graph.links_from("cmv-prophylaxis") == {"cmv-icu", "cmv-recurrent-anemia"}
    assert graph.referenced_by("cmv-icu") == ("cmv-prophylaxis",)


def test_links_in_code_are_not_in_the_graph(make_project: ProjectFactory) -> None:
    body = "---\ntitle: A\n---\n\nWrite `[[target]]` to link.\n\n```\n[[target]]\n```\n"
    root = make_project({**minimal_protocol("target"),
                         "protocol_src/protocols/acme/protocol.yaml":
                             MINIMAL_YAML.format(id="acme"),
                         "protocol_src/protocols/acme/en.md": body})
    graph = build_graph(pipeline.load(root).project.protocols.values())
    assert graph.referenced_by("target") == ()


def test_long_referenced_by_lists_move_to_their_own_page(make_project: ProjectFactory) -> None:
    files = minimal_protocol("hub", "Hub")
    for n in range(25):
        pid = f"spoke-{n:02d}"
        files[f"protocol_src/protocols/{pid}/protocol.yaml"] = MINIMAL_YAML.format(id=pid)
        files[f"protocol_src/protocols/{pid}/en.md"] = (
            f"---\ntitle: Spoke {n:02d}\n---\n\nSee [[hub]].\n")
    loaded = pipeline.load(make_project(files))
    rendered = pipeline.render(loaded, TODAY, include_unpublished=False)
    hub = str(rendered["en/protocols/hub.md"])
    assert hub.count("- [Spoke ") == 20
    assert "[All 25 protocols that refer to this one](../referenced-by/hub.md)" in hub
    assert str(rendered["nl/referenced-by/hub.md"]).count("- [Spoke ") == 25


# --- indexes --------------------------------------------------------------------------------


def test_a_to_z_lists_titles_and_aliases_with_status(pages: dict[str, str]) -> None:
    en = pages["en/indexes/a-z.md"]
    assert ("| [Letermovir prophylaxis → CMV prophylaxis after transplantation]"
            "(../protocols/cmv-prophylaxis.md) | Original |") in en
    nl = pages["nl/indexes/a-z.md"]
    assert ("| [Letermovir-profylaxe → CMV-profylaxe na transplantatie]"
            "(../protocols/cmv-prophylaxis.md) | Vertaling verouderd |") in nl
    idn = pages["id/indexes/a-z.md"]
    assert ("| [Valganciclovir prophylaxis → CMV prophylaxis after transplantation]"
            "(../protocols/cmv-prophylaxis.md){: lang=\"en\" } | "
            "Belum diterjemahkan (ditampilkan dalam bahasa Inggris) |") in idn
    assert "| [CMV in the ICU](../protocols/cmv-icu.md) | Translation up to date |" in en
    # Filed under their own letter: L for the alias, C for the title.
    assert en.index("## L {#letter-l}") < en.index("Letermovir prophylaxis →")


def test_other_indexes(pages: dict[str, str]) -> None:
    specialty = pages["nl/indexes/by-specialty.md"]
    assert "## Transplantatie {#transplantation}\n\n- [CMV-profylaxe na transplantatie]" \
        in specialty
    by_calculator = pages["nl/indexes/by-calculator.md"]
    assert "## [Ganciclovir iv: dosis naar nierfunctie](../calculators/ganciclovir-iv.md)" \
        " {#ganciclovir-iv}\n\n- [CMV op de IC](../protocols/cmv-icu.md)" in by_calculator
    recent = pages["en/indexes/recently-changed.md"].split("|---|---|---|\n", 1)[1]
    assert recent.splitlines()[0] == (
        "| December 1, 2026 | [CMV in the ICU](../protocols/cmv-icu.md) | 1.2 |")
    assert "| October 1, 2026 | [CMV prophylaxis after transplantation]" in recent
    overdue = pages["en/indexes/reviews-overdue.md"]
    assert ("| January 1, 2026 | [CMV prophylaxis after transplantation]"
            "(../protocols/cmv-prophylaxis.md) | Infectious Diseases |") in overdue
    not_recorded = overdue.split("{#review-date-not-recorded}", 1)[1]
    assert "[CMV in the ICU]" in not_recorded
    assert "CMV prophylaxis" not in not_recorded


def test_retired_protocols_are_left_out_of_indexes(make_project: ProjectFactory) -> None:
    files = minimal_protocol("old", "Old protocol")
    files["protocol_src/protocols/old/protocol.yaml"] = MINIMAL_YAML.format(id="old").replace(
        "status: approved", "status: retired")
    loaded = pipeline.load(make_project({**files, **minimal_protocol("new", "New protocol")}))
    rendered = pipeline.render(loaded, TODAY, include_unpublished=False)
    assert "Old protocol" not in str(rendered["en/indexes/a-z.md"])
    assert "New protocol" in str(rendered["en/indexes/a-z.md"])
    assert "en/protocols/old.md" in rendered


def test_sorting_ignores_case_and_accents() -> None:
    titles = ["zinc", "Échographie", "ijzer", "Anemia", "édème", "Dosing", "10 rules"]
    assert sorted(titles, key=sort_key) == [
        "10 rules", "Anemia", "Dosing", "Échographie", "édème", "ijzer", "zinc"]
    assert [initial(t) for t in ("Échographie", "ijzer", "10 rules", "«Quoted»")] == [
        "E", "I", "#", "Q"]


def test_nav_lists_home_and_indexes_not_protocols(project: Path) -> None:
    site = pipeline.load(project).project.site
    assert nav_entries(site, "nl") == [
        ("Start", "index.md"), ("Protocollen A–Z", "indexes/a-z.md"),
        ("Per specialisme", "indexes/by-specialty.md"),
        ("Per rekenhulp", "indexes/by-calculator.md"),
        ("Recent gewijzigd", "indexes/recently-changed.md"),
        ("Verlopen herzieningen", "indexes/reviews-overdue.md")]
    i18n = mkdocs_site.plugin_settings(site)[0]["i18n"]
    assert [len(lang["nav"]) for lang in i18n["languages"]] == [6, 6, 6]


def test_any_protocol_is_two_clicks_from_home(site: Path) -> None:
    for _lang, prefix in (("en", ""), ("nl", "nl/"), ("id", "id/")):
        home = (site / prefix / "index.html").read_text(encoding="utf-8")
        assert 'href="indexes/a-z/"' in home
        a_to_z = (site / prefix / "indexes/a-z/index.html").read_text(encoding="utf-8")
        for pid in ("cmv-icu", "cmv-recurrent-anemia", "cmv-prophylaxis"):
            assert f'href="../../protocols/{pid}/"' in a_to_z


def test_protocol_pages_are_not_in_the_nav(site: Path) -> None:
    html = page_file(site, "nl", "cmv-icu").read_text(encoding="utf-8")
    assert 'class="md-nav__link" href="../cmv-prophylaxis/"' not in html
    assert "Protocollen A–Z" in html


# --- glossary ------------------------------------------------------------------------------


def test_glossary_tooltips_in_the_readers_language(pages: dict[str, str], site: Path) -> None:
    # The Indonesian page shows the English body, with Indonesian expansions.
    idn = pages["id/protocols/cmv-prophylaxis.md"]
    assert "*[CMV]: Sitomegalovirus (cytomegalovirus)" in idn
    assert "*[PCR]: Reaksi berantai polimerase (polymerase chain reaction)" in idn
    assert "*[BAL]" not in idn  # only the terms on the page
    html = page_file(site, "id", "cmv-prophylaxis").read_text(encoding="utf-8")
    assert '<abbr title="Sitomegalovirus (cytomegalovirus)">CMV</abbr>' in html
    nl = page_file(site, "nl", "cmv-icu").read_text(encoding="utf-8")
    assert '<abbr title="Intensive care">IC</abbr>' in nl


def test_every_glossary_term_occurs_in_the_seeds() -> None:
    from .conftest import REPO
    loaded = pipeline.load(REPO)
    texts = " ".join(body.text for protocol in loaded.project.protocols.values()
                     for body in protocol.bodies.values())
    import re
    unused = [t.term for t in loaded.project.glossary.terms
              if not re.search(rf"\b{re.escape(t.term)}\b", texts)]
    assert unused == []


G = "protocol_src/glossary.yaml"


@pytest.mark.parametrize(("glossary", "expected"), [
    ("terms:\n  - term: CMV\n    en: Cytomegalovirus\n    nl: Cytomegalovirus\n",
     (f"{G}:2: error: term 'CMV' has no expansion in 'id' "
     "(hint: every term needs an expansion in every site language)")),
    ("terms:\n  - term: CMV\n    en: Cytomegalovirus\n    nl: ''\n    id: Sitomegalovirus\n",
     (f"{G}:4: error: term 'CMV' has no expansion in 'nl' "
     "(hint: every term needs an expansion in every site language)")),
    ("terms:\n  - term: CMV\n    en: a\n    nl: a\n    id: a\n    fr: a\n",
     f"{G}:6: error: term 'CMV': unknown language 'fr' (hint: site languages: en, nl, id)"),
    (("terms:\n  - term: CMV\n    en: a\n    nl: a\n    id: a\n"
     "  - term: CMV\n    en: b\n    nl: b\n    id: b\n"),
     f"{G}:6: error: duplicate term 'CMV' (first defined on line 2)"),
    ("terms:\n  - en: a\n    nl: a\n    id: a\n",
     f"{G}:2: error: each glossary entry needs a 'term'"),
    ("- term: CMV\n",
     (f"{G}:1: error: the glossary needs 'terms': a list of terms "
     "(hint: - term: CMV, then one line per language, e.g. en: Cytomegalovirus)")),
])
def test_glossary_errors(make_project: ProjectFactory, glossary: str, expected: str) -> None:
    root = make_project({**minimal_protocol("acme"), G: glossary})
    assert [p.format() for p in pipeline.check(root).errors] == [expected]


# --- every broken reference fails `protocols check` at its line ----------------------------


P = "protocol_src/protocols/acme"


@pytest.mark.parametrize(("yaml_extra", "body", "expected"), [
    ("", "---\ntitle: A\n---\n\nText.\n\nSee [[cmv-icuu]].\n",
     f"{P}/en.md:7: error: link to unknown protocol 'cmv-icuu'"),
    ("", "---\ntitle: A\n---\n\nSee [[cmv-icu#dose|the dose]].\n",
     (f"{P}/en.md:5: error: link to unknown heading 'dose' in protocol 'cmv-icu' "
     "(hint: headings of cmv-icu: clinical-picture, primary-infection, reactivation, "
     "diagnosis, management, dose-calculators)")),
    ("", "---\ntitle: A\n---\n\nAs shown [@smith].\n",
     (f"{P}/en.md:5: error: citation of unknown reference 'smith' "
     "(hint: declare it under 'references' in protocol.yaml)")),
    ("related:\n  - cmv-icu\n  - cmv-icuu\n", MINIMAL_BODY.format(title="A"),
     f"{P}/protocol.yaml:15: error: related protocol 'cmv-icuu' does not exist"),
    ("", "---\ntitle: A\n---\n\n[[calc:nope]]\n",
     f"{P}/en.md:5: error: unknown calculator 'nope' (hint: known calculators: cmv-load-decline, creatinine-clearance, foscarnet-iv, "
     "ganciclovir-iv, valganciclovir-oral)"),
])
def test_broken_references_fail_check_at_their_line(make_project: ProjectFactory,
                                                    yaml_extra: str, body: str,
                                                    expected: str) -> None:
    root = make_project({f"{P}/protocol.yaml": MINIMAL_YAML.format(id="acme") + yaml_extra,
                         f"{P}/en.md": body}, seeds=True)
    assert [p.format() for p in pipeline.check(root).errors] == [expected]


def test_reference_without_text_is_a_warning(make_project: ProjectFactory) -> None:
    yaml_text = MINIMAL_YAML.format(id="acme") + "references:\n  - key: smith\n"
    root = make_project({f"{P}/protocol.yaml": yaml_text,
                         f"{P}/en.md": "---\ntitle: A\n---\n\nAs shown [@smith].\n"})
    problems = pipeline.check(root)
    assert problems.errors == []
    assert [p.format() for p in problems.warnings] == [
        f"{P}/protocol.yaml:14: warning: reference 'smith' has no text"]


# --- size: a protocol page does not grow with the number of protocols ----------------------


def _synthetic(count: int) -> dict[str, str]:
    files: dict[str, str] = {}
    for n in range(count):
        pid = f"synthetic-{n:04d}"
        files[f"protocol_src/protocols/{pid}/protocol.yaml"] = MINIMAL_YAML.format(id=pid)
        files[f"protocol_src/protocols/{pid}/en.md"] = (
            f"---\ntitle: Synthetic {n}\naliases: [\"Alias {n}\"]\n---\n\n"
            "CMV, see [[cmv-icu]].\n\n## Dosing {#dosing}\n\nText.\n")
    return files


def test_page_size_does_not_grow_with_the_protocol_count(make_project: ProjectFactory,
                                                         tmp_path: Path) -> None:
    sizes = {}
    for count in (5, 200):
        root = make_project(_synthetic(count), seeds=True)
        pipeline.build(root, tmp_path / f"site-{count}", today=TODAY)
        site = tmp_path / f"site-{count}"
        sizes[count] = {
            "synthetic": page_file(site, "nl", "synthetic-0000").stat().st_size,
            # referenced by every synthetic protocol: the worst case
            "hub": page_file(site, "nl", "cmv-icu").stat().st_size,
        }
        (root.parent / "keep").mkdir(exist_ok=True)
        root.rename(root.parent / "keep" / str(count))
    assert sizes[200]["synthetic"] == sizes[5]["synthetic"]
    # The hub shows at most 20 referrers plus a link to the full list.
    assert sizes[200]["hub"] - sizes[5]["hub"] < 3_000
    # The seed hub embeds five calculator widgets; their specs are files of the site.
    assert sizes[200]["synthetic"] <= 40_000
    assert sizes[200]["hub"] <= 40 * 1024


def test_outdated_warning_links_to_the_original(site: Path) -> None:
    html = page_file(site, "nl", "cmv-prophylaxis").read_text(encoding="utf-8")
    assert '<a href="../../../protocols/cmv-prophylaxis/">origineel</a>' in html
    here = page_file(site, "nl", "cmv-prophylaxis").parent
    assert (here / "../../../protocols/cmv-prophylaxis/index.html").resolve() == \
        page_file(site, "en", "cmv-prophylaxis").resolve()
