"""A page per calculator and language (the widget, how it calculates, the protocols that
use it), the widget as protocol pages embed it, and the spec files both fetch.
"""

from __future__ import annotations

from ..calculators import CalculatorSpec, render_widget
from ..calculators.widget import spec_json, spec_path, spec_reference
from ..sources.model import Project, Protocol, SiteConfig
from . import paths
from .indexes import calculator_section
from .mdtext import heading_text, link_label, yaml_string
from .select import choose_body

# Like "Referenced by" (relations.py): beyond this many, the page links to the full list.
USED_IN_LIMIT = 20


def spec_files(project: Project) -> dict[str, str | bytes]:
    """Every calculator's spec in every language, as files of the site (``assets/``)."""
    return {spec_path(spec.id, lang): spec_json(spec, lang).encode("utf-8")
            for spec in project.calculators.values() for lang in project.site.codes}


def _spec_url(site: SiteConfig, spec: CalculatorSpec, lang: str) -> str:
    """The spec file as a protocol or calculator page fetches it: relative, so that it holds
    inside a release folder (``/RELEASE/``)."""
    return paths.folder_to_site_root(lang, site.default_language) + spec_reference(spec, lang)


def protocol_widget(project: Project, spec: CalculatorSpec, lang: str) -> str:
    """The widget on a protocol page: "How this is calculated" is a link to the calculator's page."""
    site = project.site
    details = paths.url_link(paths.PROTOCOLS_DIR, paths.CALCULATORS_DIR, spec.id)
    return render_widget(spec, lang, _spec_url(site, spec, lang),
                         details_url=details, defaults=site.calculator_defaults.get(lang))


def render_calculator_pages(project: Project, protocols: list[Protocol],
                            lang: str) -> dict[str, str]:
    return {paths.calculator_path(lang, spec.id): _page(project, spec, protocols, lang)
            for spec in project.calculators.values()}


def _page(project: Project, spec: CalculatorSpec, protocols: list[Protocol], lang: str) -> str:
    site = project.site
    title = spec.title[lang]
    users = sorted((p for p in protocols if spec.id in p.calculators),
                   key=lambda p: choose_body(p, lang, site.fallback_order)[0].title.casefold())
    lines = ["---", f"title: {yaml_string(title)}", "---", "",
             f"# {heading_text(title)} {{#top}}", ""]
    if spec.summary:
        lines += [spec.summary[lang], ""]
    widget = render_widget(spec, lang, _spec_url(site, spec, lang),
                           defaults=site.calculator_defaults.get(lang))
    lines += [widget, "",
              f"## {site.text('calculator_used_in', lang)} {{#used-in}}", ""]
    if not users:
        lines.append(site.text("calculator_used_in_none", lang))
    for protocol in users[:USED_IN_LIMIT]:
        body, _ = choose_body(protocol, lang, site.fallback_order)
        attr = "" if body.lang == lang else f'{{: lang="{body.lang}" }}'
        href = paths.link(paths.CALCULATORS_DIR, paths.PROTOCOLS_DIR, protocol.id)
        lines.append(f"- [{link_label(body.title)}]({href}){attr}")
    if len(users) > USED_IN_LIMIT:
        # The by-calculator index lists them all, split into pages as every index is.
        page, anchor = calculator_section(project, protocols, lang, spec.id)
        href = paths.link(paths.CALCULATORS_DIR, paths.INDEX_DIR, page)
        lines += ["", f"[{site.text('calculator_used_in_all', lang, count=len(users))}]"
                      f"({href}#{anchor})"]
    return "\n".join(lines) + "\n"
