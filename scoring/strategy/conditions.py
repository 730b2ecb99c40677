"""A rule's condition (`when`): a small, safe expression language parsed into a typed syntax tree.

The grammar, SQL-like and case-insensitive in its keywords::

    condition  := or
    or         := and ("OR" and)*
    and        := not ("AND" not)*
    not        := "NOT" not | comparison
    comparison := sum [ ("=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">=") sum
                      | "IS" ["NOT"] "NULL" | ["NOT"] "IN" "(" literal ("," literal)* ")" ]
    sum        := product (("+" | "-") product)*
    product    := unary (("*" | "/") unary)*
    unary      := "-" unary | NUMBER | 'string' | NAME | "(" condition ")"

A NAME is one of the known names given to the parser (the application's raw columns, the model's
features and the offer's figures of the requested loan, OFFER_*: `scoring.strategy.names`), each a number
or a text; nothing else can be named, nothing can be called, no attribute can be read, so a condition can
never run code. Texts compare only for (in)equality and IN; numbers take every comparison and arithmetic.
Missing values follow SQL: arithmetic or a comparison with a missing value is unknown, NOT unknown is
unknown, `x IN (...)` is unknown for a missing x, unknown AND false is false, unknown OR true is true; a
rule fires only when its condition is true (so a comparison with a missing value never fires: test
`IS NULL` for that). A division by zero is missing.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass

from scoring.errors import ScoringError

NUMBER, TEXT, BOOL = "number", "text", "condition"
OFFER_PREFIX = "OFFER_"  # the offer's figures of the requested loan (scoring.offer.requested_loan)
KEYWORDS = frozenset({"AND", "OR", "NOT", "IS", "NULL", "IN"})
COMPARISONS = {"=": "=", "==": "=", "!=": "!=", "<>": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
TOKEN = re.compile(
    r"\s*(?:(?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)|(?P<string>'(?:[^'\\]|'')*')"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)|(?P<op><=|>=|<>|!=|==|[-+*/()=<>,]))"
)
REFUSED = {
    ";": "`;` is not allowed: a condition is one expression",
    ".": "`.` is not allowed here (numbers are written 0.5)",
    '"': "strings are written in single quotes ('Cash loans')",
    "\\": "a backslash is not allowed",
    "[": "`[` is not allowed: no indexing (a list is written IN (1, 2))",
}


class ConditionError(ScoringError, ValueError):
    """A condition that cannot be parsed or does not type-check; `offset` is where, in the condition."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message, self.offset = message, offset

    def __str__(self) -> str:
        return f"{self.message} (at character {self.offset + 1})"


@dataclass(frozen=True)
class Num:
    value: float
    type = NUMBER


@dataclass(frozen=True)
class Str:
    value: str
    type = TEXT


@dataclass(frozen=True)
class Col:
    """A known name: a raw application column or a feature, a number or a text."""

    name: str
    type: str


@dataclass(frozen=True)
class Neg:
    operand: Node
    type = NUMBER


@dataclass(frozen=True)
class Arith:
    op: str  # + - * /
    left: Node
    right: Node
    type = NUMBER


@dataclass(frozen=True)
class Compare:
    op: str  # = != < <= > >=
    left: Node
    right: Node
    type = BOOL


@dataclass(frozen=True)
class IsNull:
    operand: Node
    negated: bool
    type = BOOL


@dataclass(frozen=True)
class InList:
    operand: Node
    values: tuple[Num | Str, ...]
    negated: bool
    type = BOOL


@dataclass(frozen=True)
class Logic:
    op: str  # AND, OR
    left: Node
    right: Node
    type = BOOL


@dataclass(frozen=True)
class Not:
    operand: Node
    type = BOOL


Node = Num | Str | Col | Neg | Arith | Compare | IsNull | InList | Logic | Not


@dataclass(frozen=True)
class Token:
    kind: str  # number, string, name, keyword, op, end
    text: str
    offset: int


def tokenize(text: str) -> list[Token]:
    """The tokens of `text`; at the first character no token starts with, an `error` token whose text says
    why (raised when the parser reaches it, so an earlier mistake is reported first) ends the list."""
    tokens, offset = [], 0
    while text[offset:].strip():
        match = TOKEN.match(text, offset)
        if match is None:
            at = offset + len(text[offset:]) - len(text[offset:].lstrip())
            char, before = text[at], tokens[-1] if tokens else None
            if char == "." and before is not None and before.kind == "name":
                message = f"attribute access is not allowed: {before.text}."
            else:
                message = REFUSED.get(char, f"unexpected character `{char}`")
            tokens.append(Token("error", message, at))
            break
        kind = match.lastgroup or "op"
        value, start = match.group(kind), match.start(kind)
        if kind == "name" and value.upper() in KEYWORDS:
            kind, value = "keyword", value.upper()
        tokens.append(Token(kind, value, start))
        offset = match.end()
    tokens.append(Token("end", "", len(text)))
    return tokens


class _Parser:
    """Recursive descent over the tokens, checking names and types as it builds the tree."""

    def __init__(self, text: str, names: Mapping[str, str]) -> None:
        self.tokens, self.names, self.at = tokenize(text), names, 0

    @property
    def token(self) -> Token:
        token = self.tokens[self.at]
        if token.kind == "error":
            raise ConditionError(token.text, token.offset)
        return token

    def take(self, kind: str, *texts: str) -> Token | None:
        token = self.token
        if token.kind == kind and (not texts or token.text in texts):
            self.at += 1
            return token
        return None

    def expect(self, kind: str, text: str, what: str) -> Token:
        token = self.take(kind, text)
        if token is None:
            raise ConditionError(f"expected {what}, found {self._shown(self.token)}", self.token.offset)
        return token

    @staticmethod
    def _shown(token: Token) -> str:
        return "the end of the condition" if token.kind == "end" else f"`{token.text}`"

    def require(self, node: Node, wanted: str, offset: int, where: str) -> Node:
        if node.type != wanted:
            raise ConditionError(f"{where} needs a {wanted}, not a {node.type}", offset)
        return node

    def condition(self) -> Node:
        node = self.logic("OR", self.conjunction)
        if self.token.kind != "end":
            raise ConditionError(f"unexpected {self._shown(self.token)}", self.token.offset)
        return self.require(node, BOOL, 0, "a rule")

    def logic(self, op: str, operand) -> Node:  # noqa: ANN001 - one of the two bound parsers below
        start = self.token.offset
        node = operand()
        while (token := self.take("keyword", op)) is not None:
            right = operand()
            self.require(node, BOOL, start, op)
            node = Logic(op, node, self.require(right, BOOL, token.offset, op))
        return node

    def conjunction(self) -> Node:
        return self.logic("AND", self.negation)

    def negation(self) -> Node:
        token = self.take("keyword", "NOT")
        if token is None:
            return self.comparison()
        return Not(self.require(self.negation(), BOOL, token.offset, "NOT"))

    def comparison(self) -> Node:
        start = self.token.offset
        left = self.sum()
        if (token := self.take("op", *COMPARISONS)) is not None:
            right = self.sum()
            op = COMPARISONS[token.text]
            if left.type == BOOL or right.type == BOOL or left.type != right.type:
                raise ConditionError(f"`{token.text}` compares a {left.type} with a {right.type}", start)
            if left.type == TEXT and op not in ("=", "!="):
                raise ConditionError(f"`{token.text}` does not apply to texts (only =, != and IN)", start)
            return Compare(op, left, right)
        if (token := self.take("keyword", "IS")) is not None:
            negated = self.take("keyword", "NOT") is not None
            self.expect("keyword", "NULL", "NULL after IS")
            if left.type == BOOL:
                raise ConditionError("IS NULL applies to a name or a calculation, not to a condition", start)
            return IsNull(left, negated)
        negated = self.take("keyword", "NOT") is not None
        if negated or (self.token.kind, self.token.text) == ("keyword", "IN"):
            self.expect("keyword", "IN", "IN after NOT")
            return InList(left, self.values(left, start), negated)
        return left

    def values(self, operand: Node, start: int) -> tuple[Num | Str, ...]:
        self.expect("op", "(", "`(` opening the IN list")
        values = [self.literal()]
        while self.take("op", ","):
            values.append(self.literal())
        self.expect("op", ")", "`)` closing the IN list")
        if operand.type == BOOL or any(v.type != operand.type for v in values):
            raise ConditionError(f"IN compares a {operand.type} with values of another type", start)
        return tuple(values)

    def literal(self) -> Num | Str:
        sign = -1.0 if self.take("op", "-") else 1.0
        if (token := self.take("number")) is not None:
            return Num(sign * float(token.text))
        if sign > 0 and (token := self.take("string")) is not None:
            return Str(token.text[1:-1].replace("''", "'"))
        raise ConditionError(
            f"an IN list holds numbers or 'texts', not {self._shown(self.token)}", self.token.offset
        )

    def sum(self) -> Node:
        return self.arithmetic(("+", "-"), self.product)

    def product(self) -> Node:
        return self.arithmetic(("*", "/"), self.unary)

    def arithmetic(self, ops: tuple[str, ...], operand) -> Node:  # noqa: ANN001 - a bound parser
        start = self.token.offset
        node = operand()
        while (token := self.take("op", *ops)) is not None:
            right = operand()
            self.require(node, NUMBER, start, f"`{token.text}`")
            node = Arith(token.text, node, self.require(right, NUMBER, token.offset, f"`{token.text}`"))
        return node

    def unary(self) -> Node:
        token = self.token
        if self.take("op", "-"):
            return Neg(self.require(self.unary(), NUMBER, token.offset, "`-`"))
        if self.take("number"):
            return Num(float(token.text))
        if self.take("string"):
            return Str(token.text[1:-1].replace("''", "'"))
        if self.take("op", "("):
            node = self.logic("OR", self.conjunction)
            self.expect("op", ")", "`)`")
            return node
        if self.take("name"):
            return self.column(token)
        raise ConditionError(
            f"expected a name, a number or a 'text', found {self._shown(token)}", token.offset
        )

    def column(self, token: Token) -> Col:
        following = self.token
        if following.kind == "op" and following.text == "(":
            raise ConditionError(f"function calls are not allowed: {token.text}(", token.offset)
        if token.text not in self.names:
            close = difflib.get_close_matches(token.text, list(self.names), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            what = (
                "not one of the offer's figures"
                if token.text.startswith(OFFER_PREFIX)
                else "not a column of the application nor a feature"
            )
            raise ConditionError(f"unknown name {token.text}: {what}{hint}", token.offset)
        return Col(token.text, self.names[token.text])


def parse_condition(text: str, names: Mapping[str, str]) -> Node:
    """The typed tree of `text` over `names` (name -> number or text); a ConditionError says why not."""
    if not isinstance(text, str) or not text.strip():
        raise ConditionError("a condition is a non-empty text", 0)
    return _Parser(text, names).condition()


def columns_of(node: Node) -> set[str]:
    """The names a tree reads."""
    if isinstance(node, Col):
        return {node.name}
    children = [getattr(node, f) for f in ("operand", "left", "right") if hasattr(node, f)]
    return set().union(*(columns_of(c) for c in children))
