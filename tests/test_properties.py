"""Property tests: whatever an editor's files hold, the loader answers with problems,
never a traceback; and the sanitiser never lets executable content through.

(The calculator evaluator's own property tests live with the calculators.)
"""

from __future__ import annotations

import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator import pipeline
from generator.checks import lint
from generator.checks.sanitize import ALLOWED_TAGS, sanitize_html
from generator.sources import yamlpos
from generator.sources.problems import Problems
from generator.sources.yamlpos import LineList, LineMap, load_yaml

from .conftest import REPO

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

KEYS = ["id", "version", "status", "original_language", "owner", "review_due", "approved_by",
        "approved_on", "specialties", "tags", "related", "calculators", "references",
        "changelog", "title", "summary", "aliases", "translation_of_version",
        "number_exceptions", "number", "reason", "section", "key", "text", "date", "note"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                    st.text(max_size=20), st.dates(), st.sampled_from(
                        ["acme", "1.0", "approved", "en", "nl", "2030-13-01", "10.000",
                         "cmv-icu", "[[x]]", "<script>"]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)), max_leaves=12)
documents = st.dictionaries(st.sampled_from(KEYS), values, max_size=10)

# Markdown made of the pieces the stages parse, so the examples reach deep code paths.
PIECES = ["---", "title: A", "translation_of_version: \"1.0\"", "## A {#a}", "### B {#b}",
          "# H", "## No id", "```", "~~~", "`code`", "[[acme]]", "[[acme#a|x]]", "[[calc:c]]",
          "[@ref]", "<script>x</script>", "<a href='javascript:x'>", "<img onerror=x>",
          "[x](tel:1)", "5 mg/kg 2dd", "10.000 IU/mL", "0.5 mg", "ganciclovir 5", "twice daily",
          "dua kali sehari", "1. item", "- item", "===", "number_exceptions:",
          "  - number: \"5\"", "    reason: r", "\ufeff", "\r", "\t", ""]
markdown = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=30)),
                    max_size=25).map("\n".join)


def check_files(files: dict[str, str | bytes]) -> Problems:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(REPO / "site_config", root / "site_config")
        for rel, data in files.items():
            path = root / "protocol_src/protocols/acme" / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8", errors="surrogatepass")
        return pipeline.check(root)


def _dump(document: dict[str, object]) -> str:
    return yaml.safe_dump(document, allow_unicode=True)


@SETTINGS
@given(st.text())
def test_yaml_loader_never_raises(text: str) -> None:
    _, problems = load_yaml(text, "x.yaml")
    assert all(p.line >= 1 for p in problems)


def _lines(value: object) -> object:
    """The value with every line number the loader recorded, for comparing two loaders."""
    if isinstance(value, LineMap):
        return ("map", value.line, {k: (value.key_lines[k], _lines(v)) for k, v in value.items()})
    if isinstance(value, LineList):
        return ("list", value.line, value.item_lines, [_lines(v) for v in value])
    return value


@SETTINGS
@given(st.one_of(documents.map(_dump), st.text(), st.lists(st.sampled_from(
    ["a: 1", "a: 2", "- x", "  - y", "b: [1, 2]", "c: {d: 3}", "e: 2030-13-01", "f: 2030-01-01",
     "g: |", "  text", "? k", ": v", "&x h: 1", "i: *x", "<<: *x", "#", "---", "\t", "j: 'q"]),
    max_size=12).map("\n".join)), st.integers(min_value=1, max_value=5))
@example("0\t", 1)  # libyaml took the tab; PyYAML's scanner refuses it (a fresh clone's run)
@example("a: 1\t\nb: 2", 1)
def test_fast_yaml_loader_agrees_with_the_careful_one(text: str, first_line: int) -> None:
    """libyaml reads valid files faster; what it accepts must load exactly as PyYAML's
    pure-Python loader loads it, line numbers and duplicate keys included."""
    fast = yamlpos._fast(text)
    if fast is None:
        return
    value, problems = load_yaml(text, "x.yaml", first_line)
    assert (_lines(value), problems) == (_lines(careful_load(text, first_line)[0]),
                                         careful_load(text, first_line)[1])


def careful_load(text: str, first_line: int) -> tuple[object, list[object]]:
    """The pure-Python loader alone (libyaml switched off for one call)."""
    saved = yamlpos._HAS_LIBYAML
    yamlpos._HAS_LIBYAML = False
    try:
        return load_yaml(text, "x.yaml", first_line)
    finally:
        yamlpos._HAS_LIBYAML = saved


@SETTINGS
@given(documents, markdown, markdown)
def test_structured_sources_give_problems_not_tracebacks(document: dict[str, object],
                                                         original: str, other: str) -> None:
    problems = check_files({"protocol.yaml": _dump(document), "en.md": original,
                            "nl.md": other})
    assert all(p.line >= 1 and p.path for p in problems.items)


@SETTINGS
@given(st.binary(max_size=300), st.binary(max_size=300))
def test_random_bytes_give_problems_not_tracebacks(yaml_bytes: bytes, body: bytes) -> None:
    problems = check_files({"protocol.yaml": yaml_bytes, "en.md": body})
    assert problems.errors


VALID_YAML = (REPO / "tests/bad_sources/tel-link/protocol_src/protocols/acme/protocol.yaml")


@SETTINGS
@given(markdown, markdown)
def test_random_bodies_of_a_valid_protocol(original: str, translation: str) -> None:
    problems = check_files({"protocol.yaml": VALID_YAML.read_text(encoding="utf-8"),
                            "en.md": "---\ntitle: A\n---\n\n" + original,
                            "nl.md": "---\ntitle: A\ntranslation_of_version: \"1.0\"\n---\n\n"
                                     + translation})
    assert all(p.line >= 1 for p in problems.items)


HTML_PIECES = ["<script>alert(1)</script>", "<SCRIPT>", "<img src=x onerror=alert(1)>",
               "<a href=\"javascript:alert(1)\">", "<a href='jav&#x61;script:x'>",
               "<iframe src=x>", "<svg onload=x>", "<div onclick=\"x\">", "<p>", "</p>",
               "<script type=\"application/json\">{}</script>", "<style>", "<form>",
               "<object data=x>", "<a href=\"https://example.org\">", "\"", "'", "<", ">",
               "<!--", "-->", "<![CDATA[", "]]>", "<math><mi xlink:href=\"javascript:x\">"]
html_fragments = st.lists(st.one_of(st.sampled_from(HTML_PIECES), st.text(max_size=10)),
                          max_size=30).map("".join)


class Tags(HTMLParser):
    """Every start tag with its attributes, as a browser's parser would see them."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


@SETTINGS
@given(html_fragments)
def test_sanitiser_output_cannot_run(fragment: str) -> None:
    for tag, attrs in Tags(sanitize_html(fragment)).tags:
        assert tag in ALLOWED_TAGS or (tag == "script"
                                       and attrs.get("type") == "application/json")
        assert not [name for name in attrs if name.startswith("on")]
        for name in ("href", "src"):
            url = re.sub(r"[\x00-\x20]", "", attrs.get(name, "")).lower()
            assert not url.startswith(("javascript:", "vbscript:", "data:"))


# Pieces of clinical prose and of the markup the number checks replace, in any order.
PIECES = [
    " ", "\n", "5", "0,5", "10.000", "q8h", "Q8H", "{#dosing}", "{: .x}", "[@ref-1]", "[[", "]]",
    "|", "[", "]", "]:", "(", ")", "](", "<", ">", "<b>", "https://x.org/5", "tel:5", "a:5",
    "- ", "1. ", "2) ", "> ", "two", "Two", "times", "TIMES", "once", "twice", "thrice", "twee",
    "maal", " keer", "eenmalig", "driemaal", "dua", " kali", "sekali", " sehari", "mg", "x",
    # whole constructs, which a random sequence of atoms seldom spells
    "two times", "Two TIMES", "twee keer", "tweemaal", "dua kali", "sekali sehari", "<i 5>",
    "<a href=5>", "[[p|5 mg]]", "[[p#a5]]", "[5](u5)", "[r]: http://5", "{#s5}", "[@r5]",
    "q12h", "1. 5", "[r]:5", "dose", "ganciclovir", "Valganciclovir", "\t", "5-10"]
PROSE_PIECES = st.sampled_from(PIECES)
# The dose pattern with the repository's own drug names.
_LOADED = pipeline.load(REPO).project
DOSE = lint.dose_pattern(lint.drug_names(_LOADED.site, _LOADED.glossary,
                                         _LOADED.calculators.values()))


def _same_as_every_rule(line: str, lang: str) -> None:
    from generator.checks import numbers
    from generator.sources.languages import words as words_of

    expected = line
    for pattern, replacement, _ in numbers.NOT_PROSE:
        expected = pattern.sub(replacement, expected)
    assert numbers.without_markup(line) == expected, line
    _, rules = numbers._frequency_rules(words_of(lang))
    words = expected
    for regex, replacement in rules:
        words = regex.sub(replacement, words)
    assert numbers._words_to_digits(expected, lang) == words, (line, lang)
    assert lint.MAY_BE_DOSE.search(expected) or not DOSE.search(expected), line


def test_number_reading_skips_only_lines_no_rule_could_change() -> None:
    """The checks skip a markup pattern when its required text is absent from the line,
    and the frequency words when none of their words is: the same result as every rule,
    for every two pieces of prose and markup (random sequences seldom spell a construct)."""
    for first in PIECES:
        for second in PIECES:
            for gap in (" ", "", "\n"):
                for lang in ("en", "nl", "id", "de"):
                    _same_as_every_rule(first + gap + second, lang)


@SETTINGS
@given(st.lists(st.tuples(PROSE_PIECES, st.sampled_from([" ", " ", "", "\n"])), max_size=14)
       .map(lambda pieces: "".join(piece + gap for piece, gap in pieces)),
       st.sampled_from(["en", "nl", "id", "de"]))
def test_number_reading_of_longer_lines(line: str, lang: str) -> None:
    _same_as_every_rule(line, lang)
