"""Stage 5, the only one that knows the engine: MkDocs + Material + mkdocs-static-i18n.

It adds the per-language plugin settings derived from ``site_config/`` to the
project's ``mkdocs.yml`` through MkDocs' documented ``load_config`` overrides,
and runs MkDocs' own build or serve. Nothing of MkDocs or its plugins is patched.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from .model import SiteConfig
from .problems import Problem

CONFIG_FILE = "mkdocs.yml"


def plugin_settings(site: SiteConfig) -> list[Any]:
    languages = [
        {
            "locale": lang.code,
            "name": lang.name,
            "default": lang.default,
            "build": True,
            "site_name": site.site_name[lang.code],
        }
        for lang in site.languages
    ]
    return [
        {"search": {}},
        {"i18n": {
            "docs_structure": "folder",
            # Every page exists in every language (the generator writes fallbacks
            # itself, with a notice), so the plugin never has to fall back.
            "fallback_to_default": False,
            "reconfigure_material": True,
            "reconfigure_search": True,
            "languages": languages,
        }},
    ]


def overrides(site: SiteConfig, docs_dir: Path, site_dir: Path | None) -> dict[str, Any]:
    result: dict[str, Any] = {"docs_dir": str(docs_dir), "plugins": plugin_settings(site),
                              # the sanitiser of page content (generator/mkdocs_hooks.py)
                              "hooks": [str(Path(__file__).with_name("mkdocs_hooks.py"))]}
    if site_dir is not None:
        result["site_dir"] = str(site_dir)
    return result


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _captured_mkdocs_log() -> Iterator[_Capture]:
    logger = logging.getLogger("mkdocs")
    handler = _Capture()
    logger.addHandler(handler)
    propagate = logger.propagate
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def build(root: Path, site: SiteConfig, docs_dir: Path, site_dir: Path) -> list[Problem]:
    """Build the site; return MkDocs' warnings and errors as problems (strict: any fails)."""
    config_file = root / CONFIG_FILE
    with _captured_mkdocs_log() as log:
        try:
            config = load_config(str(config_file), **overrides(site, docs_dir, site_dir))
            config["strict"] = True
            mkdocs_build(config)
            failure = None
        except MkDocsException as exc:
            failure = str(exc)
        except SystemExit as exc:  # MkDocs' config errors end in an Abort/SystemExit
            failure = f"MkDocs stopped: {exc}"
    problems = [Problem(CONFIG_FILE, 1, f"MkDocs: {message}") for message in log.messages]
    if failure and not problems:
        problems.append(Problem(CONFIG_FILE, 1, f"MkDocs: {failure}"))
    return problems


def serve(root: Path, site: SiteConfig, docs_dir: Path, address: str) -> None:
    """MkDocs' own live-reloading server, watching the generated docs."""
    from mkdocs.commands.serve import serve as mkdocs_serve

    mkdocs_serve(config_file=str(root / CONFIG_FILE), dev_addr=address, livereload=True,
                 strict=False, **overrides(site, docs_dir, None))
