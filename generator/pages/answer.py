"""What puts the answer first on a protocol page: a "jump to" row and the report link.

The row links to the section that first gives a dose and the one that holds the first
calculator widget, so on a phone the doses are one tap from the top of the page. A
dose is a number with a dose unit (``5 mg/kg``, ``900 mg``); a viral load (IU/mL) or
a creatinine value is not. A body with neither gets no row.
"""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ..sources.glossary import synonyms_for
from ..sources.model import Body, Heading, Project, Protocol
from ..sources.prose import prose_lines
from ..sources.syntax import CALC_LINE
from .formats import language_name
from .home import contact_html
from .mdtext import yaml_string
from .select import choose_body

DOSE = re.compile(r"\d\s*(?:mg|mcg|µg|micrograms?|g|mmol)(?:/kg)?\b(?!/(?:d?l|ml|min)\b)", re.I)
# The sections a reader jumps to: level 2 to 4 (the title is the page's only level 1).
JUMP_LEVELS = (2, 3, 4)


def jump_targets(body: Body) -> list[Heading]:
    """The heading of the first section with a dose, then that of the first calculator."""
    headings = [h for h in body.headings if h.level in JUMP_LEVELS]
    dose: Heading | None = None
    calculator: Heading | None = None
    for number, line in prose_lines(body):
        section = _section_of(headings, number)
        if section is None:
            continue
        if calculator is None and CALC_LINE.match(line):
            calculator = section
        elif dose is None and DOSE.search(line):
            dose = section
    targets: list[Heading] = []
    for heading in (dose, calculator):
        if heading is not None and heading not in targets:
            targets.append(heading)
    return targets


def _section_of(headings: list[Heading], line: int) -> Heading | None:
    before = [h for h in headings if h.line < line]
    return before[-1] if before else None


def jump_row(project: Project, body: Body, lang: str) -> str:
    targets = jump_targets(body)
    if not targets:
        return ""
    label = html.escape(project.site.text("jump_to", lang))
    links = " ".join(f'<a href="#{html.escape(h.id)}"{_lang(body, lang)}>'
                     f"{html.escape(_plain(h.text))}</a>" for h in targets)
    return (f'<nav class="jump-to" aria-label="{label}" data-pagefind-ignore>'
            f'<span class="jump-to__label">{label}:</span> {links}</nav>')


def _lang(body: Body, lang: str) -> str:
    return "" if body.lang == lang else f' lang="{body.lang}"'


def _plain(text: str) -> str:
    """A heading's text without its Markdown emphasis, code and link marks."""
    return re.sub(r"[*_`]|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", text).strip()


def report_link(project: Project, protocol: Protocol, lang: str) -> str:
    """"Report a problem with this page": the owner contact with this page's id, version and
    language (as query parameters of a web address, or as text to quote)."""
    site = project.site
    reference = f"{protocol.id} · {protocol.version} · {lang}"
    url = site.contact_url
    attributes = (f'class="report-problem" data-pagefind-ignore data-protocol="{protocol.id}" '
                  f'data-version="{html.escape(protocol.version)}" data-lang="{lang}"')
    if url is not None:
        href = with_query(url, {"page": protocol.id, "version": protocol.version, "lang": lang})
        return (f'<p {attributes}><a href="{html.escape(href)}">'
                f'{html.escape(site.text("report_problem", lang))}</a> ({reference})</p>')
    if site.contact is None:
        text = site.text("report_problem_unset", lang, reference=html.escape(reference))
    else:
        text = site.text("report_problem_text", lang, contact=contact_html(site, lang, None),
                         reference=html.escape(reference))
    return f"<p {attributes}>{text}</p>"


def with_query(url: str, values: dict[str, str]) -> str:
    """``url`` with ``values`` added to its query (replacing parameters of the same name)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in values]
    return urlunsplit(parts._replace(query=urlencode([*query, *values.items()])))


def fallback_languages(project: Project, protocol: Protocol, lang: str) -> list[str]:
    """Front matter for the language switcher (site_config/theme/partials/alternate.html):
    each language whose page of this protocol shows another language's text, with that
    language and a note in the reader's language ``lang``."""

    site = project.site
    lines: list[str] = []
    for code in site.codes:
        body, kind = choose_body(protocol, code, site.fallback_order)
        if kind == "fallback":
            text = site.text("switcher_fallback", lang, language=language_name(body.lang, lang))
            lines.append(f"  {code}: {{lang: {body.lang}, text: {yaml_string(text)}}}")
    return ["fallback_languages:", *lines] if lines else []


def search_front_matter(project: Project, protocol: Protocol, body: Body, lang: str) -> list[str]:
    """Front matter the search index reads (generator/engine/search.py): the protocol's specialties
    in ``lang`` (shown with each result) and the glossary's synonyms of the drugs and terms
    the body uses (so each spelling of ``lang`` finds the page)."""
    site = project.site
    lines: list[str] = []
    names = [site.specialties.get(key, {}).get(lang, key) for key in protocol.specialties]
    if names:
        lines.append(f"specialty: {yaml_string(' · '.join(names))}")
    words = synonyms_for(f"{body.title}\n{body.text}", project.glossary, lang)
    if words:
        lines.append("synonyms: [" + ", ".join(yaml_string(w) for w in words) + "]")
    return lines
