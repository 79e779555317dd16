"""Stage 4: render each language into the Markdown files of ``content/``.

Pure functions from the project to ``{relative path: text}``; nothing here
touches the disk. The layout is mkdocs-static-i18n's documented ``folder``
structure: ``<lang>/index.md`` and ``<lang>/protocols/<id>.md`` per language (pages/paths.py).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from ..sources.drift import INTRO, Drift
from ..sources.glossary import with_abbreviations
from ..sources.load import HEADING, HEADING_ID
from ..sources.model import (
    PUBLISHED_STATUSES,
    Body,
    ChangelogEntry,
    PageKind,
    Project,
    Protocol,
    parse_version,
)
from ..sources.prose import fenced_lines
from . import paths
from .answer import fallback_languages, jump_row, report_link, search_front_matter
from .formats import language_name, long_date
from .graph import LinkGraph, build_graph
from .home import render_home
from .indexes import render_indexes
from .mdtext import heading_text, markdown_text, yaml_string
from .relations import referenced_by_pages, relations_markdown
from .select import choose_body
from .transforms import CalcRenderer, Context, reference_list, resolve


@dataclass(frozen=True)
class RenderOptions:
    today: date
    include_unpublished: bool = False
    calculators: frozenset[str] = frozenset()
    render_calc: CalcRenderer | None = None
    drift: Drift = field(default_factory=dict)


@dataclass
class Rendered:
    files: dict[str, str] = field(default_factory=dict)


def published(project: Project, options: RenderOptions) -> list[Protocol]:
    statuses = project.site.published_statuses
    return [p for p in sorted(project.protocols.values(), key=lambda p: p.id)
            if options.include_unpublished or p.status in statuses]


ProtocolPage = Callable[[Project, Protocol, str, RenderOptions, LinkGraph], str]
"""``(project, protocol, lang, options, graph) -> Markdown`` of one protocol page."""


def render_site(project: Project, options: RenderOptions,
                protocol_page: ProtocolPage | None = None) -> Rendered:
    """Every protocol page, home, index and "Referenced by" page of every language.

    ``protocol_page`` (default :func:`render_protocol`) lets the live preview reuse a page
    whose :func:`page_inputs` did not change.
    """
    page = protocol_page or render_protocol
    rendered = Rendered()
    protocols = published(project, options)
    graph = build_graph(protocols)  # once for the site: every page needs everyone's links
    for lang in project.site.codes:
        for protocol in protocols:
            rendered.files[paths.protocol_path(lang, protocol.id)] = page(project, protocol,
                                                                      lang, options, graph)
        rendered.files[paths.home_path(lang)] = with_abbreviations(
            render_home(project, protocols, lang, options.today), project.glossary, lang)
        rendered.files.update(render_indexes(project, protocols, lang, options.today))
        rendered.files.update(referenced_by_pages(project, graph, lang))
    return rendered


def page_inputs(project: Project, protocol: Protocol, options: RenderOptions,
                graph: LinkGraph) -> tuple[object, ...]:
    """Everything a protocol page shows that can change while the settings stay the same.

    The protocol itself, the date (banners of overdue reviews), the translation drift, and
    every protocol the page names: those it links to, those linking to it and its related
    ones, whose titles and very existence appear on it. Compared with ``==``, which for the
    same protocol object is an identity check.
    """
    named = graph.links_from(protocol.id) | set(graph.referenced_by(protocol.id)) \
        | set(protocol.related)
    drift = tuple((version, options.drift.get((protocol.id, version)))
                  for version in sorted({b.translation_of_version or "" for b in
                                         protocol.bodies.values()}))
    return (protocol, options.today, drift,
            *((pid, project.protocols.get(pid)) for pid in sorted(named)))


def render_protocol(project: Project, protocol: Protocol, lang: str, options: RenderOptions,
                    graph: LinkGraph | None = None) -> str:
    site = project.site
    body, kind = choose_body(protocol, lang, site.fallback_order)
    ctx = Context(project, protocol, lang, options.calculators, options.render_calc)
    text = _mark_drift(project, protocol, lang, body, resolve(ctx, body),
                       options.drift).strip("\n")
    parts = [
        _front_matter(body, [*fallback_languages(project, protocol, lang),
                             *search_front_matter(project, protocol, body, lang)]),
        f"# {heading_text(body.title)} {{#top{_lang_attr(body.lang, lang)}}}",
        *_banners(project, protocol, lang, body, kind, options.today),
        jump_row(project, body, lang),
        doc_control(project, protocol, lang, body, kind),
        _wrap_language(text, body.lang, lang),
        relations_markdown(project, graph, protocol, lang) if graph else "",
        reference_list(ctx, site.text("references", lang), site.ui["reference_missing"][lang]),
        _changelog(project, protocol, lang),
        _history_link(project, protocol, lang),
        report_link(project, protocol, lang),
        _print_footer(project, protocol, lang),
    ]
    page = "\n\n".join(part.strip("\n") for part in parts if part) + "\n"
    # In the reader's language even when the body is a fallback in another one.
    return with_abbreviations(page, project.glossary, lang)


def _front_matter(body: Body, extra: list[str]) -> str:
    lines = ["---", f"title: {yaml_string(body.title)}", *extra]
    if body.summary:
        lines.append(f"description: {yaml_string(body.summary)}")
    if body.aliases:
        # Read by the search index (generator/engine/search.py), not shown.
        lines.append("aliases: [" + ", ".join(yaml_string(a) for a in body.aliases) + "]")
    lines.append("---")
    return "\n".join(lines)


def _escape_heading(text: str) -> str:
    return text.replace("{", "\\{").replace("#", "\\#")


def page_kind_text(project: Project, protocol: Protocol, lang: str, body: Body,
                   kind: PageKind) -> str:
    site = project.site
    if kind == "original":
        return site.text("page_original", lang)
    if kind == "fallback":
        return site.text("page_fallback", lang, language=language_name(body.lang, lang))
    version = body.translation_of_version or "?"
    if protocol.translation_state(body.lang) == "outdated":
        return site.text("page_translation_outdated", lang, version=version,
                         current=protocol.version)
    return site.text("page_translation", lang, version=version)


def doc_control(project: Project, protocol: Protocol, lang: str, body: Body,
                kind: PageKind) -> str:
    """The document control that opens every protocol page, in the reader's language.

    One line (version, status, approval, review, original or translation) that the
    reader can open for the whole table, so that the protocol's text starts on the
    first screen of a phone.
    """
    site = project.site
    missing = f'<span class="not-recorded">{html.escape(site.text("not_recorded", lang))}</span>'

    def value(text: str | None) -> str:
        return html.escape(text) if text else missing

    def when(day: date | None) -> str:
        return html.escape(long_date(day, lang)) if day else missing

    status = html.escape(site.text(f"status_{protocol.status}", lang))
    this_page = html.escape(page_kind_text(project, protocol, lang, body, kind))
    rows = [
        ("version", html.escape(protocol.version)),
        ("status", status),
        ("owner", value(protocol.owner)),
        ("approved_by", value(protocol.approved_by)),
        ("approved_on", when(protocol.approved_on)),
        ("review_due", when(protocol.review_due)),
        ("original_language", html.escape(language_name(protocol.original_language, lang))),
        ("this_page", this_page),
        ("source", value(protocol.source)),
    ]
    cells = "\n".join(
        f'<tr data-field="{key}"><th scope="row">{html.escape(site.text(key, lang))}</th>'
        f"<td>{cell}</td></tr>"
        for key, cell in rows
    )
    summary = " · ".join([
        f'<span data-field="version">{html.escape(site.text("version", lang))} '
        f"{html.escape(protocol.version)}</span>",
        f'<span data-field="status">{status}</span>',
        f'<span data-field="approved_on">{html.escape(site.text("approved_on", lang))}: '
        f"{when(protocol.approved_on)}</span>",
        f'<span data-field="review_due">{html.escape(site.text("review_due", lang))}: '
        f"{when(protocol.review_due)}</span>",
        f'<span data-field="this_page">{this_page}</span>',
    ])
    return (f'<details class="doc-control-box" data-status="{protocol.status}">\n'
            f'<summary><span class="doc-control-line">{summary}</span></summary>\n'
            f'<table class="doc-control" data-page-kind="{kind}" '
            f'data-protocol="{protocol.id}" data-version="{protocol.version}">\n'
            f"<caption>{html.escape(site.text('doc_control', lang))}</caption>\n"
            f"<tbody>\n{cells}\n</tbody>\n</table>\n</details>")


def _banners(project: Project, protocol: Protocol, lang: str, body: Body, kind: PageKind,
             today: date) -> list[str]:
    site = project.site
    banners: list[str] = []
    if protocol.status == "retired":
        banners.append(_admonition("danger", site.text("retired_title", lang),
                                   site.text("retired_notice", lang), "retired"))
    elif protocol.status == "review":
        banners.append(_admonition("danger", site.text("review_title", lang),
                                   site.text("review_notice", lang), "awaiting-approval"))
    elif protocol.status not in PUBLISHED_STATUSES:
        status = site.text(f"status_{protocol.status}", lang)
        banners.append(_admonition("danger", site.text("status_notice_title", lang, status=status),
                                   site.text("status_notice", lang), "unapproved"))
    if protocol.review_due and protocol.review_due < today and protocol.status != "retired":
        owner = protocol.owner or site.text("not_recorded", lang).lower()
        banners.append(_admonition(
            "warning", site.text("review_overdue_title", lang),
            site.text("review_overdue_notice", lang, date=long_date(protocol.review_due, lang),
                      owner=owner), "review-overdue"))
    if kind == "fallback":
        banners.append(_fallback_notice(project, protocol, lang, body))
    elif kind == "translation" and protocol.translation_state(lang) == "outdated":
        default = site.default_language
        link = paths.url_between(paths.protocol_url(lang, protocol.id, default),
                                 paths.protocol_url(protocol.original_language, protocol.id,
                                                    default))
        text = site.text("outdated_notice", lang, version=body.translation_of_version,
                         current=protocol.version, link=link)
        banners.append(_admonition("warning", site.text("outdated_title", lang),
                                   text + _changes_since(project, protocol, lang, body),
                                   "outdated-translation"))
    return banners


def _changes_since(project: Project, protocol: Protocol, lang: str, body: Body) -> str:
    """The changelog notes of the versions after the one the translation renders,
    as more paragraphs of an admonition (indented by four spaces)."""
    since = parse_version(body.translation_of_version or "0.0")
    entries = sorted((e for e in protocol.changelog if parse_version(e.version) > since),
                     key=lambda e: parse_version(e.version), reverse=True)
    if not entries:
        return ""
    lines = ["", "", "    " + project.site.text("outdated_changes", lang,
                                                version=body.translation_of_version), ""]
    lines += [f"    - **{e.version}** ({long_date(e.date, lang)}): {markdown_text(e.note)}"
              for e in entries]
    return "\n".join(lines)


def _mark_drift(project: Project, protocol: Protocol, lang: str, body: Body, text: str,
                drift: Drift) -> str:
    """A notice under each heading of a lagging translation whose section changed in the
    original since the translated version (every section when that is not known)."""
    version = body.translation_of_version
    if body.lang == protocol.original_language or version is None \
            or parse_version(version) >= parse_version(protocol.version):
        return text
    changed = drift.get((protocol.id, version))
    notice = functools.partial(_drift_notice, project, protocol, lang, body, changed is None)
    marked: Callable[[str], bool] = (lambda _: True) if changed is None \
        else changed.__contains__
    out = [notice(INTRO), ""] if marked(INTRO) else []
    code = fenced_lines(text)
    for number, line in enumerate(text.split("\n")):
        out.append(line)
        heading = None if number in code else HEADING.match(line)
        found = HEADING_ID.search(heading.group(2)) if heading else None
        if found and marked(found.group(1)):
            out += ["", notice(found.group(1)), ""]
    return "\n".join(out)


def _drift_notice(project: Project, protocol: Protocol, lang: str, body: Body, unknown: bool,
                  section: str) -> str:
    site = project.site
    here = paths.protocol_url(lang, protocol.id, site.default_language)
    original = paths.protocol_url(protocol.original_language, protocol.id, site.default_language)
    anchor = section if section in {h.id for h in protocol.original.headings} else INTRO
    link = html.escape(f"{paths.url_between(here, original)}#{anchor}")
    key = "drift_unknown" if unknown else "drift_notice"
    text = html.escape(site.text(key, lang, version=body.translation_of_version))
    lang_attr = "" if body.lang == lang else f' lang="{lang}"'
    return (f'<p class="drift-notice" data-drift="{section}" role="note"{lang_attr}>'
            f"<strong>{html.escape(site.text('drift_title', lang))}</strong> {text} "
            f'<a href="{link}">{html.escape(site.text("drift_link", lang))}</a></p>')


def _fallback_notice(project: Project, protocol: Protocol, lang: str, body: Body) -> str:
    site = project.site
    shown = language_name(body.lang, lang)
    if body.lang == protocol.original_language:
        text = site.text("fallback_notice_original", lang, language=shown)
    else:
        text = site.text("fallback_notice_translation", lang, language=shown,
                         version=body.translation_of_version,
                         original=language_name(protocol.original_language, lang))
    return _admonition("info", site.text("fallback_notice_title", lang), text, "fallback")


def _admonition(kind: str, title: str, text: str, name: str) -> str:
    title = title.replace('"', "'")
    return f'!!! {kind} {name} "{title}"\n\n    {text}'


def _lang_attr(body_lang: str, reader: str) -> str:
    return "" if body_lang == reader else f' lang="{body_lang}"'


def _wrap_language(text: str, body_lang: str, reader: str) -> str:
    """Mark text in another language so that browsers and screen readers pronounce it right."""
    if body_lang == reader:
        return text
    return f'<div lang="{body_lang}" markdown="1">\n\n{text}\n\n</div>'


def _changelog(project: Project, protocol: Protocol, lang: str) -> str:
    if not protocol.changelog:
        return ""
    site = project.site
    entries = sorted(protocol.changelog, key=lambda e: e.date, reverse=True)
    lines = [f"## {site.text('changelog', lang)} {{#changelog}}", ""]
    for entry in entries:
        lines.append(f"- **{entry.version}** ({long_date(entry.date, lang)}): "
                     f"{changelog_note(project, protocol, entry, lang)}")
    return "\n".join(lines)


def changelog_note(project: Project, protocol: Protocol, entry: ChangelogEntry,
                   lang: str) -> str:
    """The note of a change for a reader of ``lang``: in their language when written in it,
    else in the first language written of the protocol's original, the site's default and
    the rest, labelled with its language and marked up as that language."""
    if lang in entry.notes:
        return markdown_text(entry.notes[lang])
    order = [protocol.original_language, project.site.default_language, *entry.notes]
    shown = next((code for code in order if code in entry.notes), "")
    text = markdown_text(entry.notes.get(shown, entry.note))
    if not shown:
        return text
    label = language_name(shown, lang)
    return f'*{label}:* <span lang="{shown}">{text}</span>'


def _history_link(project: Project, protocol: Protocol, lang: str) -> str:
    """Every version and the release where it was live: ``<lang>/history/<id>.md``."""
    href = paths.link(paths.PROTOCOLS_DIR, paths.HISTORY_DIR, protocol.id)
    return f"[{project.site.text('history_link', lang)}]({href})"


def _print_footer(project: Project, protocol: Protocol, lang: str) -> str:
    """Shown only on paper: where the page came from and when it was printed.

    Chromium does not print CSS @page margin boxes, so this is an element; assets/print.js
    fills in the full URL and the print date, which no build can know.
    """
    site = project.site
    path = paths.protocol_url(lang, protocol.id, site.default_language)
    return (f'<div class="print-footer" aria-hidden="true" '
            f'data-printed-label="{html.escape(site.text("printed_on", lang))}">'
            f'<span class="print-url">{html.escape(path)}</span> · '
            f'<span class="print-version">{html.escape(site.text("version", lang))} '
            f'{html.escape(protocol.version)}</span> · <span class="print-date"></span></div>')
