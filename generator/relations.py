"""The "Related protocols" and "Referenced by" sections of a protocol page.

Both list other protocols by their title in the reader's language (or the
fallback the reader is shown), so a link reads the same as the page it opens.
"""

from __future__ import annotations

from .collate import sort_key
from .graph import LinkGraph
from .model import Project, Protocol
from .select import choose_body


def relations_markdown(project: Project, graph: LinkGraph, protocol: Protocol, lang: str) -> str:
    """Both sections; a section with nothing to list is left out rather than shown empty.

    Only protocols of the graph (the pages being built) are listed: a link to a
    page that is not built would be a dead link.
    """
    site = project.site
    related = [pid for pid in protocol.related if graph.has(pid)]
    referenced = list(graph.referenced_by(protocol.id))
    parts = []
    if related:
        parts.append(_section(project, site.text("related_protocols", lang),
                              "related-protocols", related, lang))
    if referenced:
        parts.append(_section(project, site.text("referenced_by", lang),
                              "referenced-by", referenced, lang))
    return "\n\n".join(parts)


def _section(project: Project, heading: str, anchor: str, ids: list[str], lang: str) -> str:
    entries = sorted((_title(project, pid, lang) + (pid,) for pid in ids),
                     key=lambda entry: (sort_key(entry[0]), entry[2]))
    lines = [f"## {heading} {{#{anchor}}}", ""]
    lines += [f"- [{_escape(title)}]({pid}.md){_lang_attr(shown, lang)}"
              for title, shown, pid in entries]
    return "\n".join(lines)


def _title(project: Project, protocol_id: str, lang: str) -> tuple[str, str]:
    """The title the reader will see on that page, and the language it is in."""
    body, _ = choose_body(project.protocols[protocol_id], lang, project.site.fallback_order)
    return body.title, body.lang


def _lang_attr(shown: str, reader: str) -> str:
    # A fallback title is in another language: say so, for screen readers.
    return "" if shown == reader else f'{{: lang="{shown}" }}'


def _escape(label: str) -> str:
    return label.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
