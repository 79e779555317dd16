"""Load ``site_config/``: languages and their words, fallback order, interface strings, taxonomy."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import strings
from .languages import install, load_words
from .model import DRUG_NAME, WEB_ADDRESS, Language, SiteConfig
from .problems import Problems
from .releases import ref_problem
from .sourcetext import read_source
from .yamlpos import LineList, LineMap, load_yaml

SITE_FILE = "site_config/site.yaml"
UI_FILE = "site_config/ui.yaml"
TAXONOMY_FILE = "site_config/taxonomy.yaml"
DRUGS_FILE = "site_config/drugs.yaml"
CALCULATOR_STRINGS = "calculator"  # the section of ui.yaml with the calculators' strings


def load_site_config(root: Path, problems: Problems) -> SiteConfig | None:
    site = _read_map(root, SITE_FILE, problems)
    ui = _read_map(root, UI_FILE, problems)
    taxonomy = _read_map(root, TAXONOMY_FILE, problems, required=False)
    drugs = _read_map(root, DRUGS_FILE, problems, required=False)
    if site is None or ui is None:
        return None
    languages = _languages(site, problems)
    if not languages:
        return None
    codes = tuple(lang.code for lang in languages)
    # The checks read the words of the project being loaded (generator/sources/languages.py),
    # the calculators its strings (generator/sources/strings.py).
    install(load_words(root, codes, problems))
    strings.install(codes, _calculator_strings(ui, codes, problems))
    return SiteConfig(
        site_name=_per_language(site, "site_name", codes, SITE_FILE, problems),
        languages=languages,
        fallback_order=_fallback_order(site, codes, problems),
        ui={key: _strings(ui, key, codes, UI_FILE, problems) for key in ui
            if key != CALCULATOR_STRINGS},
        specialties=_specialties(taxonomy, codes, problems),
        publish_review_copies=_flag(site, "publish_review_copies", problems),
        drugs=_drugs(drugs, codes, problems),
        organisation=_optional_text(site, "organisation", problems),
        contact=_contact(site, problems),
        **_calculator_defaults(site, codes, problems),
    )


def _optional_text(site: LineMap, key: str, problems: Problems) -> str | None:
    value = site.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        problems.error(SITE_FILE, site.line_of(key), f"'{key}' must be a text")
        return None
    return " ".join(value.split()) or None


# A scheme other than http(s) is refused: mailto: opens a mail program the ward PCs may
# not have, and nothing else belongs in a link that every page carries.
SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:(?![\s\d])", re.I)


def _contact(site: LineMap, problems: Problems) -> str | None:
    """The owner contact: a web address (linked, with the page's id added) or an address
    shown as text (a postal address, a phone number, an e-mail address written out)."""
    value = _optional_text(site, "contact", problems)
    scheme = SCHEME.match(value) if value is not None else None
    if value is None or WEB_ADDRESS.match(value) or scheme is None:
        return value
    problems.error(SITE_FILE, site.line_of("contact"),
                   f"'contact' must be a web address (https://...) or an address shown as "
                   f"text, not a '{scheme.group(0)}' link",
                   "write an e-mail address as text: reports@example.org")
    return None


def _read_map(root: Path, rel: str, problems: Problems, required: bool = True) -> LineMap | None:
    path = root / rel
    if not path.is_file():
        if required:
            problems.error(rel, 1, "file is missing")
        return None
    text, found = read_source(path, rel)
    problems.extend(found)
    if text is None:
        return None
    value, found = load_yaml(text, rel)
    problems.extend(found)
    if value is None and not found:
        value = LineMap()
    if not isinstance(value, LineMap):
        if not found:
            problems.error(rel, 1, "expected a mapping of settings")
        return None
    return value


def _languages(site: LineMap, problems: Problems) -> tuple[Language, ...]:
    raw = site.get("languages")
    if not isinstance(raw, LineList) or not raw:
        problems.error(SITE_FILE, site.line_of("languages"), "'languages' must be a list")
        return ()
    result: list[Language] = []
    for index, item in enumerate(raw):
        line = raw.line_of(index)
        if not isinstance(item, LineMap) or not isinstance(item.get("code"), str):
            problems.error(SITE_FILE, line, "each language needs a 'code' and a 'name'")
            continue
        result.append(Language(item["code"], str(item.get("name", item["code"])),
                               bool(item.get("default", False))))
    if sum(lang.default for lang in result) != 1:
        problems.error(SITE_FILE, raw.line, "exactly one language must have 'default: true'")
        return ()
    return tuple(result)


def _calculator_strings(ui: LineMap, codes: tuple[str, ...],
                        problems: Problems) -> dict[str, dict[str, str]]:
    """The ``calculator`` section of ui.yaml: each key's text in every site language."""
    section = ui.get(CALCULATOR_STRINGS)
    if not isinstance(section, LineMap):
        problems.error(UI_FILE, ui.line_of(CALCULATOR_STRINGS),
                       f"'{CALCULATOR_STRINGS}' must map each calculator string to its texts")
        return {}
    missing = sorted(set(strings.KEYS) - set(section))
    if missing:
        problems.error(UI_FILE, section.line, f"'{CALCULATOR_STRINGS}' lacks " + ", ".join(missing))
    return {key: _strings(section, key, codes, UI_FILE, problems) for key in section}


def _flag(site: LineMap, key: str, problems: Problems) -> bool:
    value = site.get(key, False)
    if not isinstance(value, bool):
        problems.error(SITE_FILE, site.line_of(key), f"'{key}' must be true or false")
        return False
    return value


def _calculator_defaults(site: LineMap, codes: tuple[str, ...],
                         problems: Problems) -> dict[str, Any]:
    """``calculator_defaults: {LANG: {INPUT-ID: CODE}}``; the codes are checked against the
    calculators once they are loaded (validate.py)."""
    table = site.get("calculator_defaults")
    found: dict[str, dict[str, str]] = {}
    lines: dict[tuple[str, str], int] = {}
    if table is None:
        return {"calculator_defaults": found, "calculator_default_lines": lines}
    if not isinstance(table, LineMap):
        problems.error(SITE_FILE, site.line_of("calculator_defaults"),
                       "'calculator_defaults' must map languages to {input: option}")
        return {"calculator_defaults": found, "calculator_default_lines": lines}
    for lang, entries in table.items():
        if lang not in codes:
            problems.error(SITE_FILE, table.line_of(lang), f"unknown language '{lang}'",
                           hint=f"the site's languages are {', '.join(codes)}")
            continue
        if not isinstance(entries, LineMap) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in entries.items()):
            problems.error(SITE_FILE, table.line_of(lang),
                           f"calculator_defaults for '{lang}' must map input ids to option codes")
            continue
        found[lang] = dict(entries)
        lines.update({(lang, key): entries.line_of(key) for key in entries})
    return {"calculator_defaults": found, "calculator_default_lines": lines}


def _fallback_order(site: LineMap, codes: tuple[str, ...], problems: Problems) -> tuple[str, ...]:
    raw = site.get("fallback_order", ["reader", "original"])
    if not isinstance(raw, list):
        problems.error(SITE_FILE, site.line_of("fallback_order"), "'fallback_order' must be a list")
        return ("reader", "original")
    for index, entry in enumerate(raw):
        if entry not in ("reader", "original", *codes):
            line = raw.line_of(index) if isinstance(raw, LineList) else site.line
            problems.error(SITE_FILE, line, f"unknown fallback entry '{entry}'",
                           hint="use 'reader', 'original' or a language code")
    order = tuple(str(entry) for entry in raw)
    return order if "original" in order else (*order, "original")


def _strings(table: LineMap, key: str, codes: tuple[str, ...], rel: str,
             problems: Problems) -> dict[str, str]:
    return _per_language(table, key, codes, rel, problems)


def _per_language(table: LineMap, key: str, codes: tuple[str, ...], rel: str,
                  problems: Problems) -> dict[str, str]:
    entry: Any = table.get(key)
    if not isinstance(entry, LineMap):
        problems.error(rel, table.line_of(key), f"'{key}' must map each language to a text")
        return {code: key for code in codes}
    for code in codes:
        if not isinstance(entry.get(code), str) or not entry[code].strip():
            problems.error(rel, entry.line, f"'{key}' has no text for language '{code}'")
    return {code: str(entry.get(code) or key) for code in codes}


def _specialties(taxonomy: LineMap | None, codes: tuple[str, ...],
                 problems: Problems) -> dict[str, dict[str, str]]:
    if taxonomy is None:
        return {}
    table = taxonomy.get("specialties")
    if not isinstance(table, LineMap):
        problems.error(TAXONOMY_FILE, taxonomy.line, "'specialties' must be a mapping")
        return {}
    return {key: _per_language(table, key, codes, TAXONOMY_FILE, problems) for key in table}


def _drugs(table: LineMap | None, codes: tuple[str, ...],
           problems: Problems) -> dict[str, tuple[str, ...]]:
    """Drug names per language: lists of names as they are written in that language."""
    if table is None:
        return {}
    result: dict[str, tuple[str, ...]] = {}
    for lang in table:
        names = table[lang]
        if lang not in codes:
            problems.error(DRUGS_FILE, table.line_of(lang), f"unknown language '{lang}'",
                           f"site languages: {', '.join(codes)}")
            continue
        if not isinstance(names, LineList):
            problems.error(DRUGS_FILE, table.line_of(lang),
                           f"'{lang}' must be a list of drug names")
            continue
        for index, name in enumerate(names):
            if not isinstance(name, str) or not DRUG_NAME.match(name):
                problems.error(DRUGS_FILE, names.line_of(index),
                               f"'{name}' is not a drug name",
                               "a name in lowercase letters, words joined by '-' or a space")
        result[lang] = tuple(n for n in names if isinstance(n, str) and DRUG_NAME.match(n))
    return result


DEFAULT_RELEASE_BRANCH = "main"


def release_branch(root: Path, problems: Problems) -> str:
    """The branch whose tip ``protocols publish`` releases (``release_branch`` in site.yaml)."""
    site = _read_map(root, SITE_FILE, problems)
    value = DEFAULT_RELEASE_BRANCH if site is None else site.get("release_branch",
                                                                 DEFAULT_RELEASE_BRANCH)
    line = 1 if site is None else site.line_of("release_branch")
    if not isinstance(value, str):
        problems.error(SITE_FILE, line, "release_branch must be a branch name, e.g. main")
        return DEFAULT_RELEASE_BRANCH
    if (problem := ref_problem(value)) is not None:
        problems.error(SITE_FILE, line, f"release_branch {value!r} is not a branch name: {problem}")
    return value
