"""constraints.txt pins every package of the install, within pyproject.toml's ranges.

A fresh clone (`make install`) installs exactly these versions; these tests fail when the
pins, the ranges and the installed environment drift apart.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import Version

from .conftest import REPO


def pins(text: str) -> dict[NormalizedName, Version]:
    """``name==version`` lines, comments and blank lines skipped; anything else is an error."""
    result: dict[NormalizedName, Version] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        assert sep and name.strip() and version.strip(), f"constraints.txt:{number}: not name==version"
        result[canonicalize_name(name)] = Version(version.strip())
    return result


def top_level() -> list[Requirement]:
    """pyproject.toml's dependencies and its `test` extra: what `make install` installs."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = [Requirement(text) for text in
                    project["dependencies"] + project["optional-dependencies"]["test"]]
    return [req for req in requirements if req.marker is None or req.marker.evaluate()]


def installed_tree(roots: list[Requirement]) -> set[NormalizedName]:
    """Every distribution the installed environment uses for ``roots``, transitively,
    following each requirement's markers (and extras) on this Python and platform."""
    visited: set[tuple[NormalizedName, str]] = set()
    todo = list(roots)
    while todo:
        req = todo.pop()
        name = canonicalize_name(req.name)
        for extra in ("", *sorted(req.extras)):
            if (name, extra) in visited:
                continue
            visited.add((name, extra))
            for text in metadata.distribution(req.name).requires or []:
                dependency = Requirement(text)
                if dependency.marker is None or dependency.marker.evaluate({"extra": extra}):
                    todo.append(dependency)
    return {name for name, _ in visited}


LOCK_TEXT = (REPO / "constraints.txt").read_text(encoding="utf-8")
LOCK = pins(LOCK_TEXT)
# `make lock` records the Python it ran on; markers may leave packages out on another.
LOCK_PYTHON = re.search(r"^# Python (\d+\.\d+)$", LOCK_TEXT, re.M)


def test_pins_parse() -> None:
    assert pins("# a comment\n\nmkdocs==1.6.1  # why\n") == {"mkdocs": Version("1.6.1")}
    with pytest.raises(AssertionError, match="constraints.txt:1: not name==version"):
        pins("mkdocs>=1.6\n")


@pytest.mark.parametrize("requirement", top_level(), ids=str)
def test_pyproject_ranges_admit_the_pins(requirement: Requirement) -> None:
    name = canonicalize_name(requirement.name)
    assert name in LOCK, f"{requirement.name} is not pinned in constraints.txt (run make lock)"
    assert requirement.specifier.contains(LOCK[name], prereleases=True), (
        f"constraints.txt pins {name}=={LOCK[name]}, outside pyproject.toml's {requirement}")


def test_every_installed_dependency_is_pinned_and_installed_as_pinned() -> None:
    tree = installed_tree(top_level())
    assert {"mkdocs", "mkdocs-material", "markdown", "pygments", "pytest"} <= tree
    unpinned = sorted(tree - LOCK.keys())
    assert unpinned == [], f"not in constraints.txt (run make lock): {unpinned}"
    drifted = {name: (metadata.version(name), str(LOCK[name])) for name in sorted(tree)
               if Version(metadata.version(name)) != LOCK[name]}
    assert drifted == {}, f"installed (left) is not the pinned version (right): {drifted}"


def test_nothing_is_pinned_that_the_install_does_not_use() -> None:
    assert LOCK_PYTHON, "constraints.txt names no '# Python X.Y' it was made with"
    if LOCK_PYTHON.group(1) != f"{sys.version_info.major}.{sys.version_info.minor}":
        pytest.skip(f"constraints.txt was made with Python {LOCK_PYTHON.group(1)}")
    stale = sorted(LOCK.keys() - installed_tree(top_level()))
    assert stale == [], f"pinned but not used by the install (run make lock): {stale}"
