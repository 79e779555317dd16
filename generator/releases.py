"""Releases: a pure model of what each published release contains. No I/O here.

Every release carries a ``manifest.json`` at its root (so at ``RELEASE/manifest.json``
in the published branch): when it was published, from which commit, and which
version and status of each protocol it holds. The History pages are built from
the manifests of all releases, as mike's ``versions.py`` models ``versions.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .model import Project, Protocol

MANIFEST = "manifest.json"
LATEST = "latest"
DEFAULT_BRANCH = "site-releases"
NAME_PATTERN = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]*$")
MANIFEST_SCHEMA = 1


class ReleaseError(Exception):
    """A release cannot be published or read; the message is for the user."""


@dataclass(frozen=True)
class ProtocolEntry:
    id: str
    version: str
    status: str


@dataclass(frozen=True)
class Manifest:
    release: str
    published_at: datetime
    source_commit: str
    protocols: tuple[ProtocolEntry, ...]

    def entry(self, protocol_id: str) -> ProtocolEntry | None:
        return next((p for p in self.protocols if p.id == protocol_id), None)

    def to_json(self) -> str:
        data = {
            "schema": MANIFEST_SCHEMA,
            "release": self.release,
            "published_at": format_utc(self.published_at),
            "source_commit": self.source_commit,
            "protocols": {p.id: {"version": p.version, "status": p.status}
                          for p in self.protocols},
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data: dict[str, Any] = json.loads(text)
        protocols = tuple(ProtocolEntry(pid, str(entry["version"]), str(entry["status"]))
                          for pid, entry in sorted(data["protocols"].items()))
        return cls(release=str(data["release"]),
                   published_at=parse_utc(str(data["published_at"])),
                   source_commit=str(data["source_commit"]), protocols=protocols)


def format_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def check_name(name: str, existing: set[str]) -> None:
    """Raise ReleaseError unless ``name`` can be a new release."""
    if name == LATEST:
        raise ReleaseError(f"'{LATEST}' is the alias of the newest release, not a release name")
    if not NAME_PATTERN.match(name):
        raise ReleaseError(f"invalid release name '{name}': use letters, digits, '.', '_' and "
                           "'-', starting with a letter or digit (e.g. 2026-11-22)")
    if name in existing:
        raise ReleaseError(f"release '{name}' already exists; a published release never changes, "
                           "so choose a new name")


def manifest_for(project: Project, published: list[Protocol], release: str,
                 published_at: datetime, source_commit: str) -> Manifest:
    return Manifest(release=release, published_at=published_at, source_commit=source_commit,
                    protocols=tuple(ProtocolEntry(p.id, p.version, p.status)
                                    for p in sorted(published, key=lambda p: p.id)))


@dataclass(frozen=True)
class ReleaseLog:
    """Every known release, oldest first, and the one being built (if any)."""

    manifests: tuple[Manifest, ...] = ()
    current: str | None = None

    def with_release(self, manifest: Manifest) -> ReleaseLog:
        return ReleaseLog(tuple(sorted((*self.manifests, manifest),
                                       key=lambda m: m.published_at)), manifest.release)

    def live_until(self, manifest: Manifest) -> datetime | None:
        """When the next release replaced ``manifest`` (None while it is the newest known)."""
        later = [m.published_at for m in self.manifests if m.published_at > manifest.published_at]
        return min(later) if later else None

    def containing(self, protocol_id: str, version: str) -> list[Manifest]:
        return [m for m in self.manifests
                if (entry := m.entry(protocol_id)) is not None and entry.version == version]
