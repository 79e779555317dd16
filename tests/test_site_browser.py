"""The real built site in Chromium: widgets inside protocol pages compute, in every language.

The calculator tests prove the runtime on pages they assemble themselves; this proves the
generator wires it into the site (script included, widget intact after sanitising).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .servers import export_tree, nginx_binary, nginx_server, require, static_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(seed_build: Path) -> Iterator[str]:
    with static_server(seed_build / "site") as url:
        yield url + "/"


@pytest.mark.parametrize(("path", "weight", "crcl", "shown"), [
    ("protocols/cmv-recurrent-anemia/", "70.5", "69.5", "176"),  # whole mg, as the spec says
    ("nl/protocols/cmv-icu/", "70,5", "69,5", "176"),
    ("id/protocols/cmv-icu/", "70,5", "69,5", "176"),
])
def test_ganciclovir_widget_in_a_protocol_page(browser: Any, served: str, path: str,
                                               weight: str, crcl: str, shown: str) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(served + path)
        widget = page.locator('[data-calculator="ganciclovir-iv"]')
        widget.locator("table.calculator-table").wait_for()  # the spec is loaded
        # nothing typed yet: no red message anywhere on the page (issue 18)
        assert page.locator(".calculator-messages li").count() == 0
        widget.locator('input[name="weight"]').fill(weight)
        widget.locator('input[name="crcl"]').fill(crcl)
        widget.locator('select[name="phase"]').select_option("induction")
        dose = widget.locator('[data-output="dose_mg"]')
        # 69.5 mL/min is in the 50-69 band (bands are lower bounds): 2.5 mg/kg q12h.
        assert dose.get_attribute("data-value") == "176.25"
        assert dose.inner_text() == shown
        # the dosing table under the widget, the patient's row marked
        assert widget.locator('tr[aria-current="true"] th').inner_text() == "50–69"
        assert widget.locator('[data-output="interval"]').get_attribute("data-value") == "q12h"
        widget.locator('input[name="crcl"]').fill("")
        assert dose.get_attribute("data-value") == ""
        assert errors == []
    finally:
        page.close()


def test_widgets_fetch_their_specs_inside_a_release_under_the_strict_policy(
        browser: Any, seed_build: Path, tmp_path: Path) -> None:
    """Behind the repository's nginx (CSP, caching) in /RELEASE/ and /latest/, every language."""
    require("nginx", nginx_binary() is not None)
    tree = export_tree(seed_build / "site", tmp_path / "export")
    with nginx_server(tree, tmp_path / "prefix") as url:
        page = browser.new_page()
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        # CSP violations and calculator.js's own warning; not the 404 of the sitemap.xml
        # that Material's selectors look for beside each page (known, not the widgets').
        page.on("console", lambda msg: problems.append(msg.text)
                if "Content Security Policy" in msg.text or "calculator" in msg.text else None)
        fetched: list[str] = []
        page.on("request", lambda request: fetched.append(request.url)
                if ".json" in request.url else None)
        try:
            for path, lang in (("/1.0/nl/protocols/cmv-icu/", "nl"),
                               ("/latest/protocols/cmv-icu/", "en"),
                               ("/latest/id/calculators/ganciclovir-iv/", "id")):
                page.goto(url + path, wait_until="networkidle")
                widget = page.locator('[data-calculator="ganciclovir-iv"]')
                assert widget.get_attribute("data-state") == "invalid"  # loaded, nothing typed
                widget.locator('input[name="weight"]').fill("70")
                widget.locator('input[name="crcl"]').fill("15")
                widget.locator('select[name="phase"]').select_option("maintenance")
                assert widget.locator('[data-output="dose_mg"]').get_attribute(
                    "data-value") == "43.75"
                release = path.split("/")[1]
                assert any(f"/{release}/assets/calculators/ganciclovir-iv.{lang}.json?v=" in f
                           for f in fetched), fetched
            # "How this is calculated" is one click from the protocol page
            page.goto(url + "/1.0/nl/protocols/cmv-icu/", wait_until="networkidle")
            page.locator('[data-calculator="foscarnet-iv"] .calculator-details-link a').click()
            page.wait_for_load_state("networkidle")
            assert page.url == url + "/1.0/nl/calculators/foscarnet-iv/#calc-foscarnet-iv-details"
            details = page.locator("#calc-foscarnet-iv-details")
            assert details.get_attribute("open") is not None
            assert details.locator("table.calculator-table").is_visible()
        finally:
            page.close()
        assert problems == []
