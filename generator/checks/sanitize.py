"""Protocol bodies cannot put executable content on a page.

Two layers. First, at the source: raw HTML that could run code or embed another
page (``<script>``, ``<iframe>``, ``<form>``, event handlers, ``javascript:``
URLs...) is an error at its line, so the editor fixes the source. Second, as
defence in depth, the HTML of every page's content passes an allowlist sanitiser
(nh3) through a MkDocs hook (:mod:`generator.engine.mkdocs_hooks`), so anything the
first layer missed is removed rather than executed. The allowlist keeps what the
generator itself writes: Markdown's output, the document-control table, notices,
citations and the calculator widgets, including their JSON spec block, which is
data (``type="application/json"``) that the browser never runs.
"""

from __future__ import annotations

import html
import json
import re
import secrets

import nh3

from ..sources.model import Body, Protocol
from ..sources.problems import Problems
from ..sources.prose import line_of_offset, prose_text
from ..sources.sourcetext import nesting_problems

# ---------------------------------------------------------------- layer 1: the source

FORBIDDEN_TAGS = ("script", "style", "iframe", "frame", "frameset", "object", "embed",
                  "applet", "form", "input", "button", "select", "textarea", "option",
                  "link", "meta", "base", "svg", "math", "template", "noscript", "portal")
FORBIDDEN_TAG = re.compile(r"<\s*(" + "|".join(FORBIDDEN_TAGS) + r")(?=[\s/>])", re.I)
TAG = re.compile(r"<[a-z][a-z0-9-]*(?:\s[^<>]*)?>", re.I)
EVENT_HANDLER = re.compile(r"[\s\"'/](on[a-z]+)\s*=", re.I)
URL_ATTRIBUTE = re.compile(
    r"[\s\"'/](?:href|src|action|formaction|xlink:href|poster|background|srcset|data|"
    r"cite)\s*=\s*(\"[^\"]*\"|'[^']*'|[^\s>]+)", re.I)
MARKDOWN_URL = re.compile(r"\]\(\s*<?([^)\s>]*)|^\s*\[[^\]]+\]:\s*<?(\S+)|<([a-z]+:[^>\s]*)>",
                          re.I | re.M)
UNSAFE_SCHEME = re.compile(r"^(javascript|vbscript|data):")
SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
# tel: and mailto: are refused by the lint (generator/checks/lint.py), with their own message.
LINTED_SCHEMES = ("tel", "mailto")
# Python-Markdown's attr_list: "{: ... }" or "{ ... }" after a block or inline element.
ATTRIBUTE_LIST = re.compile(r"\{:?[ ]*([^}\n ][^}\n]*?)[ ]*\}")
ATTRIBUTE_PAIR = re.compile(r"([^\s=]+)\s*=")
HTML_IN_TEXT = re.compile(r"<\s*[a-z/!]", re.I)


def check_protocol_bodies(protocol: Protocol, problems: Problems) -> None:
    for body in protocol.bodies.values():
        check_body(body, problems)


def check_body(body: Body, problems: Problems) -> None:
    text = prose_text(body)
    hint = "protocol pages may not run code or embed other pages; write Markdown"
    for match in FORBIDDEN_TAG.finditer(text):
        problems.error(body.path, line_of_offset(body, text, match.start()),
                       f"raw HTML <{match.group(1).lower()}> is not allowed in a protocol body",
                       hint)
    for tag in TAG.finditer(text):
        for handler in EVENT_HANDLER.finditer(tag.group(0)):
            offset = tag.start() + handler.start(1)
            problems.error(body.path, line_of_offset(body, text, offset),
                           f"event-handler attribute '{handler.group(1).lower()}' is not "
                           "allowed in a protocol body", hint)
        # A tag refused already is not also asked where its links lead.
        refused = bool(FORBIDDEN_TAG.match(tag.group(0)) or EVENT_HANDLER.search(tag.group(0)))
        for url in URL_ATTRIBUTE.finditer(tag.group(0)):
            _check_url(url.group(1).strip("\"'"), body, text, tag.start() + url.start(1),
                       problems, scheme_only=refused)
    for url in MARKDOWN_URL.finditer(text):
        index = next(i for i in (1, 2, 3) if url.group(i) is not None)
        _check_url(url.group(index), body, text, url.start(index), problems)
    _check_attribute_lists(body, text, problems)
    problems.extend(nesting_problems(body.text, body.path, body.first_line))
    _check_front_matter(body, problems)


def _check_url(raw: str, body: Body, text: str, offset: int, problems: Problems,
               scheme_only: bool = False) -> None:
    """A link leads to a web address or a heading of this body; anything else is refused
    here, at its line, rather than by the engine, which names only generated files."""
    # Browsers ignore entities, case, spaces and control characters in a scheme.
    url = re.sub(r"[\x00-\x20]", "", html.unescape(raw)).lower()
    line = line_of_offset(body, text, offset)
    unsafe = UNSAFE_SCHEME.match(url)
    scheme = SCHEME.match(url)
    if unsafe:
        problems.error(body.path, line,
                       f"a '{unsafe.group(1)}:' URL is not allowed in a protocol body",
                       "link to a protocol, a page or a web address (https://...)")
    elif scheme_only:
        return
    elif url.startswith("#"):
        anchor = raw.strip()[1:]
        if anchor not in {h.id for h in body.headings} | {"top"}:
            problems.error(body.path, line, f"link to '#{anchor}': this body has no heading "
                           f"with that id", "end the heading with {#" + anchor + "}, or "
                           "link another protocol's heading with [[protocol-id#heading-id]]")
    elif url.startswith("//") or scheme is None or scheme.group(1) not in (
            *URL_SCHEMES, *LINTED_SCHEMES):
        problems.error(body.path, line, f"link to '{raw.strip()}' leads to no page of the "
                       "site", "link a protocol with [[protocol-id]], a calculator with "
                       "[[calc:calculator-id]] and another site with https://...")


def _check_attribute_lists(body: Body, text: str, problems: Problems) -> None:
    """Attributes other than a heading's id or a class are refused, not silently dropped
    by the sanitiser: the editor sees at once that ``{: onclick=... }`` does nothing."""
    for match in ATTRIBUTE_LIST.finditer(text):
        pair = ATTRIBUTE_PAIR.search(match.group(1))
        if pair:
            problems.error(body.path, line_of_offset(body, text, match.start()),
                           f"attribute '{pair.group(1)}' in '{match.group(0)}' is not allowed "
                           "in a protocol body", "only a heading's id may be set: {#id}; "
                           "to show braces, write \\{")


def _check_front_matter(body: Body, problems: Problems) -> None:
    """Titles and summaries reach the page head and navigation: plain text only."""
    for key, value in (("title", body.title), ("summary", body.summary),
                       *(("aliases", alias) for alias in body.aliases)):
        if value and HTML_IN_TEXT.search(value):
            problems.error(body.path, body.line_of(key), f"{key} must be plain text, not HTML")


# ---------------------------------------------------------------- layer 2: the page

ALLOWED_TAGS = frozenset(["a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul", "var", "wbr", "section", "article", "aside", "header", "footer", "nav", "label", "input", "select", "option", "optgroup", "button", "output", "fieldset", "legend", "meter", "progress"])
GENERIC_ATTRIBUTES = {"class", "id", "lang", "dir", "title", "role", "hidden", "tabindex"}
TAG_ATTRIBUTES = {
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "details": {"open"},
    "time": {"datetime"},
    "label": {"for"},
    "output": {"for", "name"},
    "input": {"type", "name", "value", "inputmode", "autocomplete", "spellcheck",
              "placeholder", "disabled", "readonly", "min", "max", "step", "checked",
              "required"},
    "select": {"name", "disabled", "required", "multiple"},
    "option": {"value", "selected", "disabled", "label"},
    "button": {"type", "name", "value", "disabled"},
    "meter": {"value", "min", "max", "low", "high", "optimum"},
    "progress": {"value", "max"},
}
# No tel: a tap on a number in a protocol must never dial (see generator/checks/lint.py).
URL_SCHEMES = {"http", "https", "mailto"}
# Any script element; only a JSON data block with no other attributes is kept. The
# attributes may come in any order: Markdown's md_in_html re-serialises HTML it wraps.
JSON_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)
SCRIPT_ATTRIBUTE = re.compile(r'\s+([a-z-]+)="([a-z0-9/ -]*)"')


def sanitize_html(fragment: str) -> str:
    """The page content with everything outside the allowlist removed.

    JSON script blocks (calculator specs) are set aside first and put back only
    when they parse as JSON and cannot close their element early.
    """
    token = secrets.token_hex(8)
    kept: list[str] = []

    def set_aside(match: re.Match[str]) -> str:
        attributes = dict(SCRIPT_ATTRIBUTE.findall(match.group(1)))
        if SCRIPT_ATTRIBUTE.sub("", match.group(1)).strip() or \
                attributes.get("type") != "application/json" or set(attributes) - {"type", "class"}:
            return ""
        content = match.group(2)
        try:
            json.loads(content)
        except ValueError:
            return ""
        if "<" in content:
            return ""
        css_class = f' class="{attributes["class"]}"' if "class" in attributes else ""
        kept.append(f'<script type="application/json"{css_class}>{content}</script>')
        return f"jsonblock-{token}-{len(kept) - 1}"

    cleaned = nh3.clean(
        JSON_SCRIPT.sub(set_aside, fragment),
        tags=set(ALLOWED_TAGS),
        attributes={"*": GENERIC_ATTRIBUTES, **TAG_ATTRIBUTES},
        generic_attribute_prefixes={"data-", "aria-"},
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=True,
    )
    for index, block in enumerate(kept):
        cleaned = cleaned.replace(f"jsonblock-{token}-{index}", block, 1)
    return cleaned
