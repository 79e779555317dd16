"""Stage 3: a body's protocol syntax as plain Markdown for one reader language.

The body was parsed once (:attr:`Body.syntax`, language-neutral) and checked once
(``checks/links.py``); here each link gets the target's title in the reader's language,
each citation its number, each widget line its widget. What the check reported as
unknown is left as written: such a body never reaches a built page.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..sources.model import Body, Project, Protocol, Reference
from ..sources.syntax import Citation, Line, Link, Prose
from . import paths
from .select import choose_body

CalcRenderer = Callable[[str, str], str]
"""``(calculator_id, lang) -> HTML`` of the widget."""


@dataclass
class Context:
    project: Project
    protocol: Protocol
    lang: str
    calculators: frozenset[str]
    render_calc: CalcRenderer | None = None
    citations: dict[str, int] = field(default_factory=dict)


def resolve(ctx: Context, body: Body) -> str:
    """The body's Markdown with links, citations and widgets filled in."""
    references = {ref.key for ref in ctx.protocol.references}
    return "\n".join(line if isinstance(line, str) else _line(line, ctx, references)
                     for line in body.syntax.lines)


def _line(line: Line, ctx: Context, references: set[str]) -> str:
    if line.calc is not None:
        if ctx.render_calc is None or line.calc not in ctx.calculators:
            return ""
        return ctx.render_calc(line.calc, ctx.lang)
    return "".join(part if isinstance(part, str) else _prose(part, ctx, references)
                   for part in line.parts)


def _prose(prose: Prose, ctx: Context, references: set[str]) -> str:
    out = []
    for piece in prose.pieces:
        if isinstance(piece, str):
            out.append(piece)
        elif isinstance(piece, Link):
            out.append(_link(piece, ctx))
        else:
            out.append(_citation(piece, ctx, references))
    return "".join(out)


def _link(link: Link, ctx: Context) -> str:
    target = ctx.project.protocols.get(link.target)
    if target is None:
        return link.raw
    heading = next((h for h in target.original.headings if h.id == link.anchor), None)
    if link.anchor and heading is None:
        return link.raw
    shown, _ = choose_body(target, ctx.lang, ctx.project.site.fallback_order)
    label = link.label
    if heading is not None and not label:
        section = next((h.text for h in shown.headings if h.id == link.anchor), heading.text)
        label = f"{shown.title}: {section}"
    # A protocol page links to another protocol page; to itself only by its anchor.
    href = paths.link(paths.PROTOCOLS_DIR, paths.PROTOCOLS_DIR, link.target) \
        if link.target != ctx.protocol.id else ""
    if link.anchor:
        href += f"#{link.anchor}"
    return f"[{_escape_label(label or shown.title)}]({href or '#'})"


def _citation(citation: Citation, ctx: Context, references: set[str]) -> str:
    if citation.key not in references:
        return citation.raw
    index = ctx.citations.setdefault(citation.key, len(ctx.citations) + 1)
    return f'<sup class="citation"><a href="#cite-{citation.key}">[{index}]</a></sup>'


def _escape_label(label: str) -> str:
    return re.sub(r"([\[\]\\*_`])", r"\\\1", label)


def reference_list(ctx: Context, heading: str, missing_text: str) -> str:
    """The numbered references of the page: cited ones first, in order of citation."""
    declared = ctx.protocol.references
    if not declared:
        return ""
    # Cited references keep their citation numbers; the others follow in declared order.
    position = {ref.key: len(ctx.citations) + i for i, ref in enumerate(declared)}
    ordered = sorted(declared, key=lambda ref: ctx.citations.get(ref.key, position[ref.key]))
    items = [_reference_item(ref, missing_text) for ref in ordered]
    return (f"## {heading} {{#references}}\n\n<ol class=\"references\">\n"
            + "\n".join(items) + "\n</ol>\n")


def _reference_item(ref: Reference, missing_text: str) -> str:
    text = html.escape(ref.text) if ref.text else \
        f'<span class="reference-missing">{html.escape(missing_text.format(key=ref.key))}</span>'
    links = []
    if ref.pmid:
        links.append(f'<a href="https://pubmed.ncbi.nlm.nih.gov/{html.escape(ref.pmid)}/">'
                     f"PMID {html.escape(ref.pmid)}</a>")
    if ref.doi:
        links.append(f'<a href="https://doi.org/{html.escape(ref.doi)}">doi:{html.escape(ref.doi)}</a>')
    if ref.url:
        links.append(f'<a href="{html.escape(ref.url)}">{html.escape(ref.url)}</a>')
    tail = (" " + " · ".join(links)) if links else ""
    return f'<li id="cite-{html.escape(ref.key)}">{text}{tail}</li>'
