"""mkdocs-static-i18n's per-file step, without its path objects.

The plugin's ``on_files`` turns every file of the docs into a file of the language being
built, and again every other language's copy of each page into an alternate of it:
two calls of ``folder.create_i18n_file`` per page and language, each building a dozen
``PurePath`` objects and formatting two debug messages that are not logged: work that
grows with the number of pages, in every language's build and every live-preview rebuild.

:func:`create_i18n_file` does the same on the strings of ordinary paths (no ``.``,
``..`` or empty parts, which the folders of ``content/`` never have) and hands
anything else to the plugin's own function. ``tests/test_i18n_files.py`` compares the
two on every file of a site for every language, attribute by attribute, and the
parallel build's test compares whole sites with the plugin's unpatched build.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from mkdocs.structure.files import File
from mkdocs_static_i18n import folder  # type: ignore[import-untyped]
from mkdocs_static_i18n.config import RE_LOCALE  # type: ignore[import-untyped]

from . import speedups

original = folder.create_i18n_file


def _ordinary(path: str) -> bool:
    return bool(path) and not path.startswith("/") and "\\" not in path and all(
        part not in ("", ".", "..") for part in path.split("/"))


def _under(path: str, folder_name: str) -> str | None:
    """``path`` relative to ``folder_name`` if it is inside it (as ``PurePath.relative_to``)."""
    if path == folder_name:
        return "."
    if path.startswith(folder_name + "/"):
        return path[len(folder_name) + 1:]
    return None


def create_i18n_file(file: File, current_language: str, default_language: str,
                     all_languages: list[str], config: Any) -> File:
    speedups.USED["i18n-files"] += 1
    src_path, dest_path = file.src_uri, file.dest_uri
    if not (_ordinary(src_path) and _ordinary(dest_path)):
        return cast(File, original(file, current_language, default_language, all_languages,
                                   config))
    new: Any = File(file.src_path, config.docs_dir, file.dest_path, config.use_directory_urls,
               dest_uri=file.dest_uri, inclusion=file.inclusion)

    # The plugin: the first folder is the locale if it is a language or looks like one.
    first = src_path.split("/", 1)[0]
    if first in all_languages or RE_LOCALE.match(first):
        locale, localization = first, first
    else:
        locale, localization = default_language, None

    if dest_path.rsplit("/", 1)[-1].endswith("README.html"):
        dest_path = dest_path[:dest_path.rfind("/") + 1] + "index.html"

    moved: str | None = None
    inside = _under(dest_path, locale)
    if locale != current_language:
        if inside is not None:
            moved = current_language if inside == "." else f"{current_language}/{inside}"
        elif current_language != default_language:
            moved = f"{current_language}/{dest_path}"
    elif locale == default_language:
        if inside is not None:
            moved = inside
        elif current_language != default_language:
            moved = f"{current_language}/{dest_path}"
    if moved is not None:
        new.dest_uri = moved
    new.abs_dest_path = os.path.normpath(os.path.join(config.site_dir, new.dest_uri))

    if new.name == "README":
        new.name = "index"
    new.url = new._get_url(config.use_directory_urls)

    new.alternates = {current_language: new}
    new.locale = locale
    new.locale_alternate_of = current_language
    new.localization = localization
    new.norm_src_uri = new.src_uri
    if localization:
        relative = _under(new.src_uri, localization)
        new.norm_src_uri = relative if relative is not None else new.src_uri
    return cast(File, new)


@contextmanager
def patched() -> Iterator[None]:
    """The plugin's ``on_files`` uses :func:`create_i18n_file` while this lasts."""
    folder.create_i18n_file = create_i18n_file
    try:
        yield
    finally:
        folder.create_i18n_file = original
