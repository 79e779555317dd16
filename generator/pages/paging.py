"""Long lists split into pages of at most ``PAGE_SIZE`` entries, so no page grows with the site.

A list is a sequence of :class:`Entry` lines in reading order, each under a
:class:`Section` (a letter of the A-Z, a specialty...). A section that runs on to
the next page is headed there again, with the same anchor, so a link to
``page#section`` always lands on a heading. Every page of a list that needs more
than one says which page it is, links to the previous and the next page, and ends
with the list of all pages, each named by its first and last entry (as a
dictionary prints them at the top of each page). A list that fits on one page is
shown exactly as it was before paging existed: no page navigation at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..sources.model import SiteConfig
from .mdtext import markdown_text, yaml_string
from .paths import page_file

# Entries per page. A row of an index is 100-400 bytes of HTML (a long title with an
# alias and a translation status); the theme's own page is about 16 KB. 100 rows keep
# a page well under the 40 KB budget (issue 6) and still fit a letter of a big site.
PAGE_SIZE = 100


@dataclass(frozen=True)
class Section:
    """A heading and what comes under it before the entries (an intro, a table header)."""

    anchor: str
    name: str  # plain text: what the jump links show
    heading: str | None = None  # Markdown heading text; None: no heading
    before: tuple[str, ...] = ()


@dataclass(frozen=True)
class Entry:
    section: Section
    label: str  # plain text naming the entry in the list of pages
    markdown: str  # one line: a list item, a table row or a sentence


@dataclass(frozen=True)
class Listing:
    """One list as its pages show it."""

    title: str
    intro: str | None
    entries: list[Entry]
    empty: str  # said instead of the entries when there are none
    # Jump links to each section's first page: always, only when paged, or never.
    jump: str = "never"
    epilogue: list[str] = field(default_factory=list)  # lines after the entries, on every page


def chunks(entries: list[Entry]) -> list[list[Entry]]:
    return [entries[i:i + PAGE_SIZE] for i in range(0, len(entries), PAGE_SIZE)] or [[]]


def first_pages(entries: list[Entry]) -> dict[str, int]:
    """The page each section starts on."""
    pages: dict[str, int] = {}
    for number, chunk in enumerate(chunks(entries), 1):
        for item in chunk:
            pages.setdefault(item.section.anchor, number)
    return pages


def render_pages(site: SiteConfig, lang: str, base: str, listing: Listing,
                 head: list[str] | None = None) -> dict[str, str]:
    """Every page of ``listing``, keyed by ``page_file(base, n)``; ``base`` is folder/name.

    ``head`` replaces the usual heading and intro (a page with its own opening lines).
    """
    pages = chunks(listing.entries)
    name = base.rsplit("/", 1)[-1]
    starts = first_pages(listing.entries)
    result: dict[str, str] = {}
    for number, chunk in enumerate(pages, 1):
        title = listing.title if len(pages) == 1 else site.text(
            "page_title", lang, title=listing.title, page=number, count=len(pages))
        lines = ["---", f"title: {yaml_string(title)}", "---", ""]
        lines += head if head is not None else [f"# {markdown_text(title)}", ""]
        if head is None and listing.intro:
            lines += [listing.intro, ""]
        if listing.jump == "always" or (listing.jump == "when-paged" and len(pages) > 1):
            lines += [_jump_links(listing.entries, starts, name, number), ""]
        if len(pages) > 1:
            lines += [_where(site, lang, name, pages, number), ""]
        if not listing.entries:
            lines += [listing.empty, ""]
        lines += _body(chunk)
        lines += listing.epilogue
        if len(pages) > 1:
            lines += [" · ".join(_previous_next(site, lang, name, pages, number)), "",
                      f"## {site.text('pages', lang)} {{#pages}}", "",
                      *_page_list(site, lang, name, pages, number), ""]
        result[page_file(base, number)] = "\n".join(lines).rstrip("\n") + "\n"
    return result


def _body(chunk: list[Entry]) -> list[str]:
    lines: list[str] = []
    current: Section | None = None
    for item in chunk:
        if item.section != current:
            if current is not None:
                lines.append("")
            current = item.section
            if current.heading is not None:
                lines += [f"## {current.heading} {{#{current.anchor}}}", ""]
            lines += current.before
        lines.append(item.markdown)
    return lines + [""] if lines else lines


def _link(name: str, number: int, here: int, anchor: str = "") -> str:
    if number == here:
        return f"#{anchor}" if anchor else "#"
    return page_file(name, number) + (f"#{anchor}" if anchor else "")


def _jump_links(entries: list[Entry], starts: dict[str, int], name: str, here: int) -> str:
    sections: dict[str, str] = {}
    for item in entries:
        sections.setdefault(item.section.anchor, item.section.name)
    return " · ".join(f"[{markdown_text(label)}]({_link(name, starts[anchor], here, anchor)})"
                      for anchor, label in sections.items())


def _range(chunk: list[Entry]) -> str:
    first, last = chunk[0].label, chunk[-1].label
    return first if first == last else f"{first} – {last}"


def _where(site: SiteConfig, lang: str, name: str, pages: list[list[Entry]], here: int) -> str:
    where = site.text("page_of", lang, page=here, count=len(pages))
    return " · ".join([f"**{where}:** {markdown_text(_range(pages[here - 1]))}",
                       *_previous_next(site, lang, name, pages, here),
                       f"[{site.text('pages_all', lang)}](#pages)"])


def _previous_next(site: SiteConfig, lang: str, name: str, pages: list[list[Entry]],
                   here: int) -> list[str]:
    links = []
    if here > 1:
        links.append(f"[← {site.text('page_previous', lang)}]({page_file(name, here - 1)})")
    if here < len(pages):
        links.append(f"[{site.text('page_next', lang)} →]({page_file(name, here + 1)})")
    return links


def _page_list(site: SiteConfig, lang: str, name: str, pages: list[list[Entry]],
               here: int) -> list[str]:
    lines = []
    for number, chunk in enumerate(pages, 1):
        label = markdown_text(_range(chunk))
        if number == here:
            lines.append(f"{number}. **{label}** ({site.text('this_page', lang).lower()})")
        else:
            lines.append(f"{number}. [{label}]({page_file(name, number)})")
    return lines
