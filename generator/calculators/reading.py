"""Expressions written as readers write them: "(140 − age) × weight / (72 × creatinine)".

Shown under "How this is calculated"; the spec's own text (``creatinine_mg_dl >= 0.2 and
…``) is for its reviewers. Names become what the page calls them (an input's or output's
label), numbers are in the page's notation, and words (and, or, not) in its language.
"""

from __future__ import annotations

from collections.abc import Callable

from . import expr as ex
from .i18n import number, ui

SYMBOLS = {"*": "×", "-": "−", "+": "+", "/": "/", "<": "<", "<=": "≤", ">": ">",
           ">=": "≥", "==": "=", "!=": "≠"}
# How tightly each operator binds, as in expr.py's grammar; higher binds tighter.
PRECEDENCE = {"or": 1, "and": 2, "not": 3, "<": 4, "<=": 4, ">": 4, ">=": 4, "==": 4, "!=": 4,
              "+": 5, "-": 5, "*": 6, "/": 6, "neg": 7}
ATOM = 8


def reader_text(tree: ex.Expr, lang: str, label: Callable[[str], str]) -> str:
    """``tree`` as a reader writes it in ``lang``; ``label`` names a value."""
    return _text(tree, lang, label)[0]


def _text(tree: ex.Expr, lang: str, label: Callable[[str], str]) -> tuple[str, int]:
    if isinstance(tree, ex.Num):
        return number(tree.value, lang), ATOM
    if isinstance(tree, ex.Name):
        return label(tree.id), ATOM
    if isinstance(tree, ex.Unary):
        inner, level = _text(tree.operand, lang, label)
        own = PRECEDENCE[tree.op]
        inner = f"({inner})" if level < own else inner
        return (f"−{inner}" if tree.op == "neg" else f"{ui(lang, 'word_not')} {inner}"), own
    if isinstance(tree, ex.Binary):
        own = PRECEDENCE[tree.op]
        left, left_level = _text(tree.left, lang, label)
        right, right_level = _text(tree.right, lang, label)
        # "and" inside "or" is bracketed, though it binds tighter: readers do not know that
        mixed = own == PRECEDENCE["or"]
        left = f"({left})" if left_level < own or (mixed and left_level == own + 1) else left
        # a − (b − c), a / (b × c): the right side of a left-associative operator
        right = f"({right})" if right_level < own or (mixed and right_level == own + 1) or (
            right_level == own and tree.op in ("-", "/")) else right
        symbol = SYMBOLS.get(tree.op) or ui(lang, f"word_{tree.op}")
        return f"{left} {symbol} {right}", own
    return _call(tree, lang, label), ATOM


def _call(tree: ex.Call, lang: str, label: Callable[[str], str]) -> str:
    args = [_text(arg, lang, label)[0] for arg in tree.args]
    if tree.func == "given":
        return ui(lang, "word_given").format(value=args[0])
    if tree.func == "first":
        return f" {ui(lang, 'word_otherwise')} ".join(
            f"({a})" if level < ATOM else a
            for a, level in (_text(arg, lang, label) for arg in tree.args))
    if tree.func == "abs":
        return f"|{args[0]}|"
    if tree.func == "log10":
        return f"log₁₀({args[0]})"
    return f"{tree.func}({', '.join(args)})"
