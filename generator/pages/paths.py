"""Where every generated page lives, the URL it is served at, and how pages link to each other.

A page is a Markdown file of ``content/``: ``<lang>/index.md`` (home, in the language's root)
or ``<lang>/<folder>/<name>.md``, mkdocs-static-i18n's documented ``folder`` structure. With
directory URLs the page is served at ``<folder>/<name>/`` for the default language and at
``<lang>/<folder>/<name>/`` for the others. Every other module asks here instead of spelling
a folder or a ``../``; tests/test_paths.py checks the links land where the pages are.
"""

from __future__ import annotations

PROTOCOLS_DIR = "protocols"
CALCULATORS_DIR = "calculators"
INDEX_DIR = "indexes"
REFERENCED_BY_DIR = "referenced-by"
HISTORY_DIR = "history"
FOLDERS = (PROTOCOLS_DIR, CALCULATORS_DIR, INDEX_DIR, REFERENCED_BY_DIR, HISTORY_DIR)
HOME = "index"  # the home page's name, in the language's root (folder None)
DIRECTORY_INDEX = "index.html"  # the file a directory URL serves
UP = "../"

Folder = str | None
"""A page folder of FOLDERS, or None for the language's root (the home page)."""


# --- content/: where a page's Markdown file is ---------------------------------------------


def in_language(folder: Folder, name: str) -> str:
    """The page's path inside its language folder, as mkdocs-static-i18n's nav names it."""
    return f"{name}.md" if folder is None else f"{folder}/{name}.md"


def content_path(lang: str, folder: Folder, name: str) -> str:
    return f"{lang}/{in_language(folder, name)}"


def home_path(lang: str) -> str:
    return content_path(lang, None, HOME)


def protocol_path(lang: str, protocol_id: str) -> str:
    return content_path(lang, PROTOCOLS_DIR, protocol_id)


def calculator_path(lang: str, calc_id: str) -> str:
    return content_path(lang, CALCULATORS_DIR, calc_id)


def index_path(lang: str, slug: str) -> str:
    return content_path(lang, INDEX_DIR, slug)


def referenced_by_path(lang: str, protocol_id: str) -> str:
    return content_path(lang, REFERENCED_BY_DIR, protocol_id)


def history_path(lang: str, protocol_id: str) -> str:
    return content_path(lang, HISTORY_DIR, protocol_id)


def list_base(lang: str, folder: str, name: str) -> str:
    """``<lang>/<folder>/<name>``: what :func:`page_file` numbers the pages of a long list from."""
    return f"{lang}/{folder}/{name}"


def page_name(base: str, number: int) -> str:
    """``base`` for a list's first page, ``base--N`` after: ids never contain ``--``."""
    return base if number == 1 else f"{base}--{number}"


def page_file(base: str, number: int) -> str:
    return f"{page_name(base, number)}.md"


# --- Markdown links between pages of one language -------------------------------------------


def link(here: Folder, folder: Folder, name: str) -> str:
    """The relative Markdown link from a page of folder ``here`` to page ``name`` of ``folder``.

    Both pages are of the same language; MkDocs turns the ``.md`` link into the page's URL.
    """
    if folder == here:
        return f"{name}.md"
    up = "" if here is None else UP
    return f"{up}{in_language(folder, name)}"


# --- URLs: where the built page is served -------------------------------------------------


def lang_prefix(lang: str, default: str) -> str:
    """The default language sits at the site root, the others in a folder named by code."""
    return "" if lang == default else f"{lang}/"


def _url_in_language(folder: Folder, name: str) -> str:
    if folder is None and name == HOME:
        return ""
    return f"{name}/" if folder is None else f"{folder}/{name}/"


def url(lang: str, folder: Folder, name: str, default: str) -> str:
    """The page's URL path relative to the site root (directory URLs)."""
    return lang_prefix(lang, default) + _url_in_language(folder, name)


def protocol_url(lang: str, protocol_id: str, default: str) -> str:
    return url(lang, PROTOCOLS_DIR, protocol_id, default)


def history_url(lang: str, protocol_id: str, default: str) -> str:
    return url(lang, HISTORY_DIR, protocol_id, default)


def built_url(path: str) -> str:
    """The URL of a built file (relative to the site root): a page's folder for its index.html."""
    if path == DIRECTORY_INDEX or path.endswith(f"/{DIRECTORY_INDEX}"):
        return path.removesuffix(DIRECTORY_INDEX)
    return path


def to_site_root(from_url: str) -> str:
    """From the URL of a page or file (relative to the site root) back up to the site root.

    Relative, so links hold inside a release folder (``/RELEASE/``) and under any base path.
    """
    return UP * from_url.count("/")


def folder_to_site_root(lang: str, default: str) -> str:
    """From any page of a folder of FOLDERS in ``lang`` (they are all as deep) to the site root."""
    return UP * (lang_prefix(lang, default).count("/") + 2)


def url_between(from_url: str, to_url: str) -> str:
    """The relative URL from one page's URL to another's (any languages), up to where they part."""
    here = from_url.split("/")[:-1]
    there = to_url.split("/")
    common = 0
    while common < min(len(here), len(there) - 1) and here[common] == there[common]:
        common += 1
    return UP * (len(here) - common) + "/".join(there[common:])


def url_link(here: Folder, folder: Folder, name: str) -> str:
    """The relative URL (an HTML link, which MkDocs leaves alone) from any page of folder
    ``here`` to page ``name`` of ``folder`` in the same language."""
    return ("" if here is None else UP * 2) + _url_in_language(folder, name)


def in_release(from_url: str, release: str, to_url: str) -> str:
    """From a page of this release to ``to_url`` of ``release``, its sibling in the published tree."""
    return f"{to_site_root(from_url)}{UP}{release}/{to_url}"
