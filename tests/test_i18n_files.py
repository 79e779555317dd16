"""The fast per-file step of mkdocs-static-i18n gives the plugin's own files, attribute by
attribute, for every file of a site and every language being built."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs_static_i18n import folder

from generator.engine import i18n_files, mkdocs_site
from generator.sources.config import load_site_config
from generator.sources.problems import Problems

from .conftest import DEFAULT_LANGUAGE, SITE_LANGUAGES

LANGS = list(SITE_LANGUAGES)
ATTRIBUTES = ("src_uri", "dest_uri", "abs_src_path", "abs_dest_path", "url", "name",
              "inclusion", "locale", "localization", "locale_alternate_of", "norm_src_uri")


def _state(file: File) -> tuple[Any, ...]:
    return (*(getattr(file, name) for name in ATTRIBUTES), sorted(file.alternates))


def _config(root: Path, site: Path) -> Any:
    settings = load_site_config(root, Problems())
    return mkdocs_site._load(root, settings, root / "content", site, versioned=False)


# Paths the repository's content has and some it never has, which the plugin also takes:
# a README, a page at the root, a folder that looks like a locale but is not configured,
# an asset, a folder named as a language deeper down, and parts the fast path refuses.
ODD = ["index.md", "README.md", "en/README.md", "nl/sub/README.md", "fr/page.md", "pt-BR/a.md",
       "assets/x.css", "en/assets/x.png", "guides/nl/page.md", "nl", "en/a/../b.md",
       "nl/./c.md", "en/READMEfoo.md", "xREADME.md", "en/protocols/a.b.md"]


def _files(config: Any, docs: Path) -> list[File]:
    from mkdocs.structure.files import get_files

    found = list(get_files(config))
    odd = [File(path, str(docs), config.site_dir, config.use_directory_urls) for path in ODD]
    odd.append(File("nl/x.md", str(docs), config.site_dir, config.use_directory_urls,
                    dest_uri="nl/elsewhere/README.html", inclusion=InclusionLevel.NOT_IN_NAV))
    assert len(found) > 40  # the seed site's content, all three languages
    return found + odd


@pytest.mark.parametrize("use_directory_urls", [True, False])
@pytest.mark.parametrize("current", LANGS)
def test_every_file_as_the_plugin_makes_it(seed_build: Path, tmp_path: Path, current: str,
                                           use_directory_urls: bool) -> None:
    docs = seed_build / "content"
    config = _config(seed_build, tmp_path / "site")
    config["use_directory_urls"] = use_directory_urls
    for file in _files(config, docs):
        theirs = i18n_files.original(file, current, DEFAULT_LANGUAGE, LANGS, config)
        ours = i18n_files.create_i18n_file(file, current, DEFAULT_LANGUAGE, LANGS, config)
        assert _state(ours) == _state(theirs), file.src_uri


def test_the_plugins_file_list_and_alternates_are_unchanged(seed_build: Path,
                                                            tmp_path: Path) -> None:
    docs = seed_build / "content"
    for current in LANGS:
        runs = []
        for patch in (False, True):
            config = _config(seed_build, tmp_path / "site")
            i18n = config.plugins["i18n"]
            i18n.current_language = current
            files = Files(_files(config, docs)[:-len(ODD) - 1])
            if patch:
                with i18n_files.patched():
                    result = i18n.reconfigure_files(files, config)
                assert folder.create_i18n_file is i18n_files.original
            else:
                result = i18n.reconfigure_files(files, config)
            runs.append(sorted((_state(f), {lang: _state(alt)[:4] for lang, alt in
                                            getattr(f, "alternates", {}).items()})
                               for f in result if hasattr(f, "locale")))
        assert runs[0] == runs[1], current
        assert len(runs[0]) > 10  # the pages and assets of the language
