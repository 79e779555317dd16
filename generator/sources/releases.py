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
    withdrawn: Withdrawal | None = None

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
        if self.withdrawn is not None:
            data["withdrawn"] = {"reason": self.withdrawn.reason,
                                 "at": format_utc(self.withdrawn.at)}
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        data: dict[str, Any] = json.loads(text)
        protocols = tuple(ProtocolEntry(pid, str(entry["version"]), str(entry["status"]))
                          for pid, entry in sorted(data["protocols"].items()))
        withdrawn = data.get("withdrawn")
        return cls(release=str(data["release"]),
                   published_at=parse_utc(str(data["published_at"])),
                   source_commit=str(data["source_commit"]), protocols=protocols,
                   withdrawn=None if withdrawn is None else Withdrawal(
                       str(withdrawn["reason"]), parse_utc(str(withdrawn["at"]))))


@dataclass(frozen=True)
class Withdrawal:
    """Why and when a release was withdrawn (its pages stay, marked, out of the selector)."""

    reason: str
    at: datetime


@dataclass(frozen=True)
class Change:
    """A protocol's version in the previous release and in this one (None: not in it)."""

    id: str
    before: str | None
    after: str | None


def changes_since(previous: Manifest | None, current: Manifest) -> list[Change]:
    """What changed between two releases, protocol by protocol, in id order."""
    before = {p.id: p.version for p in previous.protocols} if previous else {}
    after = {p.id: p.version for p in current.protocols}
    return [Change(pid, before.get(pid), after.get(pid)) for pid in sorted({*before, *after})
            if before.get(pid) != after.get(pid)]


def format_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_utc(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


# Names that would collide with a file of the published tree's top level, on any
# file system (compared case-folded: `Latest` and `latest/` are one folder on macOS).
RESERVED = frozenset({LATEST, "versions.json", "index.html", "404.html", "manifest.json",
                      "sitemap.xml", "robots.txt"})
# Device names Windows refuses as a file or folder name, with or without an extension.
WINDOWS_DEVICES = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                             *(f"lpt{i}" for i in range(1, 10))})
MAX_NAME = 100
REF_FORBIDDEN = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]")


def check_name(name: str, existing: set[str], branch_files: frozenset[str] = frozenset()) -> None:
    """Raise ReleaseError unless ``name`` can be a new release.

    ``existing`` holds the recorded releases and aliases, ``branch_files`` the top-level
    entries of the published branch (``versions.json``, release folders, ...).
    """
    if not NAME_PATTERN.fullmatch(name) or len(name) > MAX_NAME:
        raise ReleaseError(f"invalid release name {name!r}: use letters, digits, '.', '_' and "
                           "'-', starting with a letter or digit (e.g. 2026-11-22)")
    if (problem := ref_problem(name)) is not None:
        raise ReleaseError(f"invalid release name {name!r}: {problem}")
    folded = name.casefold()
    if folded == LATEST:
        raise ReleaseError(f"'{LATEST}' is the alias of the newest release, not a release name")
    reserved = {n.casefold(): n for n in RESERVED}
    if folded in reserved:
        raise ReleaseError(f"invalid release name {name!r}: '{reserved[folded]}' is a file of "
                           "the published tree")
    if name in existing or name in branch_files:
        raise ReleaseError(f"release '{name}' already exists; a published release never changes, "
                           "so choose a new name")
    if folded.split(".")[0] in WINDOWS_DEVICES:
        raise ReleaseError(f"invalid release name {name!r}: Windows cannot store a folder "
                           "of that name")
    taken = {n.casefold(): n for n in (*existing, *branch_files)}
    if folded in taken:
        raise ReleaseError(f"invalid release name {name!r}: it is the same as '{taken[folded]}' "
                           "of the published tree on a case-insensitive file system")


def ref_problem(name: str) -> str | None:
    """Why git would refuse ``name`` as a branch name (git check-ref-format --branch), or None."""
    if name in ("", "@", "HEAD"):
        return f"'{name}' is not a name git accepts for a branch"
    if name.startswith("-"):
        return "it starts with '-'"
    if (bad := REF_FORBIDDEN.search(name)) is not None:
        return f"it contains {bad.group()!r}, which git does not allow in a name"
    for part, problem in (("..", "'..'"), ("@{", "'@{'"), ("//", "'//'")):
        if part in name:
            return f"it contains {problem}, which git does not allow in a name"
    if name.startswith("/") or name.endswith(("/", ".")):
        return "it starts with '/' or ends with '/' or '.'"
    for component in name.split("/"):
        if component.startswith(".") or component.endswith(".lock"):
            return "a part of it starts with '.' or ends with '.lock'"
    return None


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
        """When the next release replaced ``manifest``, or it was withdrawn (None: still live).

        A withdrawn release replaces nothing: ``latest`` went back to the one before it.
        """
        later = [m.published_at for m in self.manifests
                 if m.published_at > manifest.published_at and m.withdrawn is None]
        if manifest.withdrawn is not None:
            later.append(manifest.withdrawn.at)
        return min(later) if later else None

    def newest_live(self, excluding: str | None = None) -> Manifest | None:
        """The newest release that is not withdrawn (nor ``excluding``)."""
        live = [m for m in self.manifests if m.withdrawn is None and m.release != excluding]
        return live[-1] if live else None

    def find(self, release: str) -> Manifest | None:
        return next((m for m in self.manifests if m.release == release), None)

    def containing(self, protocol_id: str, version: str) -> list[Manifest]:
        return [m for m in self.manifests
                if (entry := m.entry(protocol_id)) is not None and entry.version == version]
