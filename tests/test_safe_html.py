"""Protocol bodies cannot put executable content on a page: refused at the source, and
removed from the page by an allowlist sanitiser should anything get through."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import pipeline
from generator.checks.sanitize import sanitize_html
from generator.cli import main

from .conftest import MINIMAL_YAML, ProjectFactory

P = "protocol_src/protocols/acme"
HINT = "(hint: protocol pages may not run code or embed other pages; write Markdown)"
URL_HINT = "(hint: link to a protocol, a page or a web address (https://...))"


def errors(root: Path) -> list[str]:
    return [p.format() for p in pipeline.check(root).sorted() if p.severity == "error"]


def with_body(make_project: ProjectFactory, text: str) -> Path:
    return make_project({f"{P}/protocol.yaml": MINIMAL_YAML.format(id="acme"),
                         f"{P}/en.md": f"---\ntitle: Acme\n---\n\n## Dosing {{#dosing}}\n\n{text}"})


@pytest.mark.parametrize(("text", "expected"), [
    ("Text.\n<script>alert(1)</script>\n",
     f"{P}/en.md:8: error: raw HTML <script> is not allowed in a protocol body {HINT}"),
    ("<SCRIPT src=x.js></SCRIPT>\n",
     f"{P}/en.md:7: error: raw HTML <script> is not allowed in a protocol body {HINT}"),
    ("<style>body{}</style>\n",
     f"{P}/en.md:7: error: raw HTML <style> is not allowed in a protocol body {HINT}"),
    ("<iframe src=\"https://example.org\"></iframe>\n",
     f"{P}/en.md:7: error: raw HTML <iframe> is not allowed in a protocol body {HINT}"),
    ("<object data=x></object>\n",
     f"{P}/en.md:7: error: raw HTML <object> is not allowed in a protocol body {HINT}"),
    ("<embed src=x>\n",
     f"{P}/en.md:7: error: raw HTML <embed> is not allowed in a protocol body {HINT}"),
    ("<form action=\"/x\">\n",
     f"{P}/en.md:7: error: raw HTML <form> is not allowed in a protocol body {HINT}"),
    ("<input name=q>\n",
     f"{P}/en.md:7: error: raw HTML <input> is not allowed in a protocol body {HINT}"),
    ("<img src=x\n     onerror=\"alert(1)\">\n",
     f"{P}/en.md:8: error: event-handler attribute 'onerror' is not allowed in a protocol "
     f"body {HINT}"),
    ("<div ONCLICK='x()'>a</div>\n",
     f"{P}/en.md:7: error: event-handler attribute 'onclick' is not allowed in a protocol "
     f"body {HINT}"),
    ("[dose](javascript:alert(1))\n",
     f"{P}/en.md:7: error: a 'javascript:' URL is not allowed in a protocol body {URL_HINT}"),
    ("[dose]( JaVaScRiPt:alert(1))\n",
     f"{P}/en.md:7: error: a 'javascript:' URL is not allowed in a protocol body {URL_HINT}"),
    ("<a href=\"jav&#x61;script:alert(1)\">x</a>\n",
     f"{P}/en.md:7: error: a 'javascript:' URL is not allowed in a protocol body {URL_HINT}"),
    ("<a href='vbscript:x'>x</a>\n",
     f"{P}/en.md:7: error: a 'vbscript:' URL is not allowed in a protocol body {URL_HINT}"),
    ("<img src=\"data:image/svg+xml;base64,PHN2Zz4=\">\n",
     f"{P}/en.md:7: error: a 'data:' URL is not allowed in a protocol body {URL_HINT}"),
    ("See [the chart][c].\n\n[c]: javascript:alert(1)\n",
     f"{P}/en.md:9: error: a 'javascript:' URL is not allowed in a protocol body {URL_HINT}"),
    ("<javascript:alert(1)>\n",
     f"{P}/en.md:7: error: a 'javascript:' URL is not allowed in a protocol body {URL_HINT}"),
])
def test_executable_content_is_refused_at_its_line(make_project: ProjectFactory, text: str,
                                                    expected: str) -> None:
    assert errors(with_body(make_project, text)) == [expected]


@pytest.mark.parametrize("text", [
    "Write `<script>` in code to show it.\n",
    "```html\n<script>alert(1)</script>\n<a onclick=x>\n```\n",
    "Data: 10 patients; see [the guideline](https://example.org/data:x).\n",
    "<div class=\"note\" markdown=\"1\">Only *Markdown* here, online or offline.</div>\n",
    "Scripts and forms are words, not tags.\n",
])
def test_harmless_text_is_accepted(make_project: ProjectFactory, text: str) -> None:
    assert errors(with_body(make_project, text)) == []


def test_title_must_be_plain_text(make_project: ProjectFactory) -> None:
    root = make_project({f"{P}/protocol.yaml": MINIMAL_YAML.format(id="acme"),
                         f"{P}/en.md": "---\ntitle: Acme <img src=x>\n---\n\nText.\n"})
    assert errors(root) == [f"{P}/en.md:2: error: title must be plain text, not HTML"]


def test_cli_check_refuses_a_script(make_project: ProjectFactory,
                                    monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(with_body(make_project, "<script>alert(1)</script>\n"))
    assert main(["check"]) == 1
    assert capsys.readouterr().out.startswith(
        f"{P}/en.md:7: error: raw HTML <script> is not allowed in a protocol body")


# ---------------------------------------------------------------- the sanitiser


class Structure(HTMLParser):
    """Tags, attributes and text of a fragment, for comparing before and after."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[str, ...]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.items.append((tag, *sorted(f"{k}={v or ''}" for k, v in attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.items.append((f"/{tag}",))

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.items.append((data.strip(),))


# The shape of the calculator widget (generator/calculators/widget.py on the
# calculators branch) and of the generated page parts: all must survive unchanged.
GENERATED = """\
<table class="doc-control" data-page-kind="original" data-protocol="x" data-version="1.0">
<caption>Document control</caption>
<tbody><tr data-field="version"><th scope="row">Version</th><td>1.0</td></tr></tbody></table>
<div class="admonition warning review-overdue"><p class="admonition-title">Review</p><p>Due.</p></div>
<h2 id="dosing">Dosing<a class="headerlink" href="#dosing" title="Permanent link">¶</a></h2>
<p>Start <sup class="citation"><a href="#cite-k">[1]</a></sup> <abbr title="twice daily">2 dd</abbr></p>
<div class="calculator" data-calculator="ganciclovir-iv" data-calculator-version="1.0" data-calculator-status="approved">
<p class="calculator-title"><strong>Ganciclovir</strong></p>
<p class="calculator-notice" role="note">Not approved</p>
<div class="calculator-inputs">
<div class="calculator-field"><label for="calc-g-in-weight">Weight <span class="calculator-unit">(kg)</span></label><input id="calc-g-in-weight" name="weight" type="text" inputmode="decimal" autocomplete="off" spellcheck="false" aria-describedby="calc-g-messages"></div>
<div class="calculator-field"><label for="calc-g-in-phase">Phase</label><select id="calc-g-in-phase" name="phase" aria-describedby="calc-g-messages"><option value="">Choose</option><option value="induction">Induction</option></select></div>
</div>
<div class="calculator-result" aria-live="polite" aria-label="Result">
<dl class="calculator-outputs"><div class="calculator-output"><dt>Dose</dt><dd><span data-output="dose_mg" data-value="">–</span> <span class="calculator-unit">mg</span></dd></div></dl>
<p class="calculator-band" data-band="b" hidden></p>
<ul class="calculator-messages" id="calc-g-messages"></ul>
</div>
<button type="button" class="calculator-share md-button" data-share-output="crcl" disabled>Use</button>
<div class="calculator-chart" data-chart></div>
<details class="calculator-details"><summary>Details</summary><ul class="calculator-formula"><li><code>a = b * 2</code></li></ul>
<div class="calculator-table-wrap"><table class="calculator-table"><thead><tr><th>Band</th></tr></thead><tbody><tr data-band-label="&gt;70"><th>&gt;70</th><td>5 mg/kg</td></tr></tbody></table></div></details>
<script type="application/json" class="calculator-spec">{"id":"ganciclovir-iv","t":"\\u003cb\\u003e"}</script>
</div>
<ol class="references"><li id="cite-k">Text <a href="https://pubmed.ncbi.nlm.nih.gov/1/">PMID 1</a></li></ol>
"""


def test_generated_content_survives_the_sanitiser() -> None:
    assert Structure(sanitize_html(GENERATED)).items == Structure(GENERATED).items


@pytest.mark.parametrize(("dirty", "clean"), [
    ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
    ('<img src="x.png" onerror="alert(1)">', '<img src="x.png">'),
    ('<a href="javascript:alert(1)">x</a>', "<a>x</a>"),
    ('<iframe src="https://example.org"></iframe><p>t</p>', "<p>t</p>"),
    ('<form action="/x"><input name="q"></form>', '<input name="q">'),
    ('<p style="background:url(x)">t</p>', "<p>t</p>"),
    ('<script type="application/json">{"a": "</scr" }</script>', ""),
    ('<script type="application/json">not json</script>', ""),
    ('<script type="text/javascript">{"a": 1}</script>', ""),
])
def test_sanitiser_removes_what_could_run(dirty: str, clean: str) -> None:
    assert sanitize_html(dirty) == clean


def test_built_page_is_sanitised(make_project: ProjectFactory) -> None:
    root = make_project({f"{P}/protocol.yaml": MINIMAL_YAML.format(id="acme"),
                         f"{P}/en.md": "---\ntitle: Acme\n---\n\nText.\n"})
    # Bypass the source check to prove the second layer on a real build.
    files = pipeline.render(pipeline.load(root), __import__("datetime").date(2026, 1, 1), False)
    page = "en/protocols/acme.md"
    files[page] = str(files[page]) + '\n<p><img src="x.png" onerror="alert(1)"></p>\n'
    from generator.engine import mkdocs_site
    from generator.engine.fsutil import write_tree
    write_tree(files, root / "docs")
    assert mkdocs_site.build(root, pipeline.load(root).project.site, root / "docs",
                             root / "out") == []
    html = (root / "out/protocols/acme/index.html").read_text(encoding="utf-8")
    assert '<img src="x.png">' in html and "onerror" not in html


def test_changelog_quote_is_text_not_a_link(make_project: ProjectFactory) -> None:
    """A changelog note may quote a removed "[10.000](tel:+3110000)" artefact, in any language."""
    from .conftest import minimal_protocol
    files = minimal_protocol("acme")
    files["protocol_src/protocols/acme/protocol.yaml"] = files[
        "protocol_src/protocols/acme/protocol.yaml"].replace(
        "note: First version.", 'note: {en: "Removed [10.000](tel:+3110000).", '
        'nl: "Verwijderd: [10.000](tel:+3110000)."}')
    root = make_project(files)
    pipeline.build(root, root / "site")
    for page in (root / "site").rglob("*.html"):
        assert 'href="tel:' not in page.read_text(encoding="utf-8"), page
    html = (root / "site/nl/protocols/acme/index.html").read_text(encoding="utf-8")
    assert "Verwijderd: [10.000](tel:+3110000)." in html


def test_json_block_survives_reordered_attributes() -> None:
    # Markdown's md_in_html re-serialises wrapped HTML (fallback pages) with sorted attributes.
    from generator.checks.sanitize import sanitize_html
    kept = sanitize_html('<script class="calculator-spec" type="application/json">{"a": 1}</script>')
    assert kept == '<script type="application/json" class="calculator-spec">{"a": 1}</script>'
    assert sanitize_html('<script type="application/json" onload="x()">{}</script>') == ""
    assert sanitize_html('<script type="application/json" src="x.js">{}</script>') == ""


def test_collapsed_whitespace_renders_the_same_and_keeps_preformatted_text() -> None:
    from generator.engine.mkdocs_hooks import collapse_whitespace

    page = ("<div>\n      <p>Give   5 mg\n        twice</p>\n    <pre>  a\n    b\n</pre>\n"
            "  <script>var s = '>\n   <';</script>\n  <textarea>x\n   y</textarea>\n"
            "  <STYLE>p {\n  color: red }</STYLE>\n</div>\n")
    assert collapse_whitespace(page) == (
        "<div>\n<p>Give   5 mg\ntwice</p>\n<pre>  a\n    b\n</pre>\n"
        "<script>var s = '>\n   <';</script>\n<textarea>x\n   y</textarea>\n"
        "<STYLE>p {\n  color: red }</STYLE>\n</div>\n")


def test_collapsing_keeps_what_html_does_not_collapse() -> None:
    """A no-break space renders even after a line break; trailing spaces with no line
    break after them (end of the page, before a <pre>) are not a run to collapse."""
    from generator.engine.mkdocs_hooks import collapse_whitespace

    assert collapse_whitespace("<p>a\n\u00a0\u00a0b</p>") == "<p>a\n\u00a0\u00a0b</p>"
    assert collapse_whitespace("<p>a \t\r\n\f\n  b</p>  ") == "<p>a\nb</p>  "
    assert collapse_whitespace("a  <pre> x \n y</pre>  \n b") == "a  <pre> x \n y</pre>\nb"


def test_built_pages_have_their_indentation_collapsed(seed_build: Path) -> None:
    page = (seed_build / "site/protocols/cmv-icu/index.html").read_text(encoding="utf-8")
    outside_verbatim = re.sub(r"<(script|pre|style|textarea)\b.*?</\1>", "", page, flags=re.S)
    assert "\n    " not in outside_verbatim  # Material's templates indent far deeper
