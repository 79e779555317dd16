"""A page per calculator and language: the widget, its status and the protocols that use it."""

from __future__ import annotations

from .calculators import CalculatorSpec, render_widget
from .mdtext import link_label, yaml_string
from .model import Project, Protocol
from .select import choose_body


def calculator_page_path(lang: str, calc_id: str) -> str:
    return f"{lang}/calculators/{calc_id}.md"


def render_calculator_pages(project: Project, protocols: list[Protocol],
                            lang: str) -> dict[str, str]:
    return {calculator_page_path(lang, spec.id): _page(project, spec, protocols, lang)
            for spec in project.calculators.values()}


def _page(project: Project, spec: CalculatorSpec, protocols: list[Protocol], lang: str) -> str:
    site = project.site
    title = spec.title[lang]
    users = [p for p in protocols if spec.id in p.calculators]
    lines = ["---", f"title: {yaml_string(title)}", "---", "",
             f"# {title} {{#top}}", ""]
    if spec.summary:
        lines += [spec.summary[lang], ""]
    lines += [render_widget(spec, lang), "",
              f"## {site.text('calculator_used_in', lang)} {{#used-in}}", ""]
    if not users:
        lines.append(site.text("calculator_used_in_none", lang))
    for protocol in sorted(users, key=lambda p: choose_body(p, lang, site.fallback_order)[0]
                           .title.casefold()):
        body, _ = choose_body(protocol, lang, site.fallback_order)
        attr = "" if body.lang == lang else f'{{: lang="{body.lang}" }}'
        lines.append(f"- [{link_label(body.title)}](../protocols/{protocol.id}.md){attr}")
    return "\n".join(lines) + "\n"

