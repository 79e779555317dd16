"""Which body a reader of a language is shown: their own, or a fallback."""

from __future__ import annotations

from ..sources.model import Body, PageKind, Protocol


def choose_body(protocol: Protocol, lang: str,
                fallback_order: tuple[str, ...]) -> tuple[Body, PageKind]:
    """The body shown to a reader of ``lang`` and whether it is original, translation or fallback.

    An outdated translation is still shown in the reader's language (with a warning
    on the page); only a missing one falls back, following ``fallback_order``.
    """
    if lang in protocol.bodies:
        kind: PageKind = "original" if lang == protocol.original_language else "translation"
        return protocol.bodies[lang], kind
    for entry in fallback_order:
        code = {"reader": lang, "original": protocol.original_language}.get(entry, entry)
        if code in protocol.bodies:
            return protocol.bodies[code], "fallback"
    return protocol.original, "fallback"
