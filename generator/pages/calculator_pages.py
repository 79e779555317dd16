"""A page per calculator and language (the widget, how it calculates, the protocols that
use it), the widget as protocol pages embed it, and the spec files both fetch.
"""

from __future__ import annotations

from ..calculators import CalculatorSpec, render_widget
from ..calculators.widget import spec_json, spec_path, spec_reference
from ..sources.model import Project, Protocol, SiteConfig
from .indexes import INDEX_DIR, calculator_section
from .mdtext import heading_text, link_label, yaml_string
from .select import choose_body

# Like "Referenced by" (relations.py): beyond this many, the page links to the full list.
USED_IN_LIMIT = 20


def calculator_page_path(lang: str, calc_id: str) -> str:
    return f"{lang}/calculators/{calc_id}.md"


def spec_files(project: Project) -> dict[str, str | bytes]:
    """Every calculator's spec in every language, as files of the site (``assets/``)."""
    return {spec_path(spec.id, lang): spec_json(spec, lang).encode("utf-8")
            for spec in project.calculators.values() for lang in project.site.codes}


def _to_site_root(site: SiteConfig, lang: str) -> str:
    """From a page ``<lang>/<folder>/<name>.md`` (protocols, calculators) to the site root.

    With directory URLs such a page is served at ``<name>/`` two folders below its
    language's root, which is the site root for the default language and ``<lang>/``
    for the others. Relative, so the links hold inside a release folder (``/RELEASE/``).
    """
    return "../../" if lang == site.default_language else "../../../"


def protocol_widget(project: Project, spec: CalculatorSpec, lang: str) -> str:
    """The widget on a protocol page: "How this is calculated" is a link to the calculator's page."""
    return render_widget(spec, lang, _to_site_root(project.site, lang) + spec_reference(spec, lang),
                         details_url=f"../../calculators/{spec.id}/",
                         defaults=project.site.calculator_defaults.get(lang))


def render_calculator_pages(project: Project, protocols: list[Protocol],
                            lang: str) -> dict[str, str]:
    return {calculator_page_path(lang, spec.id): _page(project, spec, protocols, lang)
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
    widget = render_widget(spec, lang, _to_site_root(site, lang) + spec_reference(spec, lang),
                           defaults=site.calculator_defaults.get(lang))
    lines += [widget, "",
              f"## {site.text('calculator_used_in', lang)} {{#used-in}}", ""]
    if not users:
        lines.append(site.text("calculator_used_in_none", lang))
    for protocol in users[:USED_IN_LIMIT]:
        body, _ = choose_body(protocol, lang, site.fallback_order)
        attr = "" if body.lang == lang else f'{{: lang="{body.lang}" }}'
        lines.append(f"- [{link_label(body.title)}](../protocols/{protocol.id}.md){attr}")
    if len(users) > USED_IN_LIMIT:
        # The by-calculator index lists them all, split into pages as every index is.
        where = calculator_section(project, protocols, lang, spec.id)
        lines += ["", f"[{site.text('calculator_used_in_all', lang, count=len(users))}]"
                      f"(../{INDEX_DIR}/{where})"]
    return "\n".join(lines) + "\n"
