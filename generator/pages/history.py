"""History pages: per protocol and language, its versions and the releases that held them.

Pure functions from the project and the release log to Markdown files
(``<lang>/history/<id>.md``). In a release, each release is linked to the very
page staff saw (``../RELEASE/...`` beside this release in the published tree);
in an unversioned build the releases are named without links.
"""

from __future__ import annotations

import html
from datetime import datetime

from babel.dates import format_date

from ..sources.model import Project, Protocol, parse_version
from ..sources.releases import Manifest, ReleaseLog
from .formats import long_date
from .mdtext import heading_text, yaml_string
from .paths import history_path, history_url, in_release, protocol_url
from .render import changelog_note
from .select import choose_body
from .withdrawn import history_note


def render_history(project: Project, protocols: list[Protocol],
                   log: ReleaseLog) -> dict[str, str]:
    return {history_path(lang, protocol.id): render_page(project, protocol, lang, log)
            for lang in project.site.codes for protocol in protocols}


def render_page(project: Project, protocol: Protocol, lang: str, log: ReleaseLog) -> str:
    site = project.site
    body, _ = choose_body(protocol, lang, site.fallback_order)
    title = site.text("history_title", lang, title=body.title)
    lines = ["---", f"title: {yaml_string(title)}", "---", "",
             f"# {heading_text(title)} {{#top}}", "",
             site.text("history_intro", lang), ""]
    notes = {entry.version: entry for entry in protocol.changelog}
    versions = sorted({*notes, protocol.version,
                       *(e.version for m in log.manifests if (e := m.entry(protocol.id)))},
                      key=parse_version, reverse=True)
    for version in versions:
        lines += [f"## {site.text('version', lang)} {version} {{#v{version.replace('.', '-')}}}",
                  ""]
        entry = notes.get(version)
        if entry is not None:
            day = long_date(entry.date, lang)
            lines += [f"*{day}*: {changelog_note(project, protocol, entry, lang)}", ""]
        lines += _releases(project, protocol, lang, version, log)
    return "\n".join(lines).rstrip("\n") + "\n"


def _releases(project: Project, protocol: Protocol, lang: str, version: str,
              log: ReleaseLog) -> list[str]:
    site = project.site
    manifests = log.containing(protocol.id, version)
    if not manifests:
        return [site.text("history_no_release", lang), ""]
    lines = [site.text("history_releases", lang), ""]
    for manifest in manifests:
        until = log.live_until(manifest)
        when = (site.text("history_live_between", lang, start=_moment(manifest.published_at, lang),
                          end=_moment(until, lang)) if until else
                site.text("history_live_since", lang, start=_moment(manifest.published_at, lang)))
        note = ("" if manifest.withdrawn is None else
                history_note(manifest.withdrawn.reason, lang, site))
        lines.append(f"- {_release_link(project, protocol, lang, manifest, log)}{note}: {when}")
    return [*lines, ""]


def _release_link(project: Project, protocol: Protocol, lang: str, manifest: Manifest,
                  log: ReleaseLog) -> str:
    name = html.escape(manifest.release)
    if log.current is None:  # an unversioned build: the releases are not beside it
        return f"<strong>{name}</strong>"
    default = project.site.default_language
    href = in_release(history_url(lang, protocol.id, default), manifest.release,
                      protocol_url(lang, protocol.id, default))
    return f'<a class="release-link" href="{html.escape(href)}"><strong>{name}</strong></a>'


def _moment(moment: datetime, lang: str) -> str:
    return f"{format_date(moment.date(), format='long', locale=lang)} {moment:%H:%M} UTC"

