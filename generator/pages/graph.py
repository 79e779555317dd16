"""The link graph between protocols, computed once before any page is rendered.

"Referenced by" on a page needs every other protocol's links; scanning all bodies
per page would make a build quadratic in the number of protocols. The graph is
built in one pass over the sources and then only looked up.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..sources.model import Body, Protocol


@dataclass(frozen=True)
class LinkGraph:
    """Which protocols link to which, over the bodies of every language."""

    outgoing: dict[str, frozenset[str]]
    incoming: dict[str, tuple[str, ...]]

    def has(self, protocol_id: str) -> bool:
        return protocol_id in self.outgoing

    def links_from(self, protocol_id: str) -> frozenset[str]:
        return self.outgoing.get(protocol_id, frozenset())

    def referenced_by(self, protocol_id: str) -> tuple[str, ...]:
        """Ids of the protocols whose body links here, in any language, sorted by id."""
        return self.incoming.get(protocol_id, ())


def build_graph(protocols: Iterable[Protocol]) -> LinkGraph:
    """The graph between ``protocols`` only: links to anything else are not pages of this site."""
    chosen = list(protocols)
    known = {protocol.id for protocol in chosen}
    outgoing: dict[str, frozenset[str]] = {}
    incoming: dict[str, set[str]] = {}
    for protocol in chosen:
        targets = set()
        for body in protocol.bodies.values():
            targets |= body_links(body)
        # A link to itself is an anchor within the page, not a reference.
        targets = (targets & known) - {protocol.id}
        outgoing[protocol.id] = frozenset(targets)
        for target in targets:
            incoming.setdefault(target, set()).add(protocol.id)
    return LinkGraph(outgoing, {k: tuple(sorted(v)) for k, v in incoming.items()})


def body_links(body: Body) -> set[str]:
    """Protocol ids linked from a body, read from the syntax the pages resolve."""
    return {link.target for link in body.syntax.links()}
