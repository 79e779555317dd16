"""The real built site in Chromium: widgets inside protocol pages compute, in every language.

The calculator tests prove the runtime on pages they assemble themselves; this proves the
generator wires it into the site (script included, widget intact after sanitising).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .servers import static_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(seed_build: Path) -> Iterator[str]:
    with static_server(seed_build / "site") as url:
        yield url + "/"


@pytest.mark.parametrize(("path", "weight", "crcl", "shown"), [
    ("protocols/cmv-recurrent-anemia/", "70.5", "69.5", "176.25"),
    ("nl/protocols/cmv-icu/", "70,5", "69,5", "176,25"),
    ("id/protocols/cmv-icu/", "70,5", "69,5", "176,25"),
])
def test_ganciclovir_widget_in_a_protocol_page(browser: Any, served: str, path: str,
                                               weight: str, crcl: str, shown: str) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(served + path)
        widget = page.locator('[data-calculator="ganciclovir-iv"]')
        widget.locator('input[name="weight"]').fill(weight)
        widget.locator('input[name="crcl"]').fill(crcl)
        widget.locator('select[name="phase"]').select_option("induction")
        dose = widget.locator('[data-output="dose_mg"]')
        # 69.5 mL/min is in the 50-69 band (bands are lower bounds): 2.5 mg/kg q12h.
        assert dose.get_attribute("data-value") == "176.25"
        assert dose.inner_text() == shown
        assert widget.locator('[data-output="interval"]').get_attribute("data-value") == "q12h"
        widget.locator('input[name="crcl"]').fill("")
        assert dose.get_attribute("data-value") == ""
        assert errors == []
    finally:
        page.close()
