"""Typed, frozen models of the sources. No I/O happens here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from . import syntax as protocol_syntax

if TYPE_CHECKING:  # the calculator models live in their own package
    from ..calculators import CalculatorSpec

# \Z, not $: "$" also matches before a final newline, so "acme\n" would pass.
ANCHOR_PATTERN = re.compile(r"\A[a-z0-9]+(-[a-z0-9]+)*\Z")
# An id names a folder or file: never one of Windows' device names, which no
# checkout on Windows could create, nor "index", which MkDocs serves as its folder's own
# page (protocols/index.md at protocols/), not at the page's URL.
RESERVED_NAMES = r"(?:con|prn|aux|nul|com[1-9]|lpt[1-9]|index)\Z"
ID_PATTERN = re.compile(rf"\A(?!{RESERVED_NAMES})[a-z0-9]+(-[a-z0-9]+)*\Z")
RESERVED_HINT = ("'index' (the name of a folder's own page) and the names Windows reserves "
                 "(con, prn, aux, nul, com1-9, lpt1-9) cannot be ids")
VERSION_PATTERN = re.compile(r"\A(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\Z")
# A drug name: lowercase letters of any alphabet (digits after the first), words joined
# by '-' or one space ("co-trimoxazole", "amphotericin b").
DRUG_NAME = re.compile(r"^[^\W\d_A-Z][^\W_A-Z]*(?:[- ][^\W_A-Z]+)*$")
WEB_ADDRESS = re.compile(r"^https?://[^\s<>\"]+$", re.I)

Status = Literal["draft", "review", "approved", "retired"]
STATUSES: tuple[Status, ...] = ("draft", "review", "approved", "retired")
PUBLISHED_STATUSES: tuple[Status, ...] = ("approved", "retired")

PageKind = Literal["original", "translation", "fallback"]


def parse_version(text: str) -> tuple[int, int]:
    major, minor = text.split(".")
    return int(major), int(minor)


@dataclass(frozen=True)
class Reference:
    key: str
    text: str | None
    line: int
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class ChangelogEntry:
    version: str
    date: date
    note: str
    line: int
    # The note per language, ``note`` being the first one written.
    notes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    id: str
    line: int


@dataclass(frozen=True)
class NumberException:
    """A translation's acknowledged difference from the original's numbers."""

    value: Decimal
    written: str
    reason: str
    section: str | None
    line: int


@dataclass(frozen=True)
class Body:
    """One language's text of a protocol (``<lang>.md``)."""

    lang: str
    path: str
    title: str
    summary: str | None
    aliases: tuple[str, ...]
    translation_of_version: str | None
    text: str
    first_line: int
    headings: tuple[Heading, ...]
    field_lines: dict[str, int] = field(default_factory=dict)
    number_exceptions: tuple[NumberException, ...] = ()

    def line_of(self, key: str) -> int:
        return self.field_lines.get(key, 1)

    @cached_property
    def syntax(self) -> protocol_syntax.BodySyntax:
        """Its links, citations and widget lines, parsed once for the checks and every page."""
        return protocol_syntax.parse(self)


@dataclass(frozen=True)
class Protocol:
    """A protocol's document control (``protocol.yaml``) and its bodies."""

    id: str
    path: str
    version: str
    status: Status
    original_language: str
    owner: str | None
    review_due: date | None
    approved_by: str | None = None
    approved_on: date | None = None
    specialties: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    calculators: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    changelog: tuple[ChangelogEntry, ...] = ()
    source: str | None = None  # where the text came from, as the editors recorded it
    bodies: dict[str, Body] = field(default_factory=dict)
    field_lines: dict[str, int] = field(default_factory=dict)
    item_lines: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def line_of(self, key: str, index: int | None = None) -> int:
        """The line of ``key``, or of its ``index``-th list item when given."""
        items = self.item_lines.get(key, ())
        if index is not None and index < len(items):
            return items[index]
        return self.field_lines.get(key, 1)

    @property
    def original(self) -> Body:
        return self.bodies[self.original_language]

    @property
    def folder(self) -> str:
        return self.path.rsplit("/", 1)[0]

    def translation_state(self, lang: str) -> Literal["original", "current", "outdated", "missing"]:
        """How the body in ``lang`` relates to the protocol's current version.

        A translation is outdated when it renders an older MAJOR version: a major
        change is a clinical change, so its text may no longer be safe to follow.
        """
        if lang == self.original_language:
            return "original"
        body = self.bodies.get(lang)
        if body is None or body.translation_of_version is None:
            return "missing"
        if parse_version(body.translation_of_version)[0] < parse_version(self.version)[0]:
            return "outdated"
        return "current"


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    default: bool = False


@dataclass(frozen=True)
class SiteConfig:
    site_name: dict[str, str]
    languages: tuple[Language, ...]
    fallback_order: tuple[str, ...]
    ui: dict[str, dict[str, str]]
    specialties: dict[str, dict[str, str]]
    # Drug names as written in each language (site_config/drugs.yaml): the lint's drugs.
    drugs: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Whether protocols in review are published, with an "awaiting approval" banner.
    publish_review_copies: bool = False
    # Who publishes the site and how a reader reaches them (site.yaml); None until the
    # hospital fills them in. ``contact`` is a web address or an address shown as text.
    organisation: str | None = None
    contact: str | None = None
    # The option a calculator's choice input starts at, per language and input id
    # (``calculator_defaults`` in site.yaml: the creatinine unit the labs report), and
    # the line of each entry for messages.
    calculator_defaults: dict[str, dict[str, str]] = field(default_factory=dict)
    calculator_default_lines: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def published_statuses(self) -> tuple[Status, ...]:
        return (*PUBLISHED_STATUSES, "review") if self.publish_review_copies \
            else PUBLISHED_STATUSES

    @property
    def contact_url(self) -> str | None:
        """The contact when it is a web address (a link), else None (shown as text)."""
        return self.contact if self.contact and WEB_ADDRESS.match(self.contact) else None

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(lang.code for lang in self.languages)

    @property
    def default_language(self) -> str:
        return next(lang.code for lang in self.languages if lang.default)

    def text(self, key: str, lang: str, **values: object) -> str:
        template = self.ui[key][lang]
        return template.format(**values) if values else template


@dataclass(frozen=True)
class GlossaryTerm:
    """An abbreviation or term with its expansion in every site language."""

    term: str
    expansions: dict[str, str]
    line: int
    drug: bool = False  # the term names a drug (IVIG): a number after it is a dose


@dataclass(frozen=True)
class SynonymGroup:
    """Spellings of one drug or term, per language: a page with any of them is found by
    each spelling of the reader's language."""

    spellings: dict[str, tuple[str, ...]]
    line: int

    @property
    def every(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s for words in self.spellings.values() for s in words))


@dataclass(frozen=True)
class Glossary:
    terms: tuple[GlossaryTerm, ...] = ()
    synonyms: tuple[SynonymGroup, ...] = ()


@dataclass(frozen=True)
class Project:
    root: str
    site: SiteConfig
    protocols: dict[str, Protocol]
    glossary: Glossary = field(default_factory=Glossary)
    calculators: dict[str, CalculatorSpec] = field(default_factory=dict)
