"""What a protocol's bodies name that does not exist: protocols, headings, references,
calculators. Checked once per body on its parsed syntax (``sources/syntax.py``), never
per reader language: the pages then show a name only when it was found here."""

from __future__ import annotations

from ..sources.model import Body, Project, Protocol
from ..sources.problems import Problem, Problems
from ..sources.syntax import Citation, Line, Link, Prose


def check_links(project: Project, protocol: Protocol,
                calculators: frozenset[str]) -> list[Problem]:
    """The problems of every body of ``protocol``, in the order of bodies, lines and pieces."""
    found = Problems()
    references = {ref.key for ref in protocol.references}
    for body in protocol.bodies.values():
        for line in body.syntax.lines:
            if isinstance(line, Line):
                _check_line(project, protocol, body, line, references, calculators, found)
    return found.items


def _check_line(project: Project, protocol: Protocol, body: Body, line: Line,
                references: set[str], calculators: frozenset[str], found: Problems) -> None:
    if line.calc is not None:
        _check_calculator(protocol, body, line, calculators, found)
    for part in line.parts:
        if not isinstance(part, Prose):
            continue
        if part.inline_calc:
            found.error(body.path, line.number, "a calculator must stand on a line of its own",
                        "put [[calc:id]] alone on its line, with blank lines around it")
        # Every link of a stretch of prose before its citations, as they were always reported.
        for piece in part.pieces:
            if isinstance(piece, Link):
                _check_link(project, body.path, line.number, piece, found)
        for piece in part.pieces:
            if isinstance(piece, Citation) and piece.key not in references:
                found.error(body.path, line.number,
                            f"citation of unknown reference '{piece.key}'",
                            "declare it under 'references' in protocol.yaml")


def _check_link(project: Project, path: str, number: int, link: Link, found: Problems) -> None:
    target = project.protocols.get(link.target)
    if target is None:
        found.error(path, number, f"link to unknown protocol '{link.target}'")
        return
    headings = target.original.headings
    if link.anchor and all(heading.id != link.anchor for heading in headings):
        found.error(path, number,
                    f"link to unknown heading '{link.anchor}' in protocol '{link.target}'",
                    f"headings of {link.target}: " + ", ".join(h.id for h in headings))


def _check_calculator(protocol: Protocol, body: Body, line: Line,
                      calculators: frozenset[str], found: Problems) -> None:
    calc_id = line.calc or ""
    if calc_id not in calculators:
        known = ", ".join(sorted(calculators)) or "none"
        found.error(body.path, line.number, f"unknown calculator '{calc_id}'",
                    f"known calculators: {known}")
    elif calc_id not in protocol.calculators:
        found.error(body.path, line.number,
                    f"calculator '{calc_id}' is embedded but not listed in protocol.yaml",
                    "add it to 'calculators' so indexes can find it")
