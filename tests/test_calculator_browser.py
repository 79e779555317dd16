"""The calculator widgets in headless Chromium: every spec vector must give the same
machine values in the page as in the Python reference, in every site language.

Skipped when /usr/bin/chromium is missing, except on CI (``CI=true``), where that fails.
One browser per session; one page per language, reused by every test.
"""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.calculators import CalcInputError, evaluate, load_calculators, render_widget
from generator.calculators.spec import CalculatorSpec
from generator.calculators.widget import page_spec, spec_json, spec_path, spec_reference

from .calc_edges import batch

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "generator" / "assets"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
LANGS = ("en", "nl", "id")
# The page is served as the site will be: scripts only from its own origin.
CSP = "default-src 'self'; script-src 'self'; style-src 'self'"


def _specs() -> dict[str, CalculatorSpec]:
    specs, problems = load_calculators(ROOT / "protocol_src" / "calculators", "calculators")
    assert problems == []
    return specs


SPECS = _specs()
ORDER = ["creatinine-clearance", "ganciclovir-iv", "valganciclovir-oral", "foscarnet-iv",
         "cmv-load-decline"]


def _page(lang: str, body: str, scripts: tuple[str, ...] = ("calculator.js",)) -> str:
    tags = "".join(f'<script src="{name}"></script>' for name in scripts)
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width">'
            f'<link rel="stylesheet" href="calculator.css"><title>{lang}</title></head>'
            f'<body><main id="content">{body}</main>{tags}</body></html>')


def _widget(ident: str, lang: str, spec_url: str | None = None) -> str:
    """The widget as a page at the site root shows it; specs are fetched as on the site."""
    spec = SPECS[ident]
    return render_widget(spec, lang, spec_url or spec_reference(spec, lang))


def _write_site(directory: Path) -> None:
    for name in ("calculator.js", "calculator.css"):
        shutil.copy(ASSETS / name, directory / name)
    (directory / "favicon.ico").write_bytes(b"")  # browsers ask for it; a 404 is logged
    for ident in ORDER:
        for lang in LANGS:
            path = directory / spec_path(ident, lang)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(spec_json(SPECS[ident], lang), encoding="utf-8")
    for lang in LANGS:
        widgets = "\n".join(_widget(ident, lang) for ident in ORDER)
        (directory / f"{lang}.html").write_text(_page(lang, widgets), encoding="utf-8")
    _write_broken_pages(directory)
    _write_mutant(directory)
    # A stand-in for Material's instant navigation: an observable named document$.
    (directory / "fake-material.js").write_text(
        "window.__subscribers = [];"
        "window.document$ = {subscribe: function (fn) { window.__subscribers.push(fn); fn(); }};",
        encoding="utf-8")
    template = _widget("ganciclovir-iv", "en")
    (directory / "nav.html").write_text(
        _page("en", f'<template id="next">{template}</template>',
              ("fake-material.js", "calculator.js")), encoding="utf-8")


class _Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


# Every widget of the page has its spec (or has given up on it).
LOADED = """() => [...document.querySelectorAll('[data-calculator]')]
    .every(el => ['ok', 'invalid', 'unavailable'].includes(el.getAttribute('data-state')))"""


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    directory = tmp_path_factory.mktemp("calc-site")
    _write_site(directory)
    handler = functools.partial(_Handler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def pages(browser: Any, base_url: str) -> Iterator[dict[str, Any]]:
    context = browser.new_context()
    opened: dict[str, Any] = {}
    errors: list[str] = []
    for lang in LANGS:
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.goto(f"{base_url}/{lang}.html")
        page.wait_for_function(LOADED)
        opened[lang] = page
    yield opened
    assert errors == [], errors  # no script error and no CSP violation on any page
    context.close()


@pytest.fixture()
def page(pages: dict[str, Any]) -> Any:
    """The English page with every widget cleared, for the interaction tests."""
    en = pages["en"]
    en.evaluate("""() => document.querySelectorAll('[data-calculator] [name]').forEach(el => {
        el.value = ''; el.dispatchEvent(new Event('input', {bubbles: true})); })""")
    return en


# ---------------------------------------------------------------- the reference


def _python(spec: CalculatorSpec, inputs: dict[str, str], lang: str) -> dict[str, Any]:
    try:
        result = evaluate(spec, inputs, lang)
    except CalcInputError as exc:
        return {"ok": False, "messages": exc.messages}
    return {"ok": True, "outputs": result.outputs, "bands": result.bands,
            "notices": result.notices}


def _same(python: dict[str, Any], js: dict[str, Any], where: str) -> None:
    assert python["ok"] == js["ok"], (where, python, js)
    if python["ok"]:
        # identical doubles, not merely close: exact fractions, correctly rounded in both
        assert js["outputs"] == python["outputs"], where
        assert js["bands"] == python["bands"], where
        assert js["notices"] == python["notices"], where
    else:
        assert js["messages"] == python["messages"], where


# ---------------------------------------------------------------- vectors


@pytest.mark.parametrize("lang", LANGS)
def test_every_vector_gives_the_same_result_through_the_test_hook(
        pages: dict[str, Any], lang: str) -> None:
    count = 0
    for ident in ORDER:
        spec = SPECS[ident]
        vectors = [dict(v.inputs) for v in spec.vectors]
        results = pages[lang].evaluate(
            "([spec, vectors]) => vectors.map(v => window.ProtocolCalculators.evaluate(spec, v))",
            [json.dumps(page_spec(spec, lang)), vectors])
        for vector, js in zip(spec.vectors, results, strict=True):
            _same(_python(spec, dict(vector.inputs), lang), js, f"{ident} / {vector.name}")
            count += 1
    assert count == sum(len(s.vectors) for s in SPECS.values())


DOM_RUN = """([ident, vectors]) => {
  const root = document.querySelector(`[data-calculator="${ident}"]`);
  return vectors.map(inputs => {
    root.querySelectorAll('[name]').forEach(el => {
      el.value = inputs[el.name] === undefined ? '' : inputs[el.name];
      el.dispatchEvent(new Event(el.tagName === 'SELECT' ? 'change' : 'input', {bubbles: true}));
    });
    const outputs = {};
    root.querySelectorAll('[data-output]').forEach(el => {
      outputs[el.dataset.output] = {value: el.getAttribute('data-value'), text: el.textContent};
    });
    const messages = [...root.querySelectorAll('.calculator-messages li')].map(li => li.textContent);
    return {outputs, messages, state: root.getAttribute('data-state')};
  });
}"""


def _typeable(spec: CalculatorSpec, inputs: dict[str, str]) -> bool:
    """A select can only hold one of its options; other codes are covered by the hook test."""
    return all(inputs.get(i.id, "") in {"", *(c.code for c in i.choices)}
               for i in spec.inputs if i.type == "choice")


@pytest.mark.parametrize("lang", LANGS)
def test_every_vector_gives_the_same_data_values_through_the_widget(
        pages: dict[str, Any], lang: str) -> None:
    checked = 0
    for ident in ORDER:
        spec = SPECS[ident]
        vectors = [v for v in spec.vectors if _typeable(spec, dict(v.inputs))]
        seen = pages[lang].evaluate(DOM_RUN, [ident, [dict(v.inputs) for v in vectors]])
        for vector, dom in zip(vectors, seen, strict=True):
            where = f"{lang} {ident} / {vector.name}"
            python = _python(spec, dict(vector.inputs), lang)
            if python["ok"]:
                assert dom["state"] == "ok" and dom["messages"] == [], where
                for key, value in python["outputs"].items():
                    shown = dom["outputs"][key]["value"]
                    if value is None:
                        assert shown == "" and dom["outputs"][key]["text"] == "—", where
                    elif isinstance(value, str):
                        assert shown == value, where
                    else:
                        assert float(shown) == value, where
            else:
                assert dom["state"] == "invalid", where
                assert dom["messages"] == python["messages"], where
                assert all(o["value"] == "" for o in dom["outputs"].values()), where
            checked += 1
    assert checked >= sum(len(s.vectors) for s in SPECS.values()) - 5


# ---------------------------------------------------------------- reading and showing


def _fill(page: Any, ident: str, **values: str) -> None:
    root = page.locator(f'[data-calculator="{ident}"]')
    for name, value in values.items():
        control = root.locator(f'[name="{name}"]')
        if control.evaluate("el => el.tagName") == "SELECT":
            control.select_option(value)
        else:
            control.fill(value)


def _value(page: Any, ident: str, output: str) -> tuple[str, str]:
    el = page.locator(f'[data-calculator="{ident}"] [data-output="{output}"]')
    return el.get_attribute("data-value"), el.text_content()


@pytest.mark.parametrize(("lang", "text"), [("en", "0.625"), ("nl", "0,625"), ("id", "0,625")])
def test_numbers_are_formatted_for_the_page_language(pages: dict[str, Any], lang: str,
                                                     text: str) -> None:
    page = pages[lang]
    _fill(page, "ganciclovir-iv", weight="70", crcl="15", phase="maintenance")
    assert _value(page, "ganciclovir-iv", "dose_mg_per_kg") == ("0.625", text)
    # whole mg, as the spec declares (decimals: 0); the machine value stays unrounded
    assert _value(page, "ganciclovir-iv", "dose_mg") == ("43.75", "44")
    assert _value(page, "ganciclovir-iv", "interval")[0] == "q24h"
    if lang == "nl":
        assert _value(page, "ganciclovir-iv", "interval")[1] == "1 dd (elke 24 uur)"
        _fill(page, "foscarnet-iv", weight="70", crcl="70", regimen="induction-60", creatinine="")
        assert _value(page, "foscarnet-iv", "dose_mg") == ("3500", "3.500")


def test_a_decimal_comma_typed_key_by_key_is_read_and_updates_live(page: Any) -> None:
    _fill(page, "ganciclovir-iv", crcl="60", phase="induction")
    weight = page.locator('[data-calculator="ganciclovir-iv"] [name="weight"]')
    weight.click()
    weight.press_sequentially("62")
    assert _value(page, "ganciclovir-iv", "dose_mg")[0] == "155"  # 2.5 mg/kg x 62
    weight.press_sequentially(",5")
    assert _value(page, "ganciclovir-iv", "dose_mg") == ("156.25", "156")


def test_invalid_input_empties_every_value_and_shows_a_message(page: Any) -> None:
    _fill(page, "ganciclovir-iv", weight="70", crcl="80", phase="induction")
    assert _value(page, "ganciclovir-iv", "dose_mg")[0] == "350"
    _fill(page, "ganciclovir-iv", weight="70kg")
    root = page.locator('[data-calculator="ganciclovir-iv"]')
    for output in ("dose_mg_per_kg", "dose_mg", "interval"):
        assert _value(page, "ganciclovir-iv", output) == ("", "—")
    messages = root.locator(".calculator-messages li")
    assert messages.all_text_contents() == [
        "Actual body weight: enter a number, for example 72.5 or 72,5."]
    assert messages.first.is_visible()
    assert root.locator('[name="weight"]').get_attribute("aria-invalid") == "true"
    assert root.locator(".calculator-result").get_attribute("aria-live") == "polite"


def test_not_recommended_and_no_label_dose_show_no_dose_and_say_why(page: Any) -> None:
    _fill(page, "valganciclovir-oral", crcl="9,99", phase="induction", rrt="none")
    root = page.locator('[data-calculator="valganciclovir-oral"]')
    assert _value(page, "valganciclovir-oral", "dose_mg") == ("", "—")
    assert _value(page, "valganciclovir-oral", "interval") == ("no-label-dose", "no label dose")
    assert root.locator(".calculator-band").text_content() == "Band: < 10 mL/min, no dialysis"
    assert root.locator(".calculator-notices li").all_text_contents() == [
        "The label gives no dose for a creatinine clearance below 10 mL/min without dialysis. "
        "If the patient is on haemodialysis, choose it under renal replacement therapy."]
    _fill(page, "valganciclovir-oral", rrt="intermittent-hd")
    assert _value(page, "valganciclovir-oral", "dose_mg") == ("", "—")
    assert _value(page, "valganciclovir-oral", "interval") == (
        "not-recommended", "not recommended (tablets)")
    _fill(page, "valganciclovir-oral", rrt="crrt")
    assert _value(page, "valganciclovir-oral", "interval")[0] == "no-label-dose"
    assert "CRRT guidance" in root.locator(".calculator-notices").text_content()
    # one patient: the other widgets of the page are on CRRT too
    for ident in ("ganciclovir-iv", "foscarnet-iv"):
        assert page.locator(f'[data-calculator="{ident}"] [name="rrt"]').input_value() == "crrt"
    _fill(page, "valganciclovir-oral", rrt="none")


def test_the_draft_notice_is_visible_on_every_widget(pages: dict[str, Any]) -> None:
    notices = pages["nl"].locator(".calculator-notice")
    assert notices.count() == 5 and notices.first.is_visible()
    assert notices.first.text_content().startswith("Nog niet goedgekeurd")


# ---------------------------------------------------------------- one patient per page


@pytest.fixture()
def fresh(browser: Any, base_url: str) -> Iterator[Any]:
    """A new page per test: links and "typed by hand" marks start afresh."""
    def open_page(lang: str = "en") -> Any:
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(f"{base_url}/{lang}.html")
        page.wait_for_function(LOADED)
        return page

    context = browser.new_context()
    errors: list[str] = []
    yield open_page
    context.close()
    assert errors == []


def _link(page: Any, ident: str) -> tuple[str, str, str]:
    """The linked crcl field of a dose widget: its state, its text and what it says."""
    root = page.locator(f'[data-calculator="{ident}"]')
    field = root.locator('[name="crcl"]')
    return (field.get_attribute("data-link"), field.input_value(),
            root.locator('[data-link-for="crcl"]').text_content())


def test_the_widgets_of_a_page_are_one_patient(fresh: Any) -> None:
    page = fresh()
    _fill(page, "creatinine-clearance", age="60", weight="72", sex="female", creatinine="1",
          creatinine_unit="mg_dl")
    assert _value(page, "creatinine-clearance", "crcl") == ("68", "68")
    # weight, age, sex and creatinine typed once serve every widget that takes them
    for ident in ("ganciclovir-iv", "foscarnet-iv"):
        assert page.locator(f'[data-calculator="{ident}"] [name="weight"]').input_value() == "72"
    fos = page.locator('[data-calculator="foscarnet-iv"]')
    assert fos.locator('[name="creatinine"]').input_value() == "1"
    assert fos.locator('[name="sex"]').input_value() == "female"
    # the computed CrCl flows into the dose widgets, marked as coming from the CrCl widget
    assert _link(page, "ganciclovir-iv") == (
        "live", "68", "From the creatinine clearance calculator on this page")
    assert _link(page, "valganciclovir-oral")[:2] == ("live", "68")
    _fill(page, "ganciclovir-iv", phase="induction")
    assert _value(page, "ganciclovir-iv", "dose_mg") == ("180", "180")  # 2.5 mg/kg x 72 kg
    _fill(page, "foscarnet-iv", regimen="induction-60")
    # the label's per-kg formula: (140 - 60) / 72 x 0.85
    assert float(_value(page, "foscarnet-iv", "crcl_per_kg")[0]) == pytest.approx(0.944444444)


def test_a_changed_creatinine_changes_every_dose_or_empties_it(fresh: Any) -> None:
    page = fresh()
    _fill(page, "creatinine-clearance", age="60", weight="72", sex="male", creatinine="1",
          creatinine_unit="mg_dl")
    _fill(page, "ganciclovir-iv", phase="induction")
    _fill(page, "valganciclovir-oral", phase="induction")
    assert _value(page, "ganciclovir-iv", "dose_mg")[0] == "360"  # 80 mL/min: 5 mg/kg
    _fill(page, "creatinine-clearance", creatinine="2")  # 40 mL/min
    assert _link(page, "ganciclovir-iv")[:2] == ("live", "40")
    assert _value(page, "ganciclovir-iv", "dose_mg")[0] == "180"  # 25–49: 2.5 mg/kg q24h
    assert _value(page, "ganciclovir-iv", "interval")[0] == "q24h"
    assert _value(page, "valganciclovir-oral", "interval")[0] == "q12h"  # 40–59
    # a source that no longer gives a result: no old dose anywhere
    _fill(page, "creatinine-clearance", creatinine="abc")
    state, text, said = _link(page, "ganciclovir-iv")
    assert (state, text) == ("waiting", "")
    assert said == "From the creatinine clearance calculator on this page: no result there yet."
    for ident, output in (("ganciclovir-iv", "dose_mg"), ("valganciclovir-oral", "dose_mg"),
                          ("ganciclovir-iv", "interval")):
        assert _value(page, ident, output) == ("", "—")


def test_a_value_typed_by_hand_overrides_the_link_visibly(fresh: Any) -> None:
    page = fresh()
    _fill(page, "creatinine-clearance", age="60", weight="72", sex="male", creatinine="1",
          creatinine_unit="mg_dl")
    _fill(page, "ganciclovir-iv", crcl="30", phase="maintenance")
    assert _link(page, "ganciclovir-iv") == (
        "typed", "30", "Typed here by hand: the calculated value is not used. "
                       "Use the calculated value")
    assert _value(page, "ganciclovir-iv", "dose_mg_per_kg")[0] == "1.25"
    _fill(page, "creatinine-clearance", creatinine="0.9")
    assert _value(page, "ganciclovir-iv", "dose_mg_per_kg")[0] == "1.25"  # still the typed 30
    page.locator('[data-calculator="ganciclovir-iv"] .calculator-link-restore').click()
    assert _link(page, "ganciclovir-iv")[0] == "live"
    assert _value(page, "ganciclovir-iv", "dose_mg_per_kg")[0] == "5"  # 88.9 mL/min


def test_the_linked_value_is_exact_and_in_the_pages_number_format(fresh: Any) -> None:
    page = fresh("nl")
    # (140 - 70) x 70 / (72 x 0.98) = 69.44...: shown as 69,4, and it stays in 50–69
    _fill(page, "creatinine-clearance", age="70", weight="70", sex="male", creatinine="0,98",
          creatinine_unit="mg_dl")
    assert _link(page, "ganciclovir-iv")[:2] == ("live", "69,4")
    _fill(page, "ganciclovir-iv", phase="induction")
    assert _value(page, "ganciclovir-iv", "dose_mg_per_kg")[0] == "2.5"
    # exactly 50 (a double gives 49.99999999999999): 50–69, not 25–49
    _fill(page, "creatinine-clearance", age="20", weight="63", creatinine="2,1")
    assert _value(page, "creatinine-clearance", "crcl")[0] == "50"
    assert _link(page, "ganciclovir-iv")[:2] == ("live", "50")
    band = page.locator('[data-calculator="ganciclovir-iv"] .calculator-band')
    assert band.text_content() == "Bereik: 50–69 mL/min"
    assert _value(page, "ganciclovir-iv", "interval")[0] == "q12h"
    # 7560 / (72 x 1.5006) = 69.97...: the field shows 69,9 (cut off, never 70) in 50–69
    _fill(page, "creatinine-clearance", creatinine="1,5006")
    assert _link(page, "ganciclovir-iv")[:2] == ("live", "69,9")
    assert band.text_content() == "Bereik: 50–69 mL/min"


def test_an_implausible_clearance_is_said_and_not_passed_on(fresh: Any) -> None:
    page = fresh()
    _fill(page, "creatinine-clearance", age="50", weight="300", sex="male", creatinine="0.5",
          creatinine_unit="mg_dl")
    cg = page.locator('[data-calculator="creatinine-clearance"]')
    assert _value(page, "creatinine-clearance", "crcl")[0] == "750"
    notices = cg.locator(".calculator-notices li").all_text_contents()
    assert any("above 150 mL/min is implausible" in n for n in notices)
    assert any("Above 120 kg" in n for n in notices)
    _fill(page, "ganciclovir-iv", phase="maintenance")
    state, text, said = _link(page, "ganciclovir-iv")
    assert (state, text) == ("implausible", "")
    assert said == ("From the creatinine clearance calculator on this page: 750 is above 150, "
                    "which is implausible. Check the inputs there; the value is not used here.")
    assert _value(page, "ganciclovir-iv", "dose_mg") == ("", "—")
    gan = page.locator('[data-calculator="ganciclovir-iv"]')
    # the note under the field says why; the untouched field adds no "enter a value"
    assert gan.locator(".calculator-messages li").all_text_contents() == []
    gan.locator('[name="crcl"]').focus()
    gan.locator('[name="phase"]').focus()
    assert gan.locator(".calculator-messages li").all_text_contents() == [
        "Creatinine clearance: enter a value."]


def test_each_widget_still_works_alone(browser: Any, base_url: str) -> None:
    page = browser.new_page()
    page.goto(f"{base_url}/alone.html")
    page.wait_for_function(LOADED)
    root = page.locator('[data-calculator="ganciclovir-iv"]')
    assert root.locator('[data-link-for="crcl"]').is_hidden()
    _fill(page, "ganciclovir-iv", weight="70", crcl="69,5", phase="induction")
    assert _value(page, "ganciclovir-iv", "dose_mg") == ("175", "175")
    assert root.locator('[name="crcl"]').get_attribute("data-link") is None
    page.close()


def test_an_ambiguous_number_is_refused_with_both_readings(pages: dict[str, Any]) -> None:
    page = pages["nl"]
    _fill(page, "ganciclovir-iv", weight="1.500", crcl="60", phase="induction")
    root = page.locator('[data-calculator="ganciclovir-iv"]')
    assert root.locator(".calculator-messages li").all_text_contents() == [
        "Werkelijk lichaamsgewicht: ‘1.500’ kan 1500 of 1,5 betekenen. Typ 1500 of 1,5."]
    assert root.locator('[name="weight"]').get_attribute("aria-invalid") == "true"
    assert _value(page, "ganciclovir-iv", "dose_mg") == ("", "—")
    _fill(page, "ganciclovir-iv", weight="72,5")
    assert _value(page, "ganciclovir-iv", "dose_mg")[1] == "181"


def test_words_fit_what_the_widget_gives_in_the_pages_language(pages: dict[str, Any]) -> None:
    nl = pages["nl"]
    notice = nl.locator('[data-calculator="creatinine-clearance"] .calculator-notice')
    assert notice.text_content() == ("Nog niet goedgekeurd: controleer de klaring zelf voordat "
                                     "u die gebruikt.")
    _fill(nl, "cmv-load-decline", load_start="200", load_end="100", days="1")
    root = nl.locator('[data-calculator="cmv-load-decline"]')
    assert root.locator(".calculator-notices li").all_text_contents() == [
        "De verandering is kleiner dan 0,5 log en valt binnen de ruis van de bepaling: de "
        "snelheid per week zegt weinig."]
    assert root.locator(".calculator-chart-legend").text_content() == \
        "doel: een daling van meer dan 1 log per week"
    ind = pages["id"]
    _fill(ind, "valganciclovir-oral", crcl="45", phase="induction", rrt="crrt")
    assert _value(ind, "valganciclovir-oral", "interval") == ("no-label-dose",
                                                              "tidak ada dosis di label")
    assert "Ikuti pedoman CRRT setempat" in ind.locator(
        '[data-calculator="valganciclovir-oral"] .calculator-notices').text_content()
    _fill(ind, "valganciclovir-oral", rrt="none")


# ---------------------------------------------------------------- exact band edges

EDGE_RUN = """([specs, cases]) => cases.map(c => {
  const inputs = Object.assign({}, c.inputs);
  if (Object.keys(c.via).length) {
    const cg = window.ProtocolCalculators.evaluate(specs['creatinine-clearance'], c.via);
    if (!cg.ok) { return 'refused: ' + cg.messages.join(' '); }
    inputs.crcl = String(cg.outputs.crcl);
  }
  const r = window.ProtocolCalculators.evaluate(specs[c.calc], inputs);
  return r.ok ? r.bands[c.table] : 'refused: ' + r.messages.join(' ');
})"""


def _edge_bands(page: Any) -> list[tuple[dict[str, Any], str]]:
    cases = [c.to_json() for c in batch()]
    specs = {ident: page_spec(SPECS[ident], "en") for ident in SPECS}
    return list(zip(cases, page.evaluate(EDGE_RUN, [specs, cases]), strict=True))


def test_every_boundary_case_gets_the_tables_band_in_the_browser(pages: dict[str, Any]) -> None:
    """The Python property cases (tests/calc_edges.py) through the page's own runtime."""
    results = _edge_bands(pages["en"])
    assert len(results) > 10_000
    assert [(c, got) for c, got in results if got != c["expect"]] == []


def test_with_float_arithmetic_in_the_page_the_boundary_cases_fail(browser: Any,
                                                                   base_url: str) -> None:
    """Mutation check: the same runtime with every operation rounded to a double."""
    page = browser.new_page()
    page.goto(f"{base_url}/mutant.html")
    page.wait_for_function("window.ProtocolCalculators !== undefined")
    wrong = [(c, got) for c, got in _edge_bands(page) if got != c["expect"]]
    page.close()
    assert len(wrong) > 100
    assert {c["calc"] for c, _ in wrong} >= {"foscarnet-iv", "ganciclovir-iv",
                                             "valganciclovir-oral"}


# A double for every typed number and every operation, as before issue 14.
MUTANT_HELPERS = """
  function ratFromDouble(x) {
    if (x === 0) { return new Rat(BigInt(0), BigInt(1)); }
    var view = new DataView(new ArrayBuffer(8));
    view.setFloat64(0, x);
    var bits = view.getBigUint64(0);
    var exponent = Number((bits >> BigInt(52)) & BigInt(2047));
    var mantissa = bits & ((BigInt(1) << BigInt(52)) - BigInt(1));
    if (exponent === 0) { exponent = 1; } else { mantissa |= BigInt(1) << BigInt(52); }
    var e = exponent - 1075;
    var n = (bits >> BigInt(63)) ? -mantissa : mantissa;
    return e >= 0 ? new Rat(n << BigInt(e), BigInt(1)) : new Rat(n, BigInt(1) << BigInt(-e));
  }
  function viaDouble(r) { return ratFromDouble(ratToNumber(r)); }
"""
MUTATIONS = [
    ("  function toNumber(x) { return isRat(x) ? ratToNumber(x) : x; }\n",
     "  function toNumber(x) { return isRat(x) ? ratToNumber(x) : x; }\n" + MUTANT_HELPERS),
    ("value = ratParse(cleaned);", "value = ratFromDouble(Number(cleaned.replace(',', '.')));"),
    ("return ratAdd(a, b);", "return viaDouble(ratAdd(a, b));"),
    ("return ratSub(a, b);", "return viaDouble(ratSub(a, b));"),
    ("return ratMul(a, b);", "return viaDouble(ratMul(a, b));"),
    ("return ratDiv(a, b);", "return viaDouble(ratDiv(a, b));"),
    ("if (!node.rat) { node.rat = ratParse(node.v); }",
     "if (!node.rat) { node.rat = ratFromDouble(Number(node.v)); }"),
]


def _write_mutant(directory: Path) -> None:
    source = (ASSETS / "calculator.js").read_text(encoding="utf-8")
    for old, new in MUTATIONS:
        assert source.count(old) == 1, old  # the runtime changed: update the mutation
        source = source.replace(old, new)
    (directory / "calculator-mutant.js").write_text(source, encoding="utf-8")
    (directory / "mutant.html").write_text(_page("en", "", ("calculator-mutant.js",)),
                                           encoding="utf-8")
    (directory / "alone.html").write_text(_page("en", _widget("ganciclovir-iv", "en")),
                                          encoding="utf-8")


# ---------------------------------------------------------------- keyboard, chart, navigation


def test_tab_reaches_every_input_in_order(page: Any) -> None:
    page.locator("body").click(position={"x": 1, "y": 1})
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(
            "() => document.activeElement.closest('[data-calculator]')?.dataset.calculator + ':' +"
            " (document.activeElement.name || document.activeElement.tagName)"))
    first = [r for r in reached if r.startswith("creatinine-clearance:")]
    assert first[:5] == ["creatinine-clearance:" + n for n in
                         ("age", "weight", "sex", "creatinine", "creatinine_unit")]
    focused = page.locator('[data-calculator="creatinine-clearance"] [name="age"]')
    focused.focus()
    page.keyboard.type("60")
    assert focused.input_value() == "60"


def test_the_load_chart_is_drawn_with_theme_classes(page: Any) -> None:
    root = page.locator('[data-calculator="cmv-load-decline"]')
    assert root.locator("svg").count() == 0
    _fill(page, "cmv-load-decline", load_start="100000", load_end="1000", days="14")
    assert _value(page, "cmv-load-decline", "log_decline_per_week") == ("1", "1")
    svg = root.locator("svg.calculator-chart-svg")
    assert svg.count() == 1
    assert svg.locator("circle.calculator-chart-point").count() == 2
    assert svg.locator("line.calculator-chart-target").count() == 1
    stroke = svg.locator("line.calculator-chart-target").evaluate(
        "el => getComputedStyle(el).stroke")
    assert stroke not in ("", "none")
    _fill(page, "cmv-load-decline", days="0")
    assert root.locator("svg").count() == 0


def test_the_browser_is_debian_chromium(browser: Any) -> None:
    import subprocess

    installed = subprocess.run([str(CHROMIUM), "--version"], capture_output=True, text=True,
                               check=True).stdout
    assert browser.version.split(".")[0] in installed


def test_instant_navigation_initialises_new_widgets_once(browser: Any, base_url: str) -> None:
    page = browser.new_page()
    page.goto(f"{base_url}/nav.html")
    page.wait_for_function("window.ProtocolCalculators !== undefined")
    assert page.evaluate("window.__subscribers.length") == 1
    # What Material does on navigation: swap the content, then emit on document$.
    page.evaluate("""() => {
        const main = document.getElementById('content');
        main.appendChild(document.getElementById('next').content.cloneNode(true));
        window.__subscribers.forEach(fn => fn());
        window.__subscribers.forEach(fn => fn());
    }""")
    page.wait_for_function(LOADED)
    _fill(page, "ganciclovir-iv", weight="70", crcl="15", phase="maintenance")
    assert _value(page, "ganciclovir-iv", "dose_mg") == ("43.75", "44")
    page.close()


# ---------------------------------------------------------------- a spec that does not load

# The same ganciclovir widget, each pointing at a spec it must refuse.
BROKEN = {
    "missing": "assets/calculators/nowhere.en.json",
    "truncated": "broken/truncated.json",
    "other-version": "broken/other-version.json",
    "not-json": "broken/not-json.json",
}


def _write_broken_pages(directory: Path) -> None:
    text = spec_json(SPECS["ganciclovir-iv"], "en")
    (directory / "broken").mkdir()
    (directory / "broken/truncated.json").write_text(text[: len(text) // 2], encoding="utf-8")
    (directory / "broken/other-version.json").write_text(
        text.replace(f'"version":"{SPECS["ganciclovir-iv"].version}"', '"version":"0.9"', 1),
        encoding="utf-8")
    (directory / "broken/not-json.json").write_text("<!doctype html><p>Login</p>",
                                                    encoding="utf-8")
    for name, url in BROKEN.items():
        # a working widget beside the broken one: one failure must not stop the other
        body = _widget("ganciclovir-iv", "nl", url) + "\n" + _widget("valganciclovir-oral", "nl")
        (directory / f"broken-{name}.html").write_text(_page("nl", body), encoding="utf-8")


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_spec_that_cannot_be_loaded_shows_the_message_and_no_dose(
        browser: Any, base_url: str, name: str) -> None:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{base_url}/broken-{name}.html")
    page.wait_for_function(LOADED)
    root = page.locator('[data-calculator="ganciclovir-iv"]')
    assert root.get_attribute("data-state") == "unavailable"
    message = root.locator(".calculator-unavailable")
    assert message.is_visible()
    assert message.text_content() == ("De rekenhulp kon niet worden geladen: geen uitkomst. "
                                      "Laad de pagina opnieuw.")
    assert root.locator("input:enabled, select:enabled").count() == 0
    # Even a value forced into a field (a script, an autofill) gives no dose.
    page.evaluate("""() => document.querySelectorAll('[data-calculator="ganciclovir-iv"] [name]')
        .forEach(el => { el.value = el.tagName === 'SELECT' ? 'induction' : '70';
                         el.dispatchEvent(new Event('input', {bubbles: true})); })""")
    for output in ("dose_mg_per_kg", "dose_mg", "interval"):
        assert _value(page, "ganciclovir-iv", output) == ("", "—")
    # The other widget of the page works.
    _fill(page, "valganciclovir-oral", crcl="70", phase="induction")
    assert _value(page, "valganciclovir-oral", "dose_mg") == ("900", "900")
    assert not page.locator('[data-calculator="valganciclovir-oral"] .calculator-unavailable'
                            ).is_visible()
    assert errors == []
    page.close()


def test_each_spec_file_is_fetched_once_per_page(browser: Any, base_url: str) -> None:
    page = browser.new_page()
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url)
            if ".json" in request.url else None)
    page.goto(f"{base_url}/en.html")
    page.wait_for_function(LOADED)
    assert sorted(url.split("/")[-1].split("?")[0] for url in fetched) == sorted(
        f"{ident}.en.json" for ident in ORDER)
    assert page.locator('[data-state="unavailable"]').count() == 0
    page.close()


# ---------------------------------------------------------------- read like a formulary (issue 18)


def _messages(page: Any) -> list[str]:
    return page.locator(".calculator-messages li").all_text_contents()


def test_no_message_before_a_field_is_touched(fresh: Any) -> None:
    page = fresh()
    assert _messages(page) == []
    assert page.locator('[aria-invalid="true"]').count() == 0
    values = page.locator("[data-output]").evaluate_all(
        "els => els.map(el => el.getAttribute('data-value'))")
    assert values and set(values) == {""}  # no input, no dose: only no red words
    gan = page.locator('[data-calculator="ganciclovir-iv"]')
    _fill(page, "ganciclovir-iv", weight="70", phase="induction")
    assert _messages(page) == [] and _value(page, "ganciclovir-iv", "dose_mg") == ("", "—")
    # leaving a field empty, or emptying it, is touching it: now it says so
    gan.locator('[name="crcl"]').focus()
    gan.locator('[name="weight"]').focus()
    assert gan.locator(".calculator-messages li").all_text_contents() == [
        "Creatinine clearance: enter a value."]
    assert gan.locator('[name="crcl"]').get_attribute("aria-invalid") == "true"


@pytest.mark.parametrize(("lang", "row", "cells", "band"), [
    ("en", "50–69", ["2.5 mg/kg, every 12 hours", "2.5 mg/kg, every 24 hours"],
     "Band: 50–69 mL/min"),
    ("id", "50–69", ["2,5 mg/kgBB, setiap 12 jam (dua kali sehari)",
                     "2,5 mg/kgBB, setiap 24 jam (sekali sehari)"], "Rentang: 50–69 mL/menit"),
])
def test_the_dosing_table_is_under_the_widget_with_the_patients_row_marked(
        fresh: Any, lang: str, row: str, cells: list[str], band: str) -> None:
    page = fresh(lang)
    gan = page.locator('[data-calculator="ganciclovir-iv"]')
    table = gan.locator("table.calculator-table")
    assert table.is_visible()
    assert gan.locator("tr[aria-current]").count() == 0
    _fill(page, "ganciclovir-iv", weight="70", crcl="60", phase="induction")
    marked = gan.locator('tr[aria-current="true"]')
    assert marked.count() == 1
    assert marked.locator("th").text_content() == row
    assert marked.locator("td").all_text_contents() == cells
    assert "calculator-row-used" in (marked.get_attribute("class") or "")
    assert gan.locator(".calculator-band").text_content() == band  # a range with its unit
    heads = table.locator("thead th").all_text_contents()
    assert len(heads) == 3 and len(table.locator("tbody tr").all()) == 7  # 5 bands, HD, CRRT
    _fill(page, "ganciclovir-iv", rrt="intermittent-hd")
    assert gan.locator('tr[aria-current="true"] th').text_content().startswith(
        {"en": "Haemodialysis", "id": "Hemodialisis"}[lang])
    # every dose widget carries its table; the CrCl and viral-load widgets have none
    for ident, columns in (("valganciclovir-oral", 3), ("foscarnet-iv", 5)):
        heads = page.locator(f'[data-calculator="{ident}"] table.calculator-table thead th')
        assert heads.count() == columns
    for ident in ("creatinine-clearance", "cmv-load-decline"):
        assert page.locator(f'[data-calculator="{ident}"] table').count() == 0


def test_copy_puts_the_dose_line_in_the_pages_language_on_the_clipboard(
        browser: Any, base_url: str) -> None:
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(f"{base_url}/nl.html")
        page.wait_for_function(LOADED)
        gan = page.locator('[data-calculator="ganciclovir-iv"]')
        copy = gan.locator(".calculator-copy")
        assert copy.text_content() == "Uitkomst kopiëren" and copy.is_disabled()
        _fill(page, "ganciclovir-iv", weight="72,5", crcl="60", phase="induction")
        copy.click()
        line = ("Ganciclovir iv: dosis naar nierfunctie: Dosis per kg: 2,5 mg/kg; "
                "Dosis: 181 mg; Interval: 2 dd (elke 12 uur); Bereik: 50–69 mL/min")
        status = gan.locator(".calculator-copied")
        status.filter(has_text="Gekopieerd").wait_for()
        assert page.evaluate("() => navigator.clipboard.readText()") == line
        assert status.text_content() == "Gekopieerd: " + line
        assert status.get_attribute("role") == "status" and status.is_visible()
    finally:
        context.close()


def test_reset_empties_the_inputs_and_the_outputs(fresh: Any) -> None:
    page = fresh()
    gan = page.locator('[data-calculator="ganciclovir-iv"]')
    _fill(page, "ganciclovir-iv", weight="70", crcl="60", phase="induction",
          rrt="intermittent-hd")
    assert _value(page, "ganciclovir-iv", "dose_mg")[0] == "87.5"
    gan.locator(".calculator-reset").click()
    fields = gan.locator("[name]").evaluate_all("els => els.map(el => [el.name, el.value])")
    assert fields == [["weight", ""], ["crcl", ""], ["phase", ""], ["rrt", "none"]]
    for output in ("dose_mg_per_kg", "dose_mg", "interval"):
        assert _value(page, "ganciclovir-iv", output) == ("", "—")
    assert gan.locator(".calculator-messages li").count() == 0
    assert gan.locator(".calculator-band").is_hidden()
    assert gan.locator("tr[aria-current]").count() == 0
    assert gan.locator(".calculator-copy").is_disabled()
    assert gan.get_attribute("data-filled") == "false"  # print may leave it out


def test_a_widget_says_whether_anything_was_filled_in(fresh: Any) -> None:
    page = fresh("nl")
    filled = page.locator("[data-calculator]").evaluate_all(
        "els => els.map(el => el.getAttribute('data-filled'))")
    assert filled == ["false"] * 5  # a preselected default is a start, not a filled field
    _fill(page, "ganciclovir-iv", phase="induction")
    gan = page.locator('[data-calculator="ganciclovir-iv"]')
    assert gan.get_attribute("data-filled") == "true"
    assert gan.get_attribute("data-state") == "invalid"


def test_doses_at_the_declared_precision_with_the_unrounded_value_on_request(fresh: Any) -> None:
    page = fresh("nl")
    gan = page.locator('[data-calculator="ganciclovir-iv"]')
    _fill(page, "ganciclovir-iv", weight="72,5", crcl="60", phase="induction")
    assert _value(page, "ganciclovir-iv", "dose_mg") == ("181.25", "181")  # whole mg
    unrounded = gan.locator(".calculator-unrounded")
    unrounded.click()
    assert unrounded.get_attribute("aria-pressed") == "true"
    assert _value(page, "ganciclovir-iv", "dose_mg") == ("181.25", "181,25")
    unrounded.click()
    assert _value(page, "ganciclovir-iv", "dose_mg")[1] == "181"


def test_a_shown_value_never_sits_on_a_band_bound_it_is_not_on(fresh: Any) -> None:
    page = fresh("nl")
    # 7560 / (72 x 1.5006) = 69.97...: the CrCl widget itself shows 69,9, not 70
    _fill(page, "creatinine-clearance", age="20", weight="63", sex="male", creatinine="1,5006",
          creatinine_unit="mg_dl")
    assert _value(page, "creatinine-clearance", "crcl")[1] == "69,9"
    page = fresh("nl")  # foscarnet alone: no creatinine shared from the CrCl widget
    # 70.02 / 70 = 1.000285... mL/min/kg is in "> 1,0 – 1,4": never shown as "1"
    _fill(page, "foscarnet-iv", weight="70", crcl="70,02", regimen="induction-60")
    assert _value(page, "foscarnet-iv", "crcl_per_kg")[1] == "1,0003"
    _fill(page, "foscarnet-iv", crcl="70")
    assert _value(page, "foscarnet-iv", "crcl_per_kg")[1] == "1"  # on the bound: as it is


def test_every_control_keeps_its_name_and_description_without_repeated_markup(
        pages: dict[str, Any]) -> None:
    """The page carries no per-input ids or attributes; the label around each control names
    it, and calculator.js describes it by the widget's messages."""
    page = pages["en"]
    gan = page.locator('[data-calculator="ganciclovir-iv"]')
    assert gan.get_by_role("textbox", name="Actual body weight (kg)", exact=True).count() == 1
    assert gan.get_by_role("combobox", name="Phase", exact=True).count() == 1
    controls = page.locator("[data-calculator] [name]").evaluate_all("""els => els.map(el => [
        el.labels.length, el.getAttribute('autocomplete'),
        (document.getElementById(el.getAttribute('aria-describedby').split(' ')[0]) || {})
            .className])""")
    assert controls and all(c == [1, "off", "calculator-messages"] for c in controls), controls
    ids = page.locator("[id]").evaluate_all("els => els.map(el => el.id)")
    assert len(ids) == len(set(ids))  # the ids calculator.js makes are unique on the page
