"""Every page stays small (issue 6): at most 40 KB of HTML, however many protocols.

Calculator specs are files of the site, fetched by calculator.js, not JSON in each page;
"How this is calculated" is on the calculator's own page, one link from each widget;
index pages are split into pages of a fixed number of entries.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from generator import pipeline

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
