"""The editors' report: translations, reviews and document-control gaps per protocol.

Pure functions from the project to a report, to JSON and to a text table; the CLI
prints them. The JSON shape is a public interface (CI reads it), so it is versioned
by ``schema`` and documented in the README.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from ..sources.model import PUBLISHED_STATUSES, Project, Protocol

SCHEMA = 1
DUE_SOON_DAYS = 30

Review = Literal["overdue", "due-soon", "ok", "not-recorded"]
Translation = Literal["original", "current", "outdated", "missing"]

TRANSLATION_LABELS: dict[str, str] = {
    "original": "original", "current": "up to date", "outdated": "OUTDATED", "missing": "missing",
}
REVIEW_LABELS: dict[str, str] = {
    "overdue": "OVERDUE", "due-soon": "due within 30 days", "ok": "ok",
    "not-recorded": "not recorded",
}


@dataclass(frozen=True)
class ProtocolStatus:
    id: str
    version: str
    status: str
    review: Review
    review_due: date | None
    translations: dict[str, Translation]
    missing: tuple[str, ...]


def review_state(due: date | None, today: date) -> Review:
    if due is None:
        return "not-recorded"
    if due < today:
        return "overdue"
    if due <= today + timedelta(days=DUE_SOON_DAYS):
        return "due-soon"
    return "ok"


def missing_facts(protocol: Protocol) -> tuple[str, ...]:
    """Document-control facts the source does not record (as ``protocols check`` warns)."""
    keys = ["owner", "review_due"]
    if protocol.status in PUBLISHED_STATUSES:
        keys += ["approved_by", "approved_on"]
    return tuple(key for key in keys if getattr(protocol, key) is None)


def report(project: Project, today: date) -> list[ProtocolStatus]:
    return [
        ProtocolStatus(
            id=protocol.id, version=protocol.version, status=protocol.status,
            review=review_state(protocol.review_due, today), review_due=protocol.review_due,
            translations={lang: protocol.translation_state(lang) for lang in project.site.codes},
            missing=missing_facts(protocol),
        )
        for protocol in sorted(project.protocols.values(), key=lambda p: p.id)
    ]


def to_json(rows: list[ProtocolStatus], today: date) -> str:
    data: dict[str, Any] = {
        "schema": SCHEMA,
        "today": today.isoformat(),
        "protocols": [
            {
                "id": row.id,
                "version": row.version,
                "status": row.status,
                "review": {"state": row.review,
                           "due": row.review_due.isoformat() if row.review_due else None},
                "translations": row.translations,
                "missing": list(row.missing),
            }
            for row in rows
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def to_table(rows: list[ProtocolStatus], languages: tuple[str, ...]) -> str:
    header = ["protocol", "version", "status", "review", *languages, "not recorded"]
    lines = [header]
    for row in rows:
        due = f" ({row.review_due.isoformat()})" if row.review_due else ""
        lines.append([
            row.id, row.version, row.status, REVIEW_LABELS[row.review] + due,
            *(TRANSLATION_LABELS[row.translations[lang]] for lang in languages),
            ", ".join(row.missing) or "-",
        ])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False)).rstrip()
                     for line in lines)
