"""The folders follow the pipeline: a package imports only the floors below it.

sources <- checks, calculators <- pages <- engine, release <- pipeline, preview <- cli. An
import that runs the other way must be named in ALLOWED with the entanglement it stands for, so
that each one is a visible debt rather than a hidden cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator"

FLOORS = {"sources": 0, "checks": 1, "calculators": 1, "pages": 2, "engine": 3, "release": 3,
          "pipeline": 4, "preview": 4, "cli": 5, "assets": 0}

# (importing module, imported module): imports against the pipeline's direction that remain.
ALLOWED = {
    # The source model names CalculatorSpec (for type checking only): calculator specs are
    # source models kept in their own package.
    ("sources.model", "calculators"),
    # Publishing builds the release by running the whole pipeline: release/ orchestrates
    # beside pipeline.py rather than sitting below it.
    ("release.publish", "pipeline"),
}


def _floor(module: str) -> int:
    return FLOORS[module.split(".")[0]]


def _imports(path: Path) -> set[str]:
    """The generator modules (relative to the package) that one file imports."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    package = parts[:-1] if parts[-1] != "__init__" else parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - (node.level - 1)]
            target = base + (node.module.split(".") if node.module else [])
            found |= {_name(target, a.name) for a in node.names}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("generator."):
            found.add(node.module.removeprefix("generator."))
    return found


def _name(target: list[str], name: str) -> str:
    """`from <target> import <name>` imports module target.name when that is a module."""
    module = PACKAGE.joinpath(*target, name)
    if module.with_suffix(".py").exists() or (module / "__init__.py").exists():
        return ".".join(target + [name])
    return ".".join(target)


def _edges() -> set[tuple[str, str]]:
    edges = set()
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).with_suffix("")
        module = ".".join(p for p in rel.parts if p != "__init__") or "__init__"
        if module == "__init__":
            continue
        edges |= {(module, target) for target in _imports(path)}
    return edges


def _backwards() -> set[tuple[str, str]]:
    found = set()
    for module, target in _edges():
        if _floor(target) > _floor(module):
            found.add((module, target))
    return found


def test_no_import_runs_against_the_pipeline() -> None:
    unexpected = sorted(_backwards() - ALLOWED)
    assert not unexpected, ("imports from a later stage (move the code, or name the "
                            f"entanglement in ALLOWED): {unexpected}")


def test_every_allowed_backwards_import_still_exists() -> None:
    # Once an entanglement is undone, its entry goes too, so the list stays the truth.
    assert sorted(ALLOWED - _backwards()) == []


def test_every_top_level_package_has_a_floor() -> None:
    tops = {p.stem if p.is_file() else p.name for p in PACKAGE.iterdir()
            if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()}
    assert tops <= set(FLOORS), f"a new folder or module needs a floor: {sorted(tops - set(FLOORS))}"


def test_no_cycle_between_packages_but_the_allowed() -> None:
    graph: dict[str, set[str]] = {}
    for module, target in _edges() - ALLOWED:
        a, b = module.split(".")[0], target.split(".")[0]
        if a != b:
            graph.setdefault(a, set()).add(b)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n}))
                   for n in graph.get(start, ()))

    cycles = sorted(p for p in graph if reaches(p, p, {p}))
    assert not cycles, f"packages in an import cycle: {cycles}"


def test_render_and_indexes_do_not_import_each_other() -> None:
    edges = _edges()
    assert ("pages.indexes", "pages.render") not in edges
    assert ("pages.home", "pages.render") not in edges
