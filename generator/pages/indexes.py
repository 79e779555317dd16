"""Index pages, per language: A-Z, by specialty, by calculator, recently changed, reviews overdue.

The navigation lists these pages, not the protocols, so that a protocol page
stays the same size however many protocols the site holds; a reader reaches
any protocol in two clicks: home, then an index (and its letter or page). An
index longer than ``paging.PAGE_SIZE`` entries is split into pages, so neither
does an index page grow with the site. Retired protocols are left out: an index
is where staff look for what to follow.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ..sources.glossary import with_abbreviations
from ..sources.model import Body, PageKind, Project, Protocol, SiteConfig
from . import paths
from .collate import initial, sort_key
from .formats import language_name, long_date
from .paging import Entry as Line
from .paging import Listing, Section, first_pages, render_pages
from .select import choose_body

# How many protocols "recently changed" lists: enough for a month of changes,
# small enough that the page stays quick to scan at the bedside (and one page long).
RECENT_LIMIT = 50


@dataclass(frozen=True)
class IndexPage:
    slug: str
    title_key: str
    listing: Callable[[Project, list[Protocol], str, date], Listing]

    @property
    def path(self) -> str:
        """Path of its first page inside a language folder, as mkdocs-static-i18n's nav expects it."""
        return paths.in_language(paths.INDEX_DIR, self.slug)


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
        return site.text("status_not_translated", lang,
                         language=language_name(body.lang, lang))
    if protocol.translation_state(lang) == "outdated":
        return site.text("status_translation_outdated", lang)
    return site.text("status_translation_current", lang)


def indexed(protocols: list[Protocol]) -> list[Protocol]:
    return [p for p in protocols if p.status != "retired"]


def render_indexes(project: Project, protocols: list[Protocol], lang: str,
                   today: date) -> dict[str, str]:
    """Every page of every index of one language, keyed by path under ``content/``."""
    shown = indexed(protocols)
    files: dict[str, str] = {}
    for page in PAGES:
        listing = page.listing(project, shown, lang, today)
        base = paths.list_base(lang, paths.INDEX_DIR, page.slug)
        for path, text in render_pages(project.site, lang, base, listing).items():
            files[path] = with_abbreviations(text, project.glossary, lang)
    return files


def calculator_section(project: Project, protocols: list[Protocol], lang: str,
                       calc_id: str) -> tuple[str, str]:
    """Where the by-calculator index lists ``calc_id``: its page (of INDEX_DIR) and anchor."""
    listing = _by_calculator(project, indexed(protocols), lang, date.min)
    number = first_pages(listing.entries)[calc_id]
    return paths.page_name("by-calculator", number), calc_id


def home_section(project: Project, lang: str) -> str:
    """The list of index pages that the home page of a language opens with."""
    site = project.site
    lines = [f"## {site.text('browse', lang)} {{#browse}}", ""]
    lines += [f"- [{site.text(page.title_key, lang)}]({paths.link(None, paths.INDEX_DIR, page.slug)})"
              for page in PAGES]
    return "\n".join(lines)


def nav_entries(site: SiteConfig, lang: str) -> list[tuple[str, str]]:
    """``(title, path)`` of the navigation of a language: home and the index pages."""
    return [(site.text("home", lang), paths.in_language(None, paths.HOME)),
            *((site.text(page.title_key, lang), page.path) for page in PAGES)]


# --- the lists ------------------------------------------------------------------------------


def _a_to_z(project: Project, protocols: list[Protocol], lang: str, today: date) -> Listing:
    site = project.site
    rows: list[tuple[str, str]] = []  # (text the row sorts and files under, table row)
    for item in (entry(project, p, lang) for p in protocols):
        rows.append((item.title, _row(_link(item.title, item), item.status)))
        for alias in item.aliases:
            rows.append((alias, _row(_link(f"{alias} → {item.title}", item), item.status)))
    rows.sort(key=lambda row: sort_key(row[0]))
    header = tuple(_table_header(site.text("protocol", lang),
                                 site.text("translation_status", lang)))
    letters: dict[str, Section] = {}
    entries = []
    for text, row in rows:
        letter = initial(text)
        section = letters.setdefault(letter, Section(_letter_id(letter), letter, letter, header))
        entries.append(Line(section, text, row))
    return Listing(site.text("index_az", lang), site.text("index_az_intro", lang), entries,
                   site.text("index_empty", lang), jump="always")


def _by_specialty(project: Project, protocols: list[Protocol], lang: str,
                  today: date) -> Listing:
    site = project.site
    groups: dict[str, list[Protocol]] = {}
    for protocol in protocols:
        for specialty in protocol.specialties or ("",):
            groups.setdefault(specialty, []).append(protocol)
    names = {key: site.specialties.get(key, {}).get(lang, key) for key in groups if key}
    entries: list[Line] = []
    for key in sorted(names, key=lambda k: sort_key(names[k])):
        section = Section(key, names[key], _escape(names[key]))
        entries += _protocol_lines(project, groups[key], lang, section)
    if "" in groups:
        name = site.text("no_specialty", lang)
        entries += _protocol_lines(project, groups[""], lang, Section("no-specialty", name, name))
    return Listing(site.text("index_by_specialty", lang), None, entries,
                   site.text("index_empty", lang), jump="when-paged")


def _by_calculator(project: Project, protocols: list[Protocol], lang: str,
                   today: date) -> Listing:
    site = project.site
    groups: dict[str, list[Protocol]] = {calc_id: [] for calc_id in project.calculators}
    for protocol in protocols:
        for calculator in protocol.calculators:
            groups.setdefault(calculator, []).append(protocol)
    specs = project.calculators
    entries: list[Line] = []
    for calculator in sorted(groups, key=lambda c: sort_key(specs[c].title[lang])
                             if c in specs else sort_key(c)):
        name = specs[calculator].title[lang] if calculator in specs else calculator
        section = Section(calculator, name,
                          f"[{_escape(name)}]"
                          f"({paths.link(paths.INDEX_DIR, paths.CALCULATORS_DIR, calculator)})")
        used = _protocol_lines(project, groups[calculator], lang, section)
        entries += used or [Line(section, name, site.text("calculator_used_in_none", lang))]
    return Listing(site.text("index_by_calculator", lang), None, entries,
                   site.text("index_no_calculators", lang), jump="when-paged")


def _recently_changed(project: Project, protocols: list[Protocol], lang: str,
                      today: date) -> Listing:
    site = project.site
    latest = [(max(p.changelog, key=lambda e: e.date), p) for p in protocols if p.changelog]
    latest.sort(key=lambda pair: (-pair[0].date.toordinal(), pair[1].id))
    section = Section("changes", "", None, tuple(_table_header(
        site.text("changed_on", lang), site.text("protocol", lang), site.text("version", lang))))
    entries = []
    for change, protocol in latest[:RECENT_LIMIT]:
        item = entry(project, protocol, lang)
        entries.append(Line(section, item.title,
                            _row(_date(change.date, lang), _link(item.title, item),
                                 change.version)))
    return Listing(site.text("index_recent", lang),
                   site.text("index_recent_intro", lang, count=RECENT_LIMIT), entries,
                   site.text("index_empty", lang))


def _reviews_overdue(project: Project, protocols: list[Protocol], lang: str,
                     today: date) -> Listing:
    site = project.site
    overdue = sorted((p for p in protocols if p.review_due and p.review_due < today),
                     key=lambda p: (p.review_due, p.id))
    unknown = [p for p in protocols if p.review_due is None]
    entries: list[Line] = []
    if overdue:
        section = Section("overdue", "", None, tuple(_table_header(
            site.text("review_due", lang), site.text("protocol", lang), site.text("owner", lang))))
        for protocol in overdue:
            item = entry(project, protocol, lang)
            owner = protocol.owner or site.text("not_recorded", lang)
            entries.append(Line(section, item.title, _row(
                _date(protocol.review_due, lang),  # type: ignore[arg-type]
                _link(item.title, item), _escape(owner))))
    else:
        entries.append(Line(Section("overdue", "", None), "",
                            site.text("index_overdue_none", lang)))
    if unknown:
        name = site.text("review_date_not_recorded", lang)
        section = Section("review-date-not-recorded", name, name,
                          (site.text("review_date_not_recorded_intro", lang), ""))
        entries += _protocol_lines(project, unknown, lang, section)
    return Listing(site.text("index_overdue", lang),
                   site.text("index_overdue_intro", lang, date=_date(today, lang)), entries,
                   site.text("index_empty", lang))


PAGES: tuple[IndexPage, ...] = (
    IndexPage("a-z", "index_az", _a_to_z),
    IndexPage("by-specialty", "index_by_specialty", _by_specialty),
    IndexPage("by-calculator", "index_by_calculator", _by_calculator),
    IndexPage("recently-changed", "index_recent", _recently_changed),
    IndexPage("reviews-overdue", "index_overdue", _reviews_overdue),
)


# --- Markdown helpers ---------------------------------------------------------------------


def _protocol_lines(project: Project, protocols: list[Protocol], lang: str,
                    section: Section) -> list[Line]:
    items = sorted((entry(project, p, lang) for p in protocols),
                   key=lambda e: (sort_key(e.title), e.protocol.id))
    return [Line(section, item.title, f"- {_link(item.title, item)}") for item in items]


def _link(text: str, item: Entry) -> str:
    lang_attr = "" if item.title_lang == item.lang else f'{{: lang="{item.title_lang}" }}'
    href = paths.link(paths.INDEX_DIR, paths.PROTOCOLS_DIR, item.protocol.id)
    return f"[{_escape(text)}]({href}){lang_attr}"


def _table_header(*columns: str) -> list[str]:
    return ["| " + " | ".join(_escape(c) for c in columns) + " |",
            "|" + "---|" * len(columns)]


def _row(*cells: str) -> str:
    return "| " + " | ".join(cells) + " |"


def _letter_id(letter: str) -> str:
    return f"letter-{letter.lower()}" if letter != "#" else "letter-other"


def _date(value: date, lang: str) -> str:
    return long_date(value, lang)


def escape_title(text: str) -> str:
    """Escape what Markdown or a table would read as syntax in a title."""
    for char in "\\[]|*_`<":
        text = text.replace(char, "\\" + char)
    return text


_escape = escape_title
