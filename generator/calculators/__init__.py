"""Dose calculators as reviewed data: one spec, the same answer in Python and in the page.

Public entry points:

- :func:`load_calculator`, :func:`load_calculators` (``spec``): read and validate specs
  (the models in ``specmodel``; one reader per section: ``readinputs``, ``readlogic``,
  ``readoutputs``, ``readvectors``, on ``readbase``);
- :func:`evaluate` (``evaluate``): the reference evaluator, raising :class:`CalcInputError`;
- :func:`check_vectors` (``vectors``): a spec's own test vectors as problems;
- :func:`render_widget` (``widget``): the widget HTML for one page language;
- :func:`calc_json` (``cli``): the JSON printed by ``protocols calc``.
"""

from .cli import calc_json
from .evaluate import CalcInputError, Result, evaluate
from .spec import CalculatorSpec, load_calculator, load_calculators
from .vectors import check_vectors
from .widget import render_widget

__all__ = [
    "CalcInputError",
    "CalculatorSpec",
    "Result",
    "calc_json",
    "check_vectors",
    "evaluate",
    "load_calculator",
    "load_calculators",
    "render_widget",
]
