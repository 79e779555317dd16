"""Languages are data: a fourth language is configuration and strings, no Python.

The seed project gets German (``de``): its strings copied from English into every
per-language table, its words in ``site_config/languages/de.yaml``. It must check
clean and build (pages, widgets, indexes, search); a German translation's numbers are
read in German notation; and every string German lacks is named by file and line.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import pipeline
from generator.calculators import i18n
from generator.calculators.widget import spec_path
from generator.pages.collate import initial, sort_key
from generator.sources import strings
from generator.sources.languages import decimal_symbol, english_name, group_symbol
from generator.sources.numerals import parse_number

from .conftest import MINIMAL_YAML, REPO, copy_seed_project

SITE_LANGUAGES = tuple(lang["code"] for lang in yaml.safe_load(
    (REPO / "site_config/site.yaml").read_text(encoding="utf-8"))["languages"])

GERMAN_WORDS = """\
count_words: {ein: 1, eins: 1, zwei: 2, drei: 3, vier: 4}
times_words: [mal]
times_suffixes: [mal]
frequency_words: {einmal: 1, zweimal: 2, dreimal: 3}
frequency_words_before: {}
unit_words: [mg, g, kg, ml, l, mmol, h, min, d, tag, tage, woche, wochen, x, log, mal]
dose_words: [dosis]
after_dose_words: [mg, g, kg, ml, l, mmol, x, mal, täglich, tag, tage, h, von]
version_words: [version, v]
"""

EN_BODY = """\
---
title: Dosing test
aliases: ["Ωmega dosing"]
---

## Dosing {#dosing}

Give 0.5 mg/kg twice daily for 14 days, at most 1,000 mg.
"""

DE_BODY = """\
---
title: Dosierungstest
aliases: ["Ωmega-Dosierung"]
translation_of_version: "1.0"
---

## Dosierung {{#dosing}}

{text}
"""


def with_german(value: Any) -> Any:
    """``value`` with a German text beside every English one (a mapping with en and nl)."""
    if isinstance(value, dict):
        result = {key: with_german(item) for key, item in value.items()}
        if "en" in result and "nl" in result and "de" not in result:
            # A copy: a shared object would be written as a YAML alias, which sources refuse.
            result["de"] = copy.deepcopy(result["en"])
        return result
    if isinstance(value, list):
        return [with_german(item) for item in value]
    return value


def add_german(root: Path) -> None:
    """German as an editor adds it: site.yaml's list, strings, and the words file."""
    files = [*sorted((root / "site_config").glob("*.yaml")),
             *sorted((root / "protocol_src/calculators").glob("*.yaml")),
             root / "protocol_src/glossary.yaml"]
    for path in files:
        data = with_german(yaml.safe_load(path.read_text(encoding="utf-8")))
        if path.name == "site.yaml":
            data["languages"].append({"code": "de", "name": "Deutsch"})
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200),
                        encoding="utf-8")
    (root / "site_config/languages/de.yaml").write_text(GERMAN_WORDS, encoding="utf-8")
    folder = root / "protocol_src/protocols/dosing-test"
    folder.mkdir()
    (folder / "protocol.yaml").write_text(MINIMAL_YAML.format(id="dosing-test"), encoding="utf-8")
    (folder / "en.md").write_text(EN_BODY, encoding="utf-8")
    (folder / "de.md").write_text(DE_BODY.format(
        text="0,5 mg/kg zweimal täglich für 14 Tage geben, höchstens 1.000 mg."),
        encoding="utf-8")


@pytest.fixture(scope="module")
def german(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_seed_project(tmp_path_factory.mktemp("german") / "project")
    add_german(root)
    return root


def errors(root: Path) -> list[str]:
    return [p.format() for p in pipeline.check(root).errors]


def line_of(path: Path, pattern: str, after: int = 0) -> int:
    """The 1-based number of the first line from ``after`` on that matches ``pattern``."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(n for n, text in enumerate(lines, 1) if n > after and re.search(pattern, text))


def test_a_fourth_language_checks_and_builds(german: Path) -> None:
    assert errors(german) == []
    site = german / "site"
    pipeline.build(german, site)
    page = (site / "de/protocols/dosing-test/index.html").read_text(encoding="utf-8")
    assert '<html lang="de"' in page and "Dosierungstest" in page
    # The document control says the original is English, in German (CLDR).
    assert "Englisch" in page
    # A protocol without a German text falls back, and says so in German words (the
    # strings are English copies here, so the name of the language shows it).
    fallback = (site / "de/protocols/cmv-icu/index.html").read_text(encoding="utf-8")
    assert "Niederländisch" in fallback
    # Widgets: the German page's spec reads and writes a decimal comma (CLDR).
    spec = site / spec_path("ganciclovir-iv", "de")
    assert json.loads(spec.read_text(encoding="utf-8"))["decimal"] == ","
    widget = (site / "de/protocols/cmv-icu/index.html").read_text(encoding="utf-8")
    assert 'data-calculator="ganciclovir-iv"' in widget
    # Indexes: A-Z in German, with the Greek alias under its own letter.
    az = (site / "de/indexes/a-z/index.html").read_text(encoding="utf-8")
    assert "Dosierungstest" in az and "Ωmega-Dosierung" in az
    assert re.search(r'id="letter-ω"', az), "the Greek alias has no letter of its own"
    # Search: Pagefind indexed the German pages as German.
    entry = json.loads((site / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))
    assert "de" in entry["languages"]


def test_german_numbers_are_read_in_german(german: Path, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(german, root, ignore=shutil.ignore_patterns("site", "content"))
    de = root / "protocol_src/protocols/dosing-test/de.md"
    de.write_text(DE_BODY.format(text="0,5 mg/kg dreimal täglich für 14 Tage geben, höchstens "
                                      "1.000 mg."), encoding="utf-8")
    found = errors(root)
    rel = "protocol_src/protocols/dosing-test/de.md"
    assert any(e.startswith(f"{rel}:") and "3" in e.split("error:")[1] for e in found), found
    assert not any("0,5" in e or "1.000" in e for e in found), found


def test_check_names_every_string_german_lacks(german: Path, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(german, root, ignore=shutil.ignore_patterns("site", "content"))
    ui = root / "site_config/ui.yaml"
    spec = root / "protocol_src/calculators/ganciclovir-iv.yaml"
    words = root / "site_config/languages/de.yaml"
    glossary = root / "protocol_src/glossary.yaml"
    version = line_of(ui, r"^version:")
    result = line_of(ui, r"^  result:")
    label = line_of(spec, r"^\s+label:")
    term = line_of(glossary, r"term: CMV")
    drop(ui, line_of(ui, r"^  de:", version))
    drop(ui, line_of(ui, r"^    de:", result))
    drop(spec, line_of(spec, r"^\s+de:", label))
    drop(words, line_of(words, r"^count_words:"))
    drop(glossary, line_of(glossary, r"^\s+de:", term))
    found = errors(root)
    expected = {
        f"site_config/ui.yaml:{version + 1}: error: 'version' has no text for language 'de'",
        f"site_config/ui.yaml:{result}: error: 'result' has no text for language 'de'",
        "site_config/languages/de.yaml:1: error: 'count_words' is missing for language 'de'",
    }
    assert expected <= {e.split(" (hint")[0].split("\n")[0] for e in found}, found
    assert f"protocol_src/calculators/ganciclovir-iv.yaml:{label + 1}: error: missing 'de' text " \
           "for the label of input 'weight'" in found, found
    assert f"protocol_src/glossary.yaml:{term}: error: term 'CMV' has no expansion in 'de' " \
           "(hint: every term needs an expansion in every site language)" in found, found


def drop(path: Path, line: int) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    del lines[line - 1]
    path.write_text("\n".join(lines), encoding="utf-8")


def test_a_language_without_its_words_file_is_named(german: Path, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(german, root, ignore=shutil.ignore_patterns("site", "content"))
    (root / "site_config/languages/de.yaml").unlink()
    assert "site_config/languages/de.yaml:1: error: file is missing: the words of language 'de'" \
        in [e.split(" (hint")[0].split("\n")[0] for e in errors(root)]


# ---------------------------------------------------------------- conventions from CLDR


@pytest.mark.parametrize("lang", SITE_LANGUAGES)
def test_every_site_language_has_words_and_calculator_strings(lang: str) -> None:
    assert (REPO / f"site_config/languages/{lang}.yaml").is_file()
    assert lang in i18n.languages()
    assert all(i18n.ui(lang, key).strip() for key in strings.KEYS)


def test_number_conventions_come_from_cldr() -> None:
    assert [decimal_symbol(lang) for lang in ("en", "nl", "id", "de")] == [".", ",", ",", ","]
    assert [group_symbol(lang) for lang in ("en", "nl", "id", "de")] == [",", ".", ".", "."]
    assert [english_name(lang) for lang in ("nl", "id", "de")] == ["Dutch", "Indonesian", "German"]


def test_index_letters_in_any_script() -> None:
    titles = ["Щит", "Ωmega", "Alpha", "日本", "ガス", "10 rules", "Øre", "ßeta"]
    assert [initial(t) for t in titles] == ["Щ", "Ω", "A", "日", "カ", "#", "Ø", "S"]
    # One script sorts together, and the order does not depend on the machine.
    assert sorted(["Щит", "Alpha", "Ωmega", "beta"], key=sort_key) == [
        "Alpha", "beta", "Ωmega", "Щит"]


# ---------------------------------------------------------------- properties


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=0, max_value=10**9, places=3, allow_nan=False),
       st.sampled_from([*SITE_LANGUAGES, "de"]))
def test_a_number_as_cldr_writes_it_reads_back(value: Decimal, lang: str) -> None:
    """Whatever CLDR writes for a language (grouped, with its decimal symbol), the number
    check reads as the same number."""
    written = format_decimal(value, locale=lang, decimal_quantization=False)
    assert parse_number(written, lang) == [value], written


@given(st.text(max_size=8))
def test_an_index_letter_is_one_letter_or_hash(text: str) -> None:
    letter = initial(text)
    assert letter == "#" or (len(letter) == 1 and unicodedata.category(letter).startswith("L"))


def test_protocols_calc_reads_the_projects_languages(german: Path) -> None:
    """A spec with German texts is valid in the German project, also on the command line."""
    result = subprocess.run(
        [sys.executable, "-m", "generator.cli", "calc", "foscarnet-iv", "weight=56",
         "crcl=78.4", "regimen=induction-60"], cwd=german, capture_output=True, text=True,
        check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["outputs"]["interval"] == "q8h"
