"""Index pages, per language: A-Z, by specialty, by calculator, recently changed, reviews overdue.

The navigation lists these pages, not the protocols, so that a protocol page
stays the same size however many protocols the site holds; a reader reaches
any protocol in two clicks: home, then an index. Retired protocols are left
out: an index is where staff look for what to follow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

from .collate import initial, sort_key
from .glossary import with_abbreviations
from .mdtext import yaml_string
from .model import Body, PageKind, Project, Protocol, SiteConfig
from .select import choose_body

INDEX_DIR = "indexes"
# How many protocols "recently changed" lists: enough for a month of changes,
# small enough that the page stays quick to scan at the bedside.
RECENT_LIMIT = 50


@dataclass(frozen=True)
class IndexPage:
    slug: str
    title_key: str
    render: Callable[[Project, list[Protocol], str, date], str]

    @property
    def path(self) -> str:
        """Path inside a language folder, as mkdocs-static-i18n's nav expects it."""
        return f"{INDEX_DIR}/{self.slug}.md"


@dataclass(frozen=True)
class Entry:
    """One protocol as a reader of a language sees it: its shown title and translation status."""

    protocol: Protocol
    lang: str
    title: str
    title_lang: str
    aliases: tuple[str, ...]
    status: str


def entry(project: Project, protocol: Protocol, lang: str) -> Entry:
    body, kind = choose_body(protocol, lang, project.site.fallback_order)
    return Entry(protocol, lang, body.title, body.lang, body.aliases,
                 translation_status(project, protocol, lang, body, kind))


def translation_status(project: Project, protocol: Protocol, lang: str, body: Body,
                       kind: PageKind) -> str:
    """Original, translation up to date, translation outdated, or not translated."""
    site = project.site
    if kind == "original":
        return site.text("status_original", lang)
    if kind == "fallback":
        from .render import language_name  # render imports this module; import when used
        return site.text("status_not_translated", lang,
                         language=language_name(body.lang, lang))
    if protocol.translation_state(lang) == "outdated":
        return site.text("status_translation_outdated", lang)
    return site.text("status_translation_current", lang)


def indexed(protocols: list[Protocol]) -> list[Protocol]:
    return [p for p in protocols if p.status != "retired"]


def render_indexes(project: Project, protocols: list[Protocol], lang: str,
                   today: date) -> dict[str, str]:
    """Every index page of one language, keyed by path under ``content/``."""
    shown = indexed(protocols)
    return {f"{lang}/{page.path}": with_abbreviations(page.render(project, shown, lang, today),
                                                      project.glossary, lang)
            for page in PAGES}


def home_section(project: Project, lang: str) -> str:
    """The list of index pages that the home page of a language opens with."""
    site = project.site
    lines = [f"## {site.text('browse', lang)} {{#browse}}", ""]
    lines += [f"- [{site.text(page.title_key, lang)}]({page.path})" for page in PAGES]
    return "\n".join(lines)


def nav_entries(site: SiteConfig, lang: str) -> list[tuple[str, str]]:
    """``(title, path)`` of the navigation of a language: home and the index pages."""
    return [(site.text("home", lang), "index.md"),
            *((site.text(page.title_key, lang), page.path) for page in PAGES)]


# --- the pages ---------------------------------------------------------------------------


def _a_to_z(project: Project, protocols: list[Protocol], lang: str, today: date) -> str:
    site = project.site
    rows: list[tuple[str, str]] = []  # (text the row sorts and files under, table row)
    for item in (entry(project, p, lang) for p in protocols):
        rows.append((item.title, _row(_link(item.title, item), item.status)))
        for alias in item.aliases:
            rows.append((alias, _row(_link(f"{alias} → {item.title}", item), item.status)))
    rows.sort(key=lambda row: sort_key(row[0]))
    letters: dict[str, list[str]] = {}
    for text, row in rows:
        letters.setdefault(initial(text), []).append(row)
    lines = _page_head(site.text("index_az", lang), site.text("index_az_intro", lang))
    if not rows:
        return "\n".join(lines + [site.text("index_empty", lang)]) + "\n"
    lines += [" · ".join(f"[{letter}](#{_letter_id(letter)})" for letter in letters), ""]
    header = _table_header(site.text("protocol", lang), site.text("translation_status", lang))
    for letter, letter_rows in letters.items():
        lines += [f"## {letter} {{#{_letter_id(letter)}}}", "", *header, *letter_rows, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _by_specialty(project: Project, protocols: list[Protocol], lang: str, today: date) -> str:
    site = project.site
    lines = _page_head(site.text("index_by_specialty", lang))
    groups: dict[str, list[Protocol]] = {}
    for protocol in protocols:
        for specialty in protocol.specialties or ("",):
            groups.setdefault(specialty, []).append(protocol)
    names = {key: site.specialties.get(key, {}).get(lang, key) for key in groups if key}
    for key in sorted(names, key=lambda k: sort_key(names[k])):
        lines += [f"## {_escape(names[key])} {{#{key}}}", "",
                  *_protocol_list(project, groups[key], lang), ""]
    if "" in groups:
        lines += [f"## {site.text('no_specialty', lang)} {{#no-specialty}}", "",
                  *_protocol_list(project, groups[""], lang), ""]
    if not groups:
        lines.append(site.text("index_empty", lang))
    return "\n".join(lines).rstrip("\n") + "\n"


def _by_calculator(project: Project, protocols: list[Protocol], lang: str, today: date) -> str:
    site = project.site
    lines = _page_head(site.text("index_by_calculator", lang))
    groups: dict[str, list[Protocol]] = {calc_id: [] for calc_id in project.calculators}
    for protocol in protocols:
        for calculator in protocol.calculators:
            groups.setdefault(calculator, []).append(protocol)
    if not groups:
        lines.append(site.text("index_no_calculators", lang))
    specs = project.calculators
    for calculator in sorted(groups, key=lambda c: sort_key(specs[c].title[lang])
                             if c in specs else sort_key(c)):
        title = _escape(specs[calculator].title[lang]) if calculator in specs else calculator
        lines += [f"## [{title}](../calculators/{calculator}.md) {{#{calculator}}}", ""]
        used = _protocol_list(project, groups[calculator], lang)
        lines += [*(used or [site.text("calculator_used_in_none", lang)]), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _recently_changed(project: Project, protocols: list[Protocol], lang: str,
                      today: date) -> str:
    site = project.site
    latest = [(max(p.changelog, key=lambda e: e.date), p) for p in protocols if p.changelog]
    latest.sort(key=lambda pair: (-pair[0].date.toordinal(), pair[1].id))
    lines = _page_head(site.text("index_recent", lang),
                       site.text("index_recent_intro", lang, count=RECENT_LIMIT))
    if not latest:
        return "\n".join(lines + [site.text("index_empty", lang)]) + "\n"
    lines += _table_header(site.text("changed_on", lang), site.text("protocol", lang),
                           site.text("version", lang))
    for change, protocol in latest[:RECENT_LIMIT]:
        item = entry(project, protocol, lang)
        lines.append(_row(_date(change.date, lang), _link(item.title, item), change.version))
    return "\n".join(lines) + "\n"


def _reviews_overdue(project: Project, protocols: list[Protocol], lang: str, today: date) -> str:
    site = project.site
    overdue = sorted((p for p in protocols if p.review_due and p.review_due < today),
                     key=lambda p: (p.review_due, p.id))
    unknown = [p for p in protocols if p.review_due is None]
    lines = _page_head(site.text("index_overdue", lang),
                       site.text("index_overdue_intro", lang, date=_date(today, lang)))
    if overdue:
        lines += _table_header(site.text("review_due", lang), site.text("protocol", lang),
                               site.text("owner", lang))
        for protocol in overdue:
            item = entry(project, protocol, lang)
            owner = protocol.owner or site.text("not_recorded", lang)
            lines.append(_row(_date(protocol.review_due, lang),  # type: ignore[arg-type]
                              _link(item.title, item), _escape(owner)))
    else:
        lines.append(site.text("index_overdue_none", lang))
    if unknown:
        lines += ["", (f"## {site.text('review_date_not_recorded', lang)} "
                  "{#review-date-not-recorded}"), "",
                  site.text("review_date_not_recorded_intro", lang), "",
                  *_protocol_list(project, unknown, lang)]
    return "\n".join(lines) + "\n"


PAGES: tuple[IndexPage, ...] = (
    IndexPage("a-z", "index_az", _a_to_z),
    IndexPage("by-specialty", "index_by_specialty", _by_specialty),
    IndexPage("by-calculator", "index_by_calculator", _by_calculator),
    IndexPage("recently-changed", "index_recent", _recently_changed),
    IndexPage("reviews-overdue", "index_overdue", _reviews_overdue),
)


# --- Markdown helpers ---------------------------------------------------------------------


def _page_head(title: str, intro: str | None = None) -> list[str]:
    lines = ["---", f"title: {yaml_string(title)}", "---", "", f"# {_escape(title)}", ""]
    return lines + ([intro, ""] if intro else [])


def _protocol_list(project: Project, protocols: list[Protocol], lang: str) -> list[str]:
    items = sorted((entry(project, p, lang) for p in protocols),
                   key=lambda e: (sort_key(e.title), e.protocol.id))
    return [f"- {_link(item.title, item)}" for item in items]


def _link(text: str, item: Entry) -> str:
    # Index pages live in <lang>/indexes/, protocol pages in <lang>/protocols/.
    lang_attr = "" if item.title_lang == item.lang else f'{{: lang="{item.title_lang}" }}'
    return f"[{_escape(text)}](../protocols/{item.protocol.id}.md){lang_attr}"


def _table_header(*columns: str) -> list[str]:
    return ["| " + " | ".join(_escape(c) for c in columns) + " |",
            "|" + "---|" * len(columns)]


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _letter_id(letter: str) -> str:
    return f"letter-{letter.lower()}" if letter != "#" else "letter-other"


def _date(value: date, lang: str) -> str:
    return format_date(value, format="long", locale=lang)


def _escape(text: str) -> str:
    """Escape what Markdown or a table would read as syntax in a title."""
    for char in "\\[]|*_`<":
        text = text.replace(char, "\\" + char)
    return text
