"""The "Related protocols" and "Referenced by" sections of a protocol page.

Both list other protocols by their title in the reader's language (or the
fallback the reader is shown), so a link reads the same as the page it opens.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..sources.model import Project, Protocol
from .collate import sort_key
from .graph import LinkGraph
from .mdtext import link_label
from .paging import Entry, Listing, Section, render_pages
from .paths import PROTOCOLS_DIR, REFERENCED_BY_DIR, link, list_base
from .select import choose_body

# A protocol that many others link to (a hub such as a sepsis protocol) would
# otherwise carry a list that grows with the site; beyond this many referrers the
# page shows the first ones and links to a page that lists them all.
REFERENCED_BY_LIMIT = 20


def relations_markdown(project: Project, graph: LinkGraph, protocol: Protocol, lang: str) -> str:
    """Both sections; a section with nothing to list is left out rather than shown empty.

    Only protocols of the graph (the pages being built) are listed: a link to a
    page that is not built would be a dead link.
    """
    site = project.site
    related = [pid for pid in protocol.related if graph.has(pid)]
    referenced = _entries(project, graph.referenced_by(protocol.id), lang)
    parts = []
    if related:
        parts.append(_section(site.text("related_protocols", lang), "related-protocols",
                              _entries(project, related, lang), lang))
    if referenced:
        section = _section(site.text("referenced_by", lang), "referenced-by",
                           referenced[:REFERENCED_BY_LIMIT], lang)
        if len(referenced) > REFERENCED_BY_LIMIT:
            more = site.text("referenced_by_all", lang, count=len(referenced))
            section += f"\n\n[{more}]({link(PROTOCOLS_DIR, REFERENCED_BY_DIR, protocol.id)})"
        parts.append(section)
    return "\n\n".join(parts)


def referenced_by_pages(project: Project, graph: LinkGraph, lang: str) -> dict[str, str]:
    """The full "Referenced by" list of each protocol with more referrers than its page shows.

    Split into pages like an index (generator/pages/paging.py): a hub that every protocol
    links to would otherwise list the whole site on one page.
    """
    pages: dict[str, str] = {}
    for protocol_id in graph.outgoing:
        referrers = graph.referenced_by(protocol_id)
        if len(referrers) <= REFERENCED_BY_LIMIT:
            continue
        title, _ = _title(project, protocol_id, lang)
        heading = project.site.text("referenced_by_title", lang, title=title)
        section = Section("referrers", "")
        listed = _entries(project, referrers, lang)
        entries = [Entry(section, shown_title, line) for (shown_title, _, _), line in
                   zip(listed, _items(listed, lang, REFERENCED_BY_DIR), strict=True)]
        listing = Listing(heading, None, entries, "")
        head = [f"# {link_label(heading)}", "",
                f"[{link_label(title)}]({link(REFERENCED_BY_DIR, PROTOCOLS_DIR, protocol_id)})", ""]
        pages.update(render_pages(project.site, lang,
                                  list_base(lang, REFERENCED_BY_DIR, protocol_id), listing,
                                  head=head))
    return pages


def _entries(project: Project, ids: Iterable[str], lang: str) -> list[tuple[str, str, str]]:
    """``(title, title language, id)`` sorted by title as the reader sees it."""
    return sorted((_title(project, pid, lang) + (pid,) for pid in ids),
                  key=lambda entry: (sort_key(entry[0]), entry[2]))


def _section(heading: str, anchor: str, entries: list[tuple[str, str, str]], lang: str) -> str:
    return "\n".join([f"## {heading} {{#{anchor}}}", "",
                      *_items(entries, lang, PROTOCOLS_DIR)])


def _items(entries: list[tuple[str, str, str]], lang: str, here: str) -> list[str]:
    """List items linking to the protocols, from a page of folder ``here``."""
    return [f"- [{link_label(title)}]({link(here, PROTOCOLS_DIR, pid)}){_lang_attr(shown, lang)}"
            for title, shown, pid in entries]


def _title(project: Project, protocol_id: str, lang: str) -> tuple[str, str]:
    """The title the reader will see on that page, and the language it is in."""
    body, _ = choose_body(project.protocols[protocol_id], lang, project.site.fallback_order)
    return body.title, body.lang


def _lang_attr(shown: str, reader: str) -> str:
    # A fallback title is in another language: say so, for screen readers.
    return "" if shown == reader else f'{{: lang="{shown}" }}'
