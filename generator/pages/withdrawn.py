"""What a History page says beside the link to a withdrawn release.

History pages built after a withdrawal write the note themselves (:mod:`.history`); the
published History pages of other releases get the same note when the release is withdrawn
(:func:`generator.release.withdrawal.mark_history`).
"""

from __future__ import annotations

import html

from ..sources.model import SiteConfig


def history_note(reason: str, lang: str, site: SiteConfig) -> str:
    """The note after a withdrawn release's link, in ``lang``, carrying the reason."""
    return (f' <em class="release-withdrawn" data-withdrawn="{html.escape(reason)}">'
            f'({html.escape(site.text("history_withdrawn", lang, reason=reason))})</em>')
