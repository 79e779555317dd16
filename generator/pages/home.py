"""The home page of a language: search first, then what staff open most.

A prominent search box (the theme draws it: site_config/theme/main.html, for pages whose
front matter says ``home: true``), the dose calculators, the few protocols changed last
and the next reviews due, the index pages, and who publishes the site. Each list is
short (``HOME_LIMIT``) so the page stays the same size at thousands of protocols; the
index pages hold the rest.
"""

from __future__ import annotations

import html
from datetime import date

from ..sources.model import Project, Protocol, SiteConfig
from .collate import sort_key
from .formats import long_date
from .indexes import entry, escape_title, home_section, indexed
from .mdtext import yaml_string
from .paths import CALCULATORS_DIR, INDEX_DIR, PROTOCOLS_DIR, link

HOME_LIMIT = 5


def render_home(project: Project, protocols: list[Protocol], lang: str, today: date) -> str:
    site = project.site
    shown = indexed(protocols)
    parts = [
        "\n".join(["---", f"title: {yaml_string(site.site_name[lang])}", "home: true", "---"]),
        site.text("home_intro", lang),
        _calculators(project, lang),
        _recent(project, shown, lang),
        _reviews(project, shown, lang, today),
        home_section(project, lang),
        about_line(site, lang),
    ]
    return "\n\n".join(part for part in parts if part) + "\n"


def _calculators(project: Project, lang: str) -> str:
    specs = sorted(project.calculators.values(), key=lambda spec: sort_key(spec.title[lang]))
    if not specs:
        return ""
    lines = [_heading(project.site.text("home_calculators", lang), "calculators")]
    lines += [f"- [{escape_title(spec.title[lang])}]({link(None, CALCULATORS_DIR, spec.id)})"
              for spec in specs]
    return "\n".join(lines)


def _recent(project: Project, protocols: list[Protocol], lang: str) -> str:
    site = project.site
    changed = sorted(((max(e.date for e in p.changelog), p) for p in protocols if p.changelog),
                     key=lambda pair: (-pair[0].toordinal(), pair[1].id))[:HOME_LIMIT]
    if not changed:
        return ""
    lines = [_heading(site.text("home_recent", lang), "recent")]
    lines += [f"- {_link(project, p, lang)} ({_date(day, lang)})" for day, p in changed]
    lines.append(_more(site, lang, "recently-changed", "index_recent"))
    return "\n".join(lines)


def _reviews(project: Project, protocols: list[Protocol], lang: str, today: date) -> str:
    """The next reviews by date, overdue ones first (they have the earliest dates)."""
    site = project.site
    due = sorted((p for p in protocols if p.review_due), key=lambda p: (p.review_due, p.id))
    if not due:
        return ""
    lines = [_heading(site.text("home_reviews", lang), "reviews")]
    for protocol in due[:HOME_LIMIT]:
        day = protocol.review_due
        assert day is not None  # filtered above
        marker = f" ⚠ {site.text('review_overdue_title', lang)}" if day < today else ""
        lines.append(f"- {_link(project, protocol, lang)} ({_date(day, lang)}){marker}")
    lines.append(_more(site, lang, "reviews-overdue", "index_overdue"))
    return "\n".join(lines)


def about_line(site: SiteConfig, lang: str) -> str:
    """Who publishes the site and how to reach them, from site.yaml (or "not recorded")."""
    if site.organisation is None and site.contact is None:
        text = html.escape(site.text("about_unset", lang))
    else:
        missing = site.text("not_recorded", lang).lower()
        organisation = html.escape(site.organisation or missing)
        contact = contact_html(site, lang, site.contact_url)
        text = site.text("about_text", lang, organisation=organisation, contact=contact)
    return "\n".join([_heading(site.text("about_title", lang), "about"),
                      f'<p class="about-site">{text}</p>'])


def contact_html(site: SiteConfig, lang: str, url: str | None) -> str:
    """The contact as a link to ``url`` when it is a web address, else as escaped text."""
    if site.contact is None:
        return html.escape(site.text("not_recorded", lang).lower())
    if url is None:
        return f'<span class="contact">{html.escape(site.contact)}</span>'
    return f'<a class="contact" href="{html.escape(url)}">{html.escape(site.contact)}</a>'


def _heading(text: str, anchor: str) -> str:
    return f"## {text.replace('{', '').replace('#', '')} {{#{anchor}}}\n"


def _link(project: Project, protocol: Protocol, lang: str) -> str:
    item = entry(project, protocol, lang)
    lang_attr = "" if item.title_lang == lang else f'{{: lang="{item.title_lang}" }}'
    return f"[{escape_title(item.title)}]({link(None, PROTOCOLS_DIR, protocol.id)}){lang_attr}"


def _more(site: SiteConfig, lang: str, slug: str, title_key: str) -> str:
    return (f"\n[{site.text('home_all', lang)}: {site.text(title_key, lang)}]"
            f"({link(None, INDEX_DIR, slug)})")


def _date(day: date, lang: str) -> str:
    return long_date(day, lang)
