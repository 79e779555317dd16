"""Every page stays small (issue 6): at most 40 KB of HTML, however many protocols.

Calculator specs are files of the site, fetched by calculator.js, not JSON in each page;
"How this is calculated" is on the calculator's own page, one link from each widget;
index pages are split into pages of a fixed number of entries.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest

from generator import pipeline
from generator.pages.paging import PAGE_SIZE

# KB as scripts/benchmark.py counts them (1,024 bytes).
PAGE_BUDGET = 40 * 1024


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def oversized(site: Path) -> dict[str, int]:
    return {p.relative_to(site).as_posix(): p.stat().st_size for p in html_pages(site)
            if p.stat().st_size > PAGE_BUDGET}


def test_every_seed_page_is_at_most_40_kb(seed_build: Path) -> None:
    site = seed_build / "site"
    assert len(html_pages(site)) > 40
    assert oversized(site) == {}


def _target(page: Path, url: str) -> Path:
    path = (page.parent / urlsplit(url).path).resolve()
    return path / "index.html" if url.split("?")[0].split("#")[0].endswith("/") else path


def test_every_widget_names_its_spec_file_and_links_to_its_details(seed_build: Path) -> None:
    site = seed_build / "site"
    loaded = pipeline.load(seed_build)
    from generator.calculators.widget import spec_json, spec_reference

    widgets = 0
    for page in html_pages(site):
        html = page.read_text(encoding="utf-8")
        assert 'class="calculator-spec"' not in html
        # Material's own settings are the only JSON in a page
        assert re.findall(r'<script[^>]*application/json[^>]*>', html) == [
            '<script id="__config" type="application/json">']
        for ident, url in re.findall(r'data-calculator="([^"]+)"[^>]*data-calculator-spec="([^"]+)"',
                                     html):
            widgets += 1
            lang = re.search(r'<html lang="([a-z]+)"', html).group(1)  # type: ignore[union-attr]
            spec = loaded.project.calculators[ident]
            assert url.endswith(spec_reference(spec, lang)), (page, url)
            assert _target(page, url).read_text(encoding="utf-8") == spec_json(spec, lang)
        for url in re.findall(r'<p class="calculator-details-link"><a href="([^"]+)"', html):
            address, anchor = urldefrag(url)
            target = _target(page, address)
            assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), (page, url)
    # 2 seed protocols x 3 languages with 5 + 4 widgets, and 5 calculator pages x 3
    assert widgets == 3 * (5 + 4) + 3 * 5


# --- index pages at scale -------------------------------------------------------------------

SYNTHETIC = 200  # A-Z on one page would be ~75 KB; 22 protocols use creatinine-clearance


def _hrefs(page: Path) -> list[str]:
    return re.findall(r'href="([^"#]*)(?:#[^"]*)?"', page.read_text(encoding="utf-8"))


def _a_to_z_pages(site: Path, prefix: str) -> list[Path]:
    """The A-Z pages a reader reaches from the first one by its page links."""
    first = site / prefix / "indexes/a-z/index.html"
    seen, todo = [first], [first]
    while todo:
        page = todo.pop()
        for href in _hrefs(page):
            if re.fullmatch(r"(\.\./)?a-z(--\d+)?/", href):
                target = _target(page, href)
                if target not in seen:
                    seen.append(target)
                    todo.append(target)
    return seen


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from scripts.synthetic import make_project

    root = make_project(tmp_path_factory.mktemp("synthetic") / "project", SYNTHETIC, hub=True)
    pipeline.build(root, root / "site", today=date(2026, 11, 22))
    return root / "site"


def test_every_page_of_a_big_site_is_at_most_40_kb(synthetic_site: Path) -> None:
    assert oversized(synthetic_site) == {}
    # The rows of the A-Z alone would fill more than a page: paging is what keeps it small.
    rows = sum(len("".join(re.findall(r"<tr>.*?</tr>", p.read_text(encoding="utf-8"), re.S)
                           ).encode()) for p in _a_to_z_pages(synthetic_site, ""))
    assert rows > PAGE_BUDGET


@pytest.mark.parametrize("prefix", ["", "nl", "id"])
def test_every_protocol_is_reachable_from_the_a_to_z_pages(synthetic_site: Path,
                                                           prefix: str) -> None:
    pages = _a_to_z_pages(synthetic_site, prefix)
    assert len(pages) == -(-2 * (SYNTHETIC + 2 + 4) // PAGE_SIZE)  # titles and aliases
    reached = {m for p in pages for m in re.findall(r"\.\./\.\./protocols/([a-z0-9-]+)/",
                                                    p.read_text(encoding="utf-8"))}
    expected = {f"synthetic-{n:04d}" for n in range(SYNTHETIC)} | {"cmv-icu",
                                                                    "cmv-recurrent-anemia"}
    assert reached == expected
    for page in pages:  # every letter link lands on a page with that letter's heading
        html = page.read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"]*#letter-[a-z]+)"', html):
            address, anchor = urldefrag(href)
            target = _target(page, address) if address else page
            assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), (page, href)


def test_paged_indexes_speak_the_readers_language(synthetic_site: Path) -> None:
    second = (synthetic_site / "nl/indexes/a-z--2/index.html").read_text(encoding="utf-8")
    assert "<title>Protocollen A–Z, pagina 2 van 5" in second
    # named by its first and last entry, as a dictionary heads its pages
    assert "<strong>Pagina 2 van 5:</strong> Alias 189 zebra189 – Alias 99 zebra99" in second
    assert re.search(r'<li><a href="\.\./a-z--3/">.*CMV</abbr> op de .*IC</abbr> – '
                     r"Synthetisch protocol 181</a></li>", second)
    assert '<a href="../a-z/">← Vorige pagina</a>' in second
    assert '<a href="../a-z--3/">Volgende pagina →</a>' in second
    assert "(deze pagina)" in second
    specialty = (synthetic_site / "id/indexes/by-specialty/index.html").read_text(
        encoding="utf-8")
    assert "Halaman 1 dari 3" in specialty and "Halaman berikutnya" in specialty
    hub = (synthetic_site / "referenced-by/cmv-icu/index.html").read_text(encoding="utf-8")
    assert "<strong>Page 1 of 2:</strong>" in hub and '<a href="../cmv-icu--2/">' in hub


def test_a_calculator_page_links_to_all_its_protocols(synthetic_site: Path) -> None:
    page = synthetic_site / "nl/calculators/creatinine-clearance/index.html"
    html = page.read_text(encoding="utf-8")
    assert html.count('href="../../protocols/') == 20
    link = re.search(r'<a href="([^"]+)">Alle 22 protocollen die deze rekenhulp gebruiken</a>',
                     html)
    assert link, html
    address, anchor = urldefrag(link.group(1))
    assert anchor == "creatinine-clearance"
    assert 'id="creatinine-clearance"' in _target(page, address).read_text(encoding="utf-8")
