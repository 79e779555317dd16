"""The calculator widget: one block of HTML per page language, driven by calculator.js.

The HTML carries everything the reader needs without JavaScript (labels, units, the
formula, the band table, the source and the version, or a link to them); the runtime only
fills in results. The spec is a JSON file of the site, one per calculator and language,
with every expression already parsed, so the browser never parses an expression itself;
the widget names it by a URL relative to its page, and calculator.js fetches it. Keeping
it out of the page keeps a page with five widgets under 40 KB. No inline script, handler
or style: the site runs under ``Content-Security-Policy: script-src 'self'``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from fractions import Fraction
from html import escape
from typing import Any

from . import expr as ex
from .evaluate import input_messages
from .exact import to_text
from .i18n import decimal_symbol, languages, not_approved, number, ui
from .reading import reader_text
from .spec import (
    Band,
    CalculatorSpec,
    CasesStep,
    CheckStep,
    Input,
    LetStep,
    NoticeStep,
    Output,
    RequireStep,
    TableStep,
)

SPEC_JSON_VERSION = 3  # bump when the shape of page_spec changes (3: table texts, bounds)
SPEC_DIR = "assets/calculators"  # under the site root, beside calculator.js


# ---------------------------------------------------------------- the page's JSON


def page_spec(spec: CalculatorSpec, lang: str) -> dict[str, Any]:
    """The spec as the browser runtime reads it: parsed trees, texts of one language."""
    return {
        "format": SPEC_JSON_VERSION,
        "id": spec.id,
        "version": spec.version,
        "status": spec.status,
        "lang": lang,
        "inputs": [_input_json(item, lang) for item in spec.inputs],
        "logic": [_step_json(spec, step, lang) for step in spec.logic],
        "outputs": [_output_json(spec, item, lang) for item in spec.outputs],
        "decimal": decimal_symbol(lang),
        "messages": {key: ui(lang, key) for key in (
            "impossible", "empty", "band", "link_waiting", "link_implausible", "link_typed",
            "link_restore", "copy", "copied", "copy_failed", "reset", "unrounded")},
        "chart": None if spec.chart is None else {
            "kind": spec.chart.kind, "start": spec.chart.start, "end": spec.chart.end,
            "days": spec.chart.days, "targetLogPerWeek": spec.chart.target_log_per_week,
            "title": spec.chart.title[lang],
            "labels": {k: ui(lang, f"chart_{k}") for k in ("start", "end", "target")},
        },
    }


def _input_json(item: Input, lang: str) -> dict[str, Any]:
    link = item.link
    return {
        "id": item.id,
        "type": item.type,
        "whole": item.whole_number,
        "range": [to_text(v) for v in item.range] if item.range else None,
        "plausible": [to_text(v) for v in item.plausible] if item.plausible else None,
        "choices": [c.code for c in item.choices],
        "messages": input_messages(item, lang),
        "optional": item.optional,
        "default": item.default,
        "shared": item.shared,
        "link": None if link is None else {
            "calculator": link.calculator, "output": link.output, "label": link.label[lang],
            "max": None if link.max is None else to_text(link.max)},
    }


def _when(tree: ex.Expr | None) -> dict[str, Any] | None:
    return None if tree is None else ex.to_json(tree)


def _step_json(spec: CalculatorSpec, step: object, lang: str) -> dict[str, Any]:
    if isinstance(step, LetStep):
        return {"kind": "let", "name": step.name, "expr": ex.to_json(step.expr)}
    if isinstance(step, CasesStep):
        return {"kind": "cases", "name": step.name, "by": step.by,
                "cases": {code: ex.to_json(tree) for code, tree, _ in step.cases}}
    if isinstance(step, CheckStep):
        return {"kind": "check", "expr": ex.to_json(step.expr), "message": step.message[lang]}
    if isinstance(step, RequireStep):
        return {"kind": "require", "names": list(step.names), "when": _when(step.when)}
    if isinstance(step, NoticeStep):
        return {"kind": "notice", "message": step.message[lang], "when": _when(step.when)}
    assert isinstance(step, TableStep)
    return {"kind": "table", "name": step.name, "by": step.by, "column": step.column,
            "sets": list(step.sets), "overrideBy": step.override_by,
            "bands": [_band_json(b, lang, _unit_of(spec, step.by, lang)) for b in step.bands],
            "overrides": {code: _band_json(b, lang) for code, b in step.overrides.items()},
            "shown": _table_text(spec, step, lang)}


def _band_json(band: Band, lang: str, unit: str = "") -> dict[str, Any]:
    """Numbers as exact text (``{"n": "0.625"}``), codes as strings, null as null.

    ``shown`` is the label as said under the result, with the unit of the value the band
    is chosen by after its last number ("50–69 mL/min", "< 10 mL/min, no dialysis").
    """
    return {"label": band.label[lang], "shown": _with_unit(band.label[lang], unit),
            "lower": None if band.lower is None else to_text(band.lower),
            "lowerInclusive": band.lower_inclusive,
            "upper": None if band.upper is None else to_text(band.upper),
            "upperInclusive": band.upper_inclusive,
            "notice": None if band.notice is None else band.notice[lang],
            "cells": {code: {name: {"n": to_text(v)} if isinstance(v, Fraction) else v
                             for name, v in cell.items()}
                      for code, cell in band.cells.items()}}


def _with_unit(label: str, unit: str) -> str:
    last = max((m.end() for m in re.finditer(r"[0-9]", label)), default=0)
    return label if not unit or not last else f"{label[:last]} {unit}{label[last:]}"


def _output_json(spec: CalculatorSpec, item: Output, lang: str) -> dict[str, Any]:
    return {"id": item.id, "type": item.type, "expr": ex.to_json(item.expr),
            "decimals": item.decimals, "allowNegative": item.allow_negative,
            "roundDown": item.round_down, "bounds": _bounds(spec, item),
            "codes": {code: text[lang] for code, text in item.codes.items()}}


def _bounds(spec: CalculatorSpec, item: Output) -> list[str]:
    """The band bounds a table of the spec compares this output's value with.

    The page shows the value with more digits where the rounded one would sit on a bound
    the value is not on ("1" for 1.0004 beside the band "> 1.0 – 1.4").
    """
    found: set[Fraction] = set()
    for step in spec.logic:
        if isinstance(step, TableStep) and step.by == item.source:
            for band in step.bands:
                found.update(v for v in (band.lower, band.upper) if v is not None)
    return [to_text(v) for v in sorted(found)]


def _table_text(spec: CalculatorSpec, step: TableStep, lang: str) -> dict[str, Any]:
    """The dosing table as the page shows it under the widget: finished texts."""
    by_unit = _unit_of(spec, step.by, lang)
    column = spec.input(step.column)
    return {"caption": f"{ui(lang, 'table')}: {_label_of(spec, step.by, lang)}"
                       + (f" ({by_unit})" if by_unit else ""),
            "head": [ui(lang, "band"), *(c.label[lang] for c in column.choices)],
            "rows": [[band.label[lang],
                      *(_cell_text(spec, band, c.code, step, lang) for c in column.choices)]
                     for band in _table_bands(step)]}


def _table_bands(step: TableStep) -> tuple[Band, ...]:
    """High to low, as the label prints it; then the rows chosen by another input."""
    return (*reversed(step.bands), *step.overrides.values())


def spec_json(spec: CalculatorSpec, lang: str) -> str:
    """The spec file's text; '<', '>' and '&' escaped, so it could never end an HTML element."""
    text = json.dumps(page_spec(spec, lang), ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def spec_path(calc_id: str, lang: str) -> str:
    """Where the spec file of one calculator and language lives, relative to the site root."""
    return f"{SPEC_DIR}/{calc_id}.{lang}.json"


def spec_reference(spec: CalculatorSpec, lang: str) -> str:
    """``spec_path`` plus a digest of the file's content as the query.

    A page and the spec it was built with always go together: a browser or proxy that
    kept an earlier copy of the file asks for a different URL once the spec changes.
    """
    digest = hashlib.sha256(spec_json(spec, lang).encode("utf-8")).hexdigest()[:16]
    return f"{spec_path(spec.id, lang)}?v={digest}"


# ---------------------------------------------------------------- HTML


def render_widget(spec: CalculatorSpec, lang: str, spec_url: str,
                  details_url: str | None = None,
                  defaults: Mapping[str, str] | None = None) -> str:
    """The widget for a page in ``lang``: one HTML block without blank lines.

    ``spec_url`` is the spec file relative to the page (see ``spec_reference``). With a
    ``details_url`` (the calculator's own page, relative to this one) the widget links to
    "How this is calculated" instead of carrying it: a protocol page with several
    widgets stays small, and the formula, table and source are one click away.
    ``defaults`` (input id -> option code, from ``site_config``) preselects an option of
    a choice input for this language, e.g. the creatinine unit its labs report.
    """
    if lang not in languages():
        raise ValueError(f"unknown language '{lang}'")
    parts = [
        f'<div class="calculator" data-calculator="{escape(spec.id)}" '
        f'data-calculator-version="{escape(spec.version)}" '
        f'data-calculator-status="{escape(spec.status)}" '
        f'data-calculator-spec="{escape(spec_url)}">',
        f'<p class="calculator-title"><strong>{escape(spec.title[lang])}</strong></p>',
        *_notice(spec, lang),
        '<div class="calculator-inputs">',
        *(_field(item, lang, _default(item, defaults)) for item in spec.inputs),
        "</div>",
        *_result(spec, lang),
        *_chart(spec),
        *(_details(spec, lang) if details_url is None else _details_link(spec, lang, details_url)),
        "</div>",
    ]
    html = "\n".join(parts)
    assert "\n\n" not in html  # a blank line would end Markdown's raw HTML block
    return html


def _notice(spec: CalculatorSpec, lang: str) -> list[str]:
    if spec.status == "approved":
        return []
    return [f'<p class="calculator-notice" role="note">'
            f'{escape(not_approved(lang, spec.gives))}</p>']


def _dom_id(spec: CalculatorSpec, *parts: str) -> str:
    return "-".join(("calc", spec.id, *parts)).replace("_", "-")


def _default(item: Input, defaults: Mapping[str, str] | None) -> str | None:
    """The site's default for this language where it is an option of the input (the check
    refuses any other), else the spec's."""
    chosen = (defaults or {}).get(item.id)
    return chosen if any(c.code == chosen for c in item.choices) else item.default


def _field(item: Input, lang: str, default: str | None) -> str:
    """One input, labelled by the label around it (no id or ``for`` to repeat).

    Only what the page needs before calculator.js runs: ``type`` is text by default (a
    number field drops a decimal comma in some browsers), and calculator.js sets
    ``autocomplete``, ``spellcheck`` and ``aria-describedby`` on every control, as the
    widget does nothing without it.
    """
    unit = f' <span class="calculator-unit">({escape(item.unit[lang])})</span>' \
        if item.unit else ""
    if item.type == "choice":
        options = "".join(
            f'<option value="{escape(c.code)}"{" selected" if c.code == default else ""}>'
            f'{escape(c.label[lang])}</option>'
            for c in item.choices
        )
        placeholder = "" if default else \
            f'<option value="">{escape(ui(lang, "placeholder_choice"))}</option>'
        control = f'<select name="{escape(item.id)}">{placeholder}{options}</select>'
    else:
        mode = "numeric" if item.whole_number else "decimal"
        control = f'<input name="{escape(item.id)}" inputmode="{mode}">'
    # calculator.js adds a note under a linked field, on a page with its source only
    return f"<div><label>{escape(item.label[lang])}{unit}{control}</label></div>"


def _result(spec: CalculatorSpec, lang: str) -> list[str]:
    rows = []
    for item in spec.outputs:
        unit = f' <span class="calculator-unit">{escape(item.unit[lang])}</span>' \
            if item.unit else ""
        rows.append(
            f'<div><dt>{escape(item.label[lang])}</dt>'
            f'<dd><span data-output="{escape(item.id)}" data-value="">'
            f'{escape(ui(lang, "empty"))}</span>{unit}</dd></div>'
        )
    bands = [
        f'<p class="calculator-band" data-band="{escape(step.name)}" hidden></p>'
        for step in spec.logic if isinstance(step, TableStep)
    ]
    return [
        f'<div class="calculator-result" aria-live="polite" '
        f'aria-label="{escape(ui(lang, "result"))}">',
        '<dl class="calculator-outputs">', *rows, "</dl>",
        *bands,
        '<ul class="calculator-messages"></ul>',
        # shown by calculator.js when the spec cannot be loaded: then no result at all
        f'<p class="calculator-unavailable" hidden>{escape(ui(lang, "unavailable"))}</p>',
        "</div>",
    ]


def _chart(spec: CalculatorSpec) -> list[str]:
    return [] if spec.chart is None else ['<div class="calculator-chart" data-chart></div>']


# ---------------------------------------------------------------- details


def details_id(spec: CalculatorSpec) -> str:
    """The id of the "How this is calculated" block on the calculator's own page."""
    return _dom_id(spec, "details")


def _details_link(spec: CalculatorSpec, lang: str, url: str) -> list[str]:
    tables = any(isinstance(step, TableStep) for step in spec.logic)
    what = ui(lang, "details_with_table" if tables else "details_without_table")
    return [f'<p class="calculator-details-link"><a href="{escape(url)}#{details_id(spec)}">'
            f'{escape(ui(lang, "details"))}</a> ({escape(what)})</p>']


def _details(spec: CalculatorSpec, lang: str) -> list[str]:
    parts = [
        f'<details class="calculator-details" id="{details_id(spec)}" open>',
        f'<summary>{escape(ui(lang, "details"))}</summary>',
        f'<p class="calculator-heading">{escape(ui(lang, "formula"))}</p>',
        '<ul class="calculator-formula">',
        *(f"<li>{line}</li>" for line in _formula_lines(spec, lang)),
        "</ul>",
    ]
    for step in spec.logic:
        if isinstance(step, TableStep):
            parts += _table(spec, step, lang)
    parts += [f'<p class="calculator-heading">{escape(ui(lang, "limits"))}</p>',
              '<ul class="calculator-limits">',
              *(f"<li>{_limit(item, lang)}</li>" for item in spec.inputs if item.range),
              "</ul>"]
    if spec.notes:
        parts += [f'<p class="calculator-heading">{escape(ui(lang, "notes"))}</p>',
                  '<ul class="calculator-notes">',
                  *(f"<li>{escape(note[lang])}</li>" for note in spec.notes), "</ul>"]
    parts += [f'<p class="calculator-heading">{escape(ui(lang, "source"))}</p>',
              '<ul class="calculator-source">',
              *(f"<li>{escape(source[lang])}</li>" for source in spec.source), "</ul>",
              f'<p class="calculator-version">{escape(ui(lang, "version"))}: '
              f'{escape(spec.version)} · {escape(ui(lang, "status"))}: '
              f'{escape(ui(lang, "status_" + spec.status))}</p>',
              "</details>"]
    return parts


def _formula_lines(spec: CalculatorSpec, lang: str) -> list[str]:
    """Each step as a reader writes it: labels, × and −, the page's numbers and words."""
    def name(ident: str) -> str:
        return _label_of(spec, ident, lang).replace("_", " ") if ident else ident

    def said(tree: ex.Expr) -> str:
        return escape(reader_text(tree, lang, name))

    lines: list[str] = []
    for step in spec.logic:
        if isinstance(step, LetStep):
            lines.append(f"{escape(name(step.name))} = {said(step.expr)}")
        elif isinstance(step, CasesStep):
            by = spec.input(step.by)
            labels = {c.code: c.label[lang] for c in by.choices}
            cases = "; ".join(f"{escape(labels[code])}: {said(tree)}"
                              for code, tree, _ in step.cases)
            lines.append(f"{escape(name(step.name))} ({escape(by.label[lang])}) = {cases}")
        elif isinstance(step, CheckStep):  # the expression must hold: the message says it did not
            lines.append(escape(ui(lang, "formula_unless")).format(
                condition=said(step.expr), message=escape(step.message[lang])))
        elif isinstance(step, NoticeStep) and step.when is not None:
            lines.append(escape(ui(lang, "formula_if")).format(
                condition=said(step.when), message=escape(step.message[lang])))
        elif isinstance(step, NoticeStep):
            lines.append(escape(step.message[lang]))
        elif isinstance(step, RequireStep):
            continue  # which inputs are needed is said by the messages themselves
        else:
            assert isinstance(step, TableStep)
            lines.append(f"{', '.join(escape(name(s)) for s in step.sets)} ← "
                         f"{escape(ui(lang, 'table'))} ({escape(name(step.by))})")
    for item in spec.outputs:
        if item.type == "number" and item.source != item.id:
            lines.append(f"{escape(item.label[lang])} = {said(item.expr)}")
    return lines


def _table(spec: CalculatorSpec, step: TableStep, lang: str) -> list[str]:
    """The dosing table. On a narrow screen calculator.css stacks each row, every cell under
    its column's name (``data-label``); the roles keep it a table for screen readers then."""
    choices = spec.input(step.column).choices
    labels = [escape(c.label[lang]) for c in choices]
    head = "".join(f'<th role="columnheader">{label}</th>' for label in labels)
    band_head = escape(ui(lang, "band"))
    rows = []
    for band in _table_bands(step):
        cells = "".join(f'<td role="cell" data-label="{label}">'
                        f"{_cell(spec, band, c.code, step, lang)}</td>"
                        for c, label in zip(choices, labels, strict=True))
        label = escape(band.label[lang])
        rows.append(f'<tr role="row" data-band-label="{label}"><th role="rowheader" '
                    f'data-label="{band_head}">{label}</th>{cells}</tr>')
    by_unit = _unit_of(spec, step.by, lang)
    caption = f"{ui(lang, 'table')}: {_label_of(spec, step.by, lang)}" + \
        (f" ({by_unit})" if by_unit else "")
    return [f'<p class="calculator-heading">{escape(caption)}</p>',
            '<div class="calculator-table-wrap">',
            '<table class="calculator-table" role="table"><thead><tr role="row">'
            f'<th role="columnheader">{band_head}</th>{head}</tr></thead><tbody>',
            *rows, "</tbody></table></div>"]


def _cell(spec: CalculatorSpec, band: Band, code: str, step: TableStep, lang: str) -> str:
    return escape(_cell_text(spec, band, code, step, lang))


def _cell_text(spec: CalculatorSpec, band: Band, code: str, step: TableStep, lang: str) -> str:
    shown = []
    for name in step.sets:
        value = band.cells[code][name]
        output = next((o for o in spec.outputs if o.source == name), None)
        if value is None:
            continue  # "not recommended" is said by the code next to it
        if isinstance(value, str):
            shown.append(output.codes[value][lang] if output else value)
        else:
            unit = output.unit[lang] if output and output.unit else ""
            shown.append(f"{number(value, lang)} {unit}".strip())
    return ", ".join(shown)


def _label_of(spec: CalculatorSpec, name: str, lang: str) -> str:
    """What a value is called on the page: its input's or output's label, else its name."""
    for item in spec.inputs:
        if item.id == name:
            return item.label[lang]
    for output in spec.outputs:
        if name in (output.id, output.source):
            return output.label[lang]
    for step in spec.logic:
        if isinstance(step, (LetStep, CasesStep)) and step.name == name and step.label:
            return step.label[lang]
    return name


def _unit_of(spec: CalculatorSpec, name: str, lang: str) -> str:
    for item in spec.inputs:
        if item.id == name and item.unit:
            return item.unit[lang]
    for output in spec.outputs:
        if output.source == name and output.unit:
            return output.unit[lang]
    return ""


def _limit(item: Input, lang: str) -> str:
    assert item.range is not None
    unit = f" {item.unit[lang]}" if item.unit else ""
    low, high = item.plausible or item.range
    text = f"{item.label[lang]}: {number(low, lang)}–{number(high, lang)}{unit}"
    if item.whole_number:
        text += f" ({ui(lang, 'whole')})"
    return escape(text)
