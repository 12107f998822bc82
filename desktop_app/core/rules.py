"""Measure rules: a tiny, safe expression language such as `idva_da_supported <= victims_supported`.

The catalogue is a data file officers can edit, so a rule is read by a hand-written tokenizer
and recursive-descent parser and evaluated by walking the parsed tree. Nothing is ever handed
to eval, exec or ast: the only things a rule can do are add, subtract and compare counts.

    rule := sum COMPARE sum
    sum  := term (("+" | "-") term)*
    term := NAME | INTEGER | "(" sum ")"
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from desktop_app.core.numbers import format_count
from desktop_app.core.wording import noun

__all__ = [
    "Rule",
    "RuleBreach",
    "RuleSyntaxError",
    "UnknownMeasureError",
    "check_rules",
    "parse_rule",
]

_COMPARISONS = ("<=", "<", ">=", ">", "==", "!=")

# What an officer reads when a rule is broken, and when it holds (so `explain` never lies).
_BROKEN_WORDING = {
    "<=": "is more than",
    "<": "is not less than",
    ">=": "is less than",
    ">": "is not more than",
    "==": "is not equal to",
    "!=": "is equal to",
}
_HOLDS_WORDING = {
    "<=": "is not more than",
    "<": "is less than",
    ">=": "is not less than",
    ">": "is more than",
    "==": "is equal to",
    "!=": "is not equal to",
}

# Parentheses nest by recursion; a limit keeps a hostile rule from exhausting the stack.
_MAX_NESTING = 20

_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_DIGITS = frozenset("0123456789")
_NAME_CHARS = _LOWER | _DIGITS | {"_"}
_SPACES = frozenset(" \t\r\n")


class RuleSyntaxError(ValueError):
    """A rule that is not written in the rule language; the message quotes the rule."""


class UnknownMeasureError(RuleSyntaxError):
    """A rule that uses a measure key the catalogue does not have."""

    def __init__(self, text: str, unknown: Collection[str], known: Collection[str]) -> None:
        self.unknown = tuple(sorted(unknown))
        self.known = tuple(sorted(known))
        keys = noun(len(self.unknown), "key")
        names = ", ".join(repr(key) for key in self.unknown)
        known_text = ", ".join(self.known) if self.known else "(none)"
        super().__init__(f"rule {text!r}: unknown measure {keys} {names}; the known keys are: {known_text}")


# ---------------------------------------------------------------------------------------------
# Tokens

@dataclass(frozen=True)
class _Token:
    kind: str  # "name", "integer", "op", "compare", "(", ")" or "end"
    text: str
    position: int  # 1-based, as an officer counts characters


def _quote(text: str) -> str:
    # repr() would show '\'' for a lone quote; officers should see "'".
    return f'"{text}"' if "'" in text else f"'{text}'"


def _tokenize(text: str) -> list[_Token]:
    def unexpected(index: int, hint: str = "") -> RuleSyntaxError:
        message = f"rule {text!r}: unexpected {_quote(text[index])} at position {index + 1}"
        return RuleSyntaxError(f"{message} ({hint})" if hint else message)

    tokens: list[_Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char in _SPACES:
            i += 1
        elif char in _LOWER:
            start = i
            while i < len(text) and text[i] in _NAME_CHARS:
                i += 1
            tokens.append(_Token("name", text[start:i], start + 1))
        elif char in _DIGITS:
            start = i
            while i < len(text) and text[i] in _DIGITS:
                i += 1
            if i < len(text) and text[i] in _NAME_CHARS:
                raise unexpected(i, "a measure key starts with a lower-case letter")
            tokens.append(_Token("integer", text[start:i], start + 1))
        elif text.startswith(("<=", ">=", "==", "!="), i):
            tokens.append(_Token("compare", text[i : i + 2], i + 1))
            i += 2
        elif char in "<>":
            tokens.append(_Token("compare", char, i + 1))
            i += 1
        elif char in "+-":
            tokens.append(_Token("op", char, i + 1))
            i += 1
        elif char in "()":
            tokens.append(_Token(char, char, i + 1))
            i += 1
        elif char == "=":
            raise unexpected(i, "write == to compare for equality")
        elif char.isalpha() and char.isupper():
            raise unexpected(i, "measure keys are written in lower case")
        else:
            raise unexpected(i)
    tokens.append(_Token("end", "", len(text) + 1))
    return tokens


# ---------------------------------------------------------------------------------------------
# Parsed rules

@dataclass(frozen=True)
class _Key:
    key: str


@dataclass(frozen=True)
class _Number:
    value: int


@dataclass(frozen=True)
class _Sum:
    """`first` followed by (sign, term) pairs; flat so long sums need no deep recursion."""

    first: _Term
    rest: tuple[tuple[str, _Term], ...]


@dataclass(frozen=True)
class _Group:
    """A bracketed sum, kept so an explanation shows the brackets the rule was written with."""

    inner: _Sum


_Term = _Key | _Number | _Group


def _keys_in(node: _Term | _Sum) -> frozenset[str]:
    if isinstance(node, _Key):
        return frozenset({node.key})
    if isinstance(node, _Number):
        return frozenset()
    if isinstance(node, _Group):
        return _keys_in(node.inner)
    keys = set(_keys_in(node.first))
    for _, term in node.rest:
        keys |= _keys_in(term)
    return frozenset(keys)


def _value_of(node: _Term | _Sum, values: Mapping[str, int]) -> int:
    if isinstance(node, _Key):
        return values[node.key]
    if isinstance(node, _Number):
        return node.value
    if isinstance(node, _Group):
        return _value_of(node.inner, values)
    total = _value_of(node.first, values)
    for sign, term in node.rest:
        total = total + _value_of(term, values) if sign == "+" else total - _value_of(term, values)
    return total


def _words_of(node: _Term | _Sum, labels: Mapping[str, str]) -> str:
    """The side as words: each key by its label, numbers as numbers."""
    if isinstance(node, _Key):
        return labels.get(node.key, node.key)
    if isinstance(node, _Number):
        return format_count(node.value)
    if isinstance(node, _Group):
        return f"({_words_of(node.inner, labels)})"
    parts = [_words_of(node.first, labels)]
    for sign, term in node.rest:
        parts += [sign, _words_of(term, labels)]
    return " ".join(parts)


def _figures_of(node: _Term | _Sum, values: Mapping[str, int]) -> str:
    """The side as figures, e.g. `80 + 30`."""
    if isinstance(node, _Group):
        return f"({_figures_of(node.inner, values)})"
    if isinstance(node, _Sum):
        parts = [_figures_of(node.first, values)]
        for sign, term in node.rest:
            parts += [sign, _figures_of(term, values)]
        return " ".join(parts)
    return format_count(_value_of(node, values))


def _describe(node: _Sum, values: Mapping[str, int], labels: Mapping[str, str]) -> str:
    """One side of a rule for an officer: `victims supported (100)`, `a + b (80 + 30 = 110)`."""
    if not node.rest:
        term = node.first
        if isinstance(term, _Number):
            return format_count(term.value)
        if isinstance(term, _Key):
            return f"{_words_of(term, labels)} ({format_count(values[term.key])})"
    total = format_count(_value_of(node, values))
    return f"{_words_of(node, labels)} ({_figures_of(node, values)} = {total})"


def _check_values(values: Mapping[str, int | None], keys: frozenset[str]) -> dict[str, int] | None:
    """The values the rule needs, or None when one is missing (the rule then does not apply)."""
    found: dict[str, int] = {}
    for key in keys:
        value = values.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"value for {key!r} must be an int or None, got {type(value).__name__}")
        found[key] = value
    return found


@dataclass(frozen=True)
class Rule:
    """A parsed rule: two sums of measures and whole numbers, and how they must compare."""

    text: str
    left: _Sum = field(repr=False)
    operator: str
    right: _Sum = field(repr=False)
    keys: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        if self.operator not in _COMPARISONS:
            raise ValueError(f"operator must be one of {', '.join(_COMPARISONS)}, got {self.operator!r}")
        # Frozen, so set the derived field the way dataclasses do.
        object.__setattr__(self, "keys", _keys_in(self.left) | _keys_in(self.right))

    def evaluate(self, values: Mapping[str, int | None]) -> bool | None:
        """Whether the rule holds for `values`; None when a measure it uses was not collected."""
        found = _check_values(values, self.keys)
        if found is None:
            return None
        left = _value_of(self.left, found)
        right = _value_of(self.right, found)
        match self.operator:
            case "<=":
                return left <= right
            case "<":
                return left < right
            case ">=":
                return left >= right
            case ">":
                return left > right
            case "==":
                return left == right
            case _:
                return left != right

    def explain(self, values: Mapping[str, int | None], labels: Mapping[str, str]) -> str:
        """A sentence for an officer, e.g. `IDVA-supported (120) is more than victims supported (100)`.

        Keys are shown by their labels (or the key itself when there is none). The sentence
        describes the broken rule; for a rule that holds it says so truthfully instead.
        """
        holds = self.evaluate(values)
        if holds is None:
            missing = sorted(key for key in self.keys if values.get(key) is None)
            raise ValueError(
                f"rule {self.text!r} cannot be explained: no value for {', '.join(missing)}"
            )
        found = _check_values(values, self.keys) or {}
        wording = (_HOLDS_WORDING if holds else _BROKEN_WORDING)[self.operator]
        sentence = f"{_describe(self.left, found, labels)} {wording} {_describe(self.right, found, labels)}"
        # Only the first character: labels such as "IDVA-supported" keep their own case.
        return sentence[:1].upper() + sentence[1:]


@dataclass(frozen=True)
class RuleBreach:
    """A rule the values break, with the sentence that tells the officer why."""

    rule: Rule
    message: str


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _tokenize(text)
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> _Token:
        return self.tokens[self.index]

    def advance(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def error(self, expected: str) -> RuleSyntaxError:
        token = self.current
        if token.kind == "end":
            what = "end of rule"
        else:
            what = _quote(token.text)
        return RuleSyntaxError(
            f"rule {self.text!r}: unexpected {what} at position {token.position} (expected {expected})"
        )

    def rule(self) -> Rule:
        if not self.text.strip():
            raise RuleSyntaxError(
                f"rule {self.text!r}: unexpected end of rule at position 1 "
                "(expected a rule such as victims_supported >= 0)"
            )
        left = self.sum()
        if self.current.kind != "compare":
            raise self.error("a comparison such as <=")
        operator = self.advance().text
        right = self.sum()
        if self.current.kind == "compare":
            raise self.error("the end of the rule: a rule has only one comparison")
        if self.current.kind != "end":
            raise self.error("+, - or the end of the rule")
        return Rule(text=self.text, left=left, operator=operator, right=right)

    def sum(self) -> _Sum:
        first = self.term()
        rest: list[tuple[str, _Term]] = []
        while self.current.kind == "op":
            sign = self.advance().text
            rest.append((sign, self.term()))
        if self.current.kind == "(" and self.tokens[self.index - 1].kind == "name":
            raise self.error("+, - or a comparison: functions are not allowed")
        return _Sum(first, tuple(rest))

    def term(self) -> _Term:
        token = self.current
        if token.kind == "name":
            self.advance()
            return _Key(token.text)
        if token.kind == "integer":
            self.advance()
            return _Number(int(token.text))
        if token.kind == "(":
            if self.depth >= _MAX_NESTING:
                raise RuleSyntaxError(
                    f"rule {self.text!r}: unexpected '(' at position {token.position} "
                    f"(use at most {_MAX_NESTING} brackets inside each other)"
                )
            self.advance()
            self.depth += 1
            inner = self.sum()
            self.depth -= 1
            if self.current.kind != ")":
                raise self.error("+, - or ')'")
            self.advance()
            return _Group(inner)
        raise self.error("a measure key, a number or '('")


def parse_rule(text: str, known_keys: Collection[str] | None = None) -> Rule:
    """Read a rule such as `reported_before + reported_after <= victims_supported`.

    Raises RuleSyntaxError, quoting the rule and the position of the problem, when the text is
    not in the rule language; with `known_keys`, raises UnknownMeasureError for any other key.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected the rule as text, got {type(text).__name__}")
    if isinstance(known_keys, str):
        # A lone string is a collection of its letters, which is never what was meant.
        raise TypeError("known_keys must be a collection of keys, not a single string")
    rule = _Parser(text).rule()
    if known_keys is not None:
        unknown = rule.keys - set(known_keys)
        if unknown:
            raise UnknownMeasureError(text, unknown, known_keys)
    return rule


def check_rules(
    rules: Iterable[Rule], values: Mapping[str, int | None], labels: Mapping[str, str]
) -> list[RuleBreach]:
    """The rules `values` break, each with its explanation; rules over uncollected measures are skipped."""
    breaches: list[RuleBreach] = []
    for rule in rules:
        if rule.evaluate(values) is False:
            breaches.append(RuleBreach(rule=rule, message=rule.explain(values, labels)))
    return breaches
