"""A small, restricted expression language for calculator specs.

Specs are data that editors write; they must never be able to run code. So instead of
``eval`` this module tokenizes and parses a tiny grammar into frozen dataclasses:

    expr    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
    sum     := product (("+" | "-") product)*
    product := unary (("*" | "/") unary)*
    unary   := "-" unary | atom
    atom    := NUMBER | NAME | FUNC "(" expr ("," expr)* ")" | "(" expr ")"

Only names, decimal numbers, the operators above and the functions in ``FUNCTIONS``
exist: no strings, no attribute access, no indexing, no other calls. The parsed tree is
exported as JSON (:func:`to_json`) and the browser runtime evaluates that tree, so the
Python reference and the page can never disagree on how an expression parses.

Numbers are exact fractions (``exact.py``): ``+ - * /`` and comparisons never round.
``log10`` is the one inexact operation: its value is a double, anything computed from it
stays a double, and the spec loader refuses a band, check or notice decided by such a
value (:func:`inexact`), so no float error can ever choose a dose.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Literal

from .exact import to_text

# name -> (minimum argument count, maximum argument count; None = unbounded)
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "log10": (1, 1),
    "abs": (1, 1),
    "min": (2, None),
    "max": (2, None),
    "given": (1, 1),  # true when the input (or value) is not empty
    "first": (2, None),  # the first argument that is not empty
}
KEYWORDS = frozenset({"and", "or", "not"})
COMPARISONS = ("<=", ">=", "==", "!=", "<", ">")

Type = Literal["number", "bool"]


class ExprError(ValueError):
    """An expression that does not parse or does not type-check; ``column`` is 1-based."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column


# ---------------------------------------------------------------- AST


@dataclass(frozen=True)
class Num:
    value: Fraction


@dataclass(frozen=True)
class Name:
    id: str


@dataclass(frozen=True)
class Unary:
    op: Literal["neg", "not"]
    operand: Expr


@dataclass(frozen=True)
class Binary:
    # arithmetic, comparison or boolean operator
    op: str
    left: Expr
    right: Expr


@dataclass(frozen=True)
class Call:
    func: str
    args: tuple[Expr, ...]


Expr = Num | Name | Unary | Binary | Call


# ---------------------------------------------------------------- tokenizer

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op><=|>=|==|!=|[-+*/()<>,])
  | (?P<string>["'])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: Literal["number", "name", "op", "end"]
    text: str
    column: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:
            raise ExprError(f"unexpected character '{text[pos]}'", pos + 1)
        kind = match.lastgroup
        if kind == "string":
            raise ExprError("strings are not allowed in expressions", pos + 1)
        if kind == "number" and match.end() < len(text) and text[match.end()] in "._":
            # "1.2.3", "1.e5" or "1_000": refuse rather than guess
            raise ExprError(f"malformed number near '{text[pos:match.end() + 1]}'", pos + 1)
        if kind in ("number", "name", "op"):
            tokens.append(Token(kind, match.group(), pos + 1))  # type: ignore[arg-type]
        pos = match.end()
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


# ---------------------------------------------------------------- parser


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.pos = 0

    def peek(self) -> Token:
        return self.tokens[self.pos]

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def accept(self, *texts: str) -> Token | None:
        token = self.peek()
        if token.kind in ("op", "name") and token.text in texts:
            return self.take()
        return None

    def expect(self, text: str) -> Token:
        token = self.peek()
        if token.text != text or token.kind == "end":
            raise ExprError(f"expected '{text}' but found {_describe(token)}", token.column)
        return self.take()

    def parse(self) -> Expr:
        tree = self.or_()
        token = self.peek()
        if token.kind != "end":
            raise ExprError(f"unexpected {_describe(token)}", token.column)
        return tree

    def or_(self) -> Expr:
        left = self.and_()
        while self.accept("or"):
            left = Binary("or", left, self.and_())
        return left

    def and_(self) -> Expr:
        left = self.not_()
        while self.accept("and"):
            left = Binary("and", left, self.not_())
        return left

    def not_(self) -> Expr:
        if self.accept("not"):
            return Unary("not", self.not_())
        return self.compare()

    def compare(self) -> Expr:
        left = self.sum()
        token = self.accept(*COMPARISONS)
        if token is None:
            return left
        tree = Binary(token.text, left, self.sum())
        following = self.peek()
        if following.kind == "op" and following.text in COMPARISONS:
            # "a < b < c" means different things in different languages: refuse it
            raise ExprError("chained comparisons are not allowed; use 'and'", following.column)
        return tree

    def sum(self) -> Expr:
        left = self.product()
        while (token := self.accept("+", "-")) is not None:
            left = Binary(token.text, left, self.product())
        return left

    def product(self) -> Expr:
        left = self.unary()
        while (token := self.accept("*", "/")) is not None:
            left = Binary(token.text, left, self.unary())
        return left

    def unary(self) -> Expr:
        if self.accept("-"):
            return Unary("neg", self.unary())
        return self.atom()

    def atom(self) -> Expr:
        token = self.take()
        if token.kind == "number":
            value = Fraction(token.text)
            try:
                float(value)  # what the page's runtime turns an output into
            except OverflowError:
                shown = token.text if len(token.text) <= 20 else token.text[:12] + "…"
                raise ExprError(f"number {shown} is too large", token.column) from None
            return Num(value)
        if token.kind == "op" and token.text == "(":
            inner = self.or_()
            self.expect(")")
            return inner
        if token.kind == "name" and token.text not in KEYWORDS:
            if self.peek().text == "(" and self.peek().kind == "op":
                return self.call(token)
            return Name(token.text)
        raise ExprError(f"unexpected {_describe(token)}", token.column)

    def call(self, name: Token) -> Expr:
        if name.text not in FUNCTIONS:
            allowed = ", ".join(sorted(FUNCTIONS))
            raise ExprError(f"unknown function '{name.text}' (allowed: {allowed})", name.column)
        self.expect("(")
        args = [self.or_()]
        while self.accept(","):
            args.append(self.or_())
        self.expect(")")
        low, high = FUNCTIONS[name.text]
        if len(args) < low or (high is not None and len(args) > high):
            wanted = str(low) if low == high else f"at least {low}"
            raise ExprError(
                f"function '{name.text}' takes {wanted} argument(s), got {len(args)}", name.column
            )
        return Call(name.text, tuple(args))


def _describe(token: Token) -> str:
    return "end of expression" if token.kind == "end" else f"'{token.text}'"


# Far above any real formula; below them, parsing and evaluating (here and in the
# widget) never recurse deep enough to fail.
MAX_TOKENS = 400
MAX_DEPTH = 16


def parse(text: str) -> Expr:
    """Parse ``text`` or raise :class:`ExprError`."""
    if not text.strip():
        raise ExprError("empty expression", 1)
    parser = _Parser(text)
    _check_size(parser.tokens)
    return parser.parse()


def _check_size(tokens: list[Token]) -> None:
    if len(tokens) - 1 > MAX_TOKENS:
        raise ExprError(f"expression has {len(tokens) - 1:,} terms and operators; the limit "
                        f"is {MAX_TOKENS}", 1)
    depth = 0
    for token in tokens:
        if token.kind == "op" and token.text in "()":
            depth += 1 if token.text == "(" else -1
            if depth > MAX_DEPTH:
                raise ExprError(f"parentheses nested more than {MAX_DEPTH} deep",
                                token.column)


# ---------------------------------------------------------------- static checks


def names(tree: Expr) -> list[str]:
    """Every variable name used, in order of first appearance."""
    found: list[str] = []

    def walk(node: Expr) -> None:
        if isinstance(node, Name):
            if node.id not in found:
                found.append(node.id)
        elif isinstance(node, Unary):
            walk(node.operand)
        elif isinstance(node, Binary):
            walk(node.left)
            walk(node.right)
        elif isinstance(node, Call):
            for arg in node.args:
                walk(arg)

    walk(tree)
    return found


_ARITHMETIC = frozenset({"+", "-", "*", "/"})
_BOOLEAN = frozenset({"and", "or"})


def type_of(tree: Expr, env: Mapping[str, str]) -> Type:
    """The type of ``tree`` given the types of names (``number``, ``bool`` or other).

    Raises :class:`ExprError` for unknown names and for mixing numbers and truth values,
    so a spec cannot, say, add a comparison to a dose.
    """
    if isinstance(tree, Num):
        return "number"
    if isinstance(tree, Name):
        kind = env.get(tree.id)
        if kind is None:
            raise ExprError(f"unknown variable '{tree.id}'")
        if kind not in ("number", "bool"):
            raise ExprError(f"'{tree.id}' is a {kind} and cannot be used in a calculation")
        return kind  # type: ignore[return-value]
    if isinstance(tree, Unary):
        wanted: Type = "number" if tree.op == "neg" else "bool"
        _require(tree.operand, env, wanted, "-" if tree.op == "neg" else "not")
        return wanted
    if isinstance(tree, Binary):
        operand: Type = "bool" if tree.op in _BOOLEAN else "number"
        _require(tree.left, env, operand, tree.op)
        _require(tree.right, env, operand, tree.op)
        return "number" if tree.op in _ARITHMETIC else "bool"
    if tree.func == "given":
        if not isinstance(tree.args[0], Name) or tree.args[0].id not in env:
            raise ExprError("'given' takes the name of an input or value")
        return "bool"
    for arg in tree.args:
        _require(arg, env, "number", tree.func)
    return "number"


def inexact(tree: Expr, inexact_names: set[str]) -> bool:
    """Whether the value depends on ``log10``, the one operation that is not exact."""
    if isinstance(tree, Name):
        return tree.id in inexact_names
    if isinstance(tree, Unary):
        return inexact(tree.operand, inexact_names)
    if isinstance(tree, Binary):
        return inexact(tree.left, inexact_names) or inexact(tree.right, inexact_names)
    if isinstance(tree, Call):
        return tree.func == "log10" or any(inexact(a, inexact_names) for a in tree.args)
    return False


def _require(tree: Expr, env: Mapping[str, str], wanted: Type, op: str) -> None:
    if type_of(tree, env) != wanted:
        article = "a number" if wanted == "number" else "a comparison"
        raise ExprError(f"'{op}' needs {article} here")


# ---------------------------------------------------------------- evaluation


class NotFinite(ArithmeticError):
    """An intermediate value was infinite or undefined (division by zero, log10 of 0)."""


Number = Fraction | float  # a double only for values computed from log10
Value = Fraction | float | bool | str | None


def evaluate(tree: Expr, env: Mapping[str, Value]) -> Value:
    """Evaluate exactly; ``None`` ("empty") propagates; ``and``/``or`` stop early.

    Any non-finite intermediate raises :class:`NotFinite` instead of producing a number.
    The JavaScript runtime (``calculator.js``, ``evalExpr``) mirrors this function.
    """
    if isinstance(tree, Num):
        return tree.value
    if isinstance(tree, Name):
        return env[tree.id]
    if isinstance(tree, Unary):
        inner = evaluate(tree.operand, env)
        if inner is None:
            return None
        return (not inner) if tree.op == "not" else _finite(-_number(inner))
    if isinstance(tree, Binary):
        return _binary_lazy(tree, env)
    if tree.func == "given":
        return evaluate(tree.args[0], env) is not None
    if tree.func == "first":
        return next((v for v in (evaluate(a, env) for a in tree.args) if v is not None), None)
    values = [evaluate(arg, env) for arg in tree.args]
    if any(v is None for v in values):
        return None
    return _call(tree.func, [_number(v) for v in values])


def _binary_lazy(tree: Binary, env: Mapping[str, Value]) -> Value:
    left = evaluate(tree.left, env)
    if left is None:
        return None
    if tree.op in ("and", "or"):
        if (tree.op == "and") != bool(left):
            return bool(left)  # false and ..., true or ...: the right side is not needed
        right = evaluate(tree.right, env)
        return None if right is None else bool(right)
    right = evaluate(tree.right, env)
    if right is None:
        return None
    return _binary(tree.op, _number(left), _number(right))


def _number(value: Value) -> Number:
    if isinstance(value, bool) or not isinstance(value, (Fraction, float)):
        raise TypeError(f"not a number: {value!r}")  # the loader's type check prevents this
    return value


def _binary(op: str, a: Number, b: Number) -> Number | bool:
    if op in COMPARISONS and (isinstance(a, float) or isinstance(b, float)):
        # the loader refuses such a comparison; never decide by a rounded value
        raise NotFinite("a value computed from log10 cannot be compared exactly")
    if op == "+":
        return _finite(a + b)
    if op == "-":
        return _finite(a - b)
    if op == "*":
        return _finite(a * b)
    if op == "/":
        if b == 0:
            raise NotFinite("division by zero")
        return _finite(a / b)
    return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b}[op]


def _call(func: str, args: list[Number]) -> Number:
    if func == "log10":
        if args[0] <= 0:
            raise NotFinite("log10 of a value that is not positive")
        return _finite(math.log10(args[0]))
    if any(isinstance(a, float) for a in args):
        args = [float(a) for a in args]
    if func == "abs":
        return -args[0] if args[0] < 0 else args[0]
    if func == "min":
        return min(args)
    return max(args)


def _finite(value: Number) -> Number:
    if isinstance(value, float) and not math.isfinite(value):
        raise NotFinite("result is not a finite number")
    return value


# ---------------------------------------------------------------- JSON export


def to_json(tree: Expr) -> dict[str, Any]:
    """The tree as plain JSON for the browser runtime; the shape is documented there."""
    if isinstance(tree, Num):
        return {"k": "num", "v": to_text(tree.value)}  # exact: JSON numbers are doubles
    if isinstance(tree, Name):
        return {"k": "name", "v": tree.id}
    if isinstance(tree, Unary):
        return {"k": tree.op, "a": [to_json(tree.operand)]}
    if isinstance(tree, Binary):
        return {"k": "op", "op": tree.op, "a": [to_json(tree.left), to_json(tree.right)]}
    return {"k": "call", "f": tree.func, "a": [to_json(arg) for arg in tree.args]}
