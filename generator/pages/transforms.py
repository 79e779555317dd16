"""Stage 3: resolve the protocol syntax in a body into plain Markdown for one reader language.

The rules run in order over every line outside code (fenced blocks and code
spans), so a literal ``[[id]]`` inside backticks stays as written. Each rule
knows the source line it works on; an unknown target is an error at that line,
never a dead link.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..sources.model import Body, Project, Protocol, Reference
from ..sources.problems import Problems
from ..sources.prose import body_lines
from .select import choose_body

CALC_LINE = re.compile(r"^\s*\[\[calc:([^\]|#]*)\]\]\s*$")
CALC_ANY = re.compile(r"\[\[calc:")
LINK = re.compile(r"\[\[([^\[\]|#]+)(?:#([^\[\]|]+))?(?:\|([^\[\]]+))?\]\]")
CITATION = re.compile(r"\[@([^\]\s]+)\]")
CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")

CalcRenderer = Callable[[str, str], str]
"""``(calculator_id, lang) -> HTML`` of the widget."""


@dataclass
class Context:
    project: Project
    protocol: Protocol
    body: Body
    lang: str
    problems: Problems
    calculators: set[str]
    render_calc: CalcRenderer | None = None
    citations: dict[str, int] = field(default_factory=dict)
    links: set[str] = field(default_factory=set)

    def error(self, line: int, message: str, hint: str | None = None) -> None:
        self.problems.error(self.body.path, line, message, hint)


def resolve(ctx: Context) -> str:
    """Return the body's Markdown with links, citations and widgets resolved."""
    return "\n".join(line if code else _resolve_line(line, number, ctx)
                     for number, line, code in body_lines(ctx.body))


def _resolve_line(line: str, number: int, ctx: Context) -> str:
    calc = CALC_LINE.match(line)
    if calc:
        return _calculator(calc.group(1).strip(), number, ctx)
    return _outside_code(line, lambda text: _inline(text, number, ctx))


def _outside_code(line: str, rewrite: Callable[[str], str]) -> str:
    parts: list[str] = []
    position = 0
    for span in CODE_SPAN.finditer(line):
        parts.append(rewrite(line[position:span.start()]))
        parts.append(span.group(0))
        position = span.end()
    parts.append(rewrite(line[position:]))
    return "".join(parts)


def _inline(text: str, number: int, ctx: Context) -> str:
    for _name, rule in RULES:
        text = rule(text, number, ctx)
    return text


def _calc_inline(text: str, number: int, ctx: Context) -> str:
    if CALC_ANY.search(text):
        ctx.error(number, "a calculator must stand on a line of its own",
                  "put [[calc:id]] alone on its line, with blank lines around it")
    return text


def _links(text: str, number: int, ctx: Context) -> str:
    def replace(match: re.Match[str]) -> str:
        target_id = match.group(1).strip()
        anchor = (match.group(2) or "").strip()
        label = (match.group(3) or "").strip()
        target = ctx.project.protocols.get(target_id)
        if target is None:
            ctx.error(number, f"link to unknown protocol '{target_id}'")
            return match.group(0)
        shown, _ = choose_body(target, ctx.lang, ctx.project.site.fallback_order)
        if anchor:
            heading = next((h for h in target.original.headings if h.id == anchor), None)
            if heading is None:
                ctx.error(number, f"link to unknown heading '{anchor}' in protocol '{target_id}'",
                          f"headings of {target_id}: "
                          + ", ".join(h.id for h in target.original.headings))
                return match.group(0)
            if not label:
                section = next((h.text for h in shown.headings if h.id == anchor), heading.text)
                label = f"{shown.title}: {section}"
        ctx.links.add(target_id)
        href = f"{target_id}.md" if target_id != ctx.protocol.id else ""
        if anchor:
            href += f"#{anchor}"
        return f"[{_escape_label(label or shown.title)}]({href or '#'})"

    return LINK.sub(replace, text)


def _citations(text: str, number: int, ctx: Context) -> str:
    references = {ref.key: ref for ref in ctx.protocol.references}

    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in references:
            ctx.error(number, f"citation of unknown reference '{key}'",
                      "declare it under 'references' in protocol.yaml")
            return match.group(0)
        index = ctx.citations.setdefault(key, len(ctx.citations) + 1)
        return f'<sup class="citation"><a href="#cite-{key}">[{index}]</a></sup>'

    return CITATION.sub(replace, text)


def _escape_label(label: str) -> str:
    return re.sub(r"([\[\]\\*_`])", r"\\\1", label)


def _calculator(calc_id: str, number: int, ctx: Context) -> str:
    if calc_id not in ctx.calculators:
        known = ", ".join(sorted(ctx.calculators)) or "none"
        ctx.error(number, f"unknown calculator '{calc_id}'", f"known calculators: {known}")
        return ""
    if calc_id not in ctx.protocol.calculators:
        ctx.error(number, f"calculator '{calc_id}' is embedded but not listed in protocol.yaml",
                  "add it to 'calculators' so indexes can find it")
    return ctx.render_calc(calc_id, ctx.lang) if ctx.render_calc else ""


RULES: tuple[tuple[str, Callable[[str, int, Context], str]], ...] = (
    ("calculator-inline", _calc_inline),
    ("links", _links),
    ("citations", _citations),
)


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
