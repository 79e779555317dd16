"""Stage 2: checks that need more than one file: relations, translations, gaps in document control."""

from __future__ import annotations

from ..sources.model import PUBLISHED_STATUSES, Body, Project, Protocol, parse_version
from ..sources.problems import Problems


def validate(project: Project, calculator_ids: set[str], problems: Problems) -> None:
    for protocol in project.protocols.values():
        _relations(protocol, project, calculator_ids, problems)
        _translations(protocol, problems)
        _document_control_gaps(protocol, problems)
    _calculator_defaults(project, problems)


def _calculator_defaults(project: Project, problems: Problems) -> None:
    """Each language default names a choice input of some calculator, and an option every
    calculator with that input offers."""
    site = project.site
    for lang, entries in site.calculator_defaults.items():
        for name, code in entries.items():
            line = site.calculator_default_lines.get((lang, name), 1)
            inputs = [item for spec in project.calculators.values() for item in spec.inputs
                      if item.id == name and item.type == "choice"]
            if not inputs:
                # a site's settings may come before its calculators: said, not refused
                if project.calculators:
                    problems.warning("site_config/site.yaml", line, "calculator_defaults: no "
                                     f"calculator has a choice input '{name}'; it does nothing")
            elif any(code not in {c.code for c in item.choices} for item in inputs):
                options = sorted({c.code for item in inputs for c in item.choices})
                problems.error("site_config/site.yaml", line,
                               f"calculator_defaults: '{code}' is not an option of '{name}'",
                               hint=f"options: {', '.join(options)}")


def _relations(protocol: Protocol, project: Project, calculator_ids: set[str],
               problems: Problems) -> None:
    for index, related in enumerate(protocol.related):
        if related == protocol.id:
            problems.error(protocol.path, protocol.line_of("related", index),
                           "a protocol cannot be related to itself")
        elif related not in project.protocols:
            problems.error(protocol.path, protocol.line_of("related", index),
                           f"related protocol '{related}' does not exist")
    for index, calc in enumerate(protocol.calculators):
        if calc not in calculator_ids:
            problems.error(protocol.path, protocol.line_of("calculators", index),
                           f"calculator '{calc}' does not exist",
                           "calculators live in protocol_src/calculators/<id>.yaml")
    for index, specialty in enumerate(protocol.specialties):
        if project.site.specialties and specialty not in project.site.specialties:
            problems.error(protocol.path, protocol.line_of("specialties", index),
                           f"unknown specialty '{specialty}'",
                           "specialties are listed in site_config/taxonomy.yaml")


def _translations(protocol: Protocol, problems: Problems) -> None:
    original = protocol.original
    if original.translation_of_version is not None:
        problems.error(original.path, original.line_of("translation_of_version"),
                       "the original must not have translation_of_version",
                       f"{protocol.original_language} is the original language in protocol.yaml")
    original_ids = [h.id for h in original.headings]
    for lang, body in protocol.bodies.items():
        if lang == protocol.original_language:
            continue
        if body.translation_of_version is None:
            problems.error(body.path, 1, "a translation needs translation_of_version",
                           f"the protocol version this text translates, e.g. \"{protocol.version}\"")
            continue
        if parse_version(body.translation_of_version) > parse_version(protocol.version):
            problems.error(body.path, body.line_of("translation_of_version"),
                           f"translation_of_version {body.translation_of_version} is newer than "
                           f"the protocol's version {protocol.version}")
        if protocol.translation_state(lang) == "outdated":
            problems.warning(body.path, body.line_of("translation_of_version"),
                             f"outdated translation: it renders version "
                             f"{body.translation_of_version}, the original {original.path} "
                             f"is at version {protocol.version}",
                             "translate the sections marked as changed, then set "
                             f"translation_of_version: \"{protocol.version}\"")
        ids = [h.id for h in body.headings]
        if ids != original_ids:
            # Anchors must work in every language; an outdated translation may lag behind.
            report = (problems.warning if protocol.translation_state(lang) == "outdated"
                      else problems.error)
            report(body.path, _first_difference_line(body, original_ids),
                   f"heading ids differ from the original {original.path}",
                   _difference_hint(ids, original_ids))


def _first_difference_line(body: Body, original_ids: list[str]) -> int:
    for index, heading in enumerate(body.headings):
        if index >= len(original_ids) or heading.id != original_ids[index]:
            return heading.line
    return body.headings[-1].line if body.headings else body.first_line


def _difference_hint(ids: list[str], original_ids: list[str]) -> str:
    missing = [i for i in original_ids if i not in ids]
    extra = [i for i in ids if i not in original_ids]
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing))
    if extra:
        parts.append("not in the original: " + ", ".join(extra))
    return "; ".join(parts) or "same ids in a different order"


def _document_control_gaps(protocol: Protocol, problems: Problems) -> None:
    """Facts the source did not record: published as 'not recorded', and reported here."""
    for key in ("owner", "review_due"):
        if getattr(protocol, key) is None:
            problems.warning(protocol.path, protocol.line_of(key), f"{key} is not recorded")
    if protocol.status in PUBLISHED_STATUSES:
        # The page would claim an approval that the source does not record.
        for key in ("approved_by", "approved_on"):
            if getattr(protocol, key) is None:
                line = protocol.line_of(key if key in protocol.field_lines else "status")
                problems.error(protocol.path, line,
                               f"{key} is not recorded for an {protocol.status} protocol",
                               "record who approved it and when, or set status: review")
    for reference in protocol.references:
        if reference.text is None:
            problems.warning(protocol.path, reference.line,
                             f"reference '{reference.key}' has no text")
    versions = [entry.version for entry in protocol.changelog]
    if protocol.version not in versions:
        problems.warning(protocol.path, protocol.line_of("changelog"),
                         f"the changelog has no entry for version {protocol.version}")
