"""A strategy file: YAML validated by a schema, every problem reported with its line.

    name: demo
    cutoffs: {accept_below: 0.10, refuse_from: 0.30}   # calibrated PD; between them: refer
    rules:
      - code: INCOME_MISSING          # a policy reason code (scoring/explain/policy_reasons.json)
        when: AMT_INCOME_TOTAL IS NULL  # a condition (scoring.strategy.conditions)
        action: refer                 # refuse or refer

A rule fires when its condition is true; any refuse rule that fires refuses, else any refer rule that fires
refers, else the calibrated PD decides: accept below `accept_below`, refuse from `refuse_from`, refer
between. Without an active strategy the bundle's single threshold decides (`Strategy.single_threshold`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from scoring.errors import ScoringError
from scoring.explain.policy_reasons import policy_catalogue
from scoring.offer.requested_loan import offer_inputs, offer_names
from scoring.strategy.conditions import ConditionError, Node, columns_of, parse_condition

REFUSE, REFER = "refuse", "refer"
MAX_CHARACTERS = 100_000
Path_ = tuple[str | int, ...]


class StrategyError(ScoringError, ValueError):
    """A strategy file that cannot be used: every problem, each naming its line and field."""

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        super().__init__("\n".join(f"{source}: {p}" for p in problems))
        self.problems = list(problems)


class _Cutoffs(BaseModel):
    model_config = ConfigDict(extra="forbid")

    accept_below: float = Field(ge=0.0, le=1.0, description="accept when the calibrated PD is below this")
    refuse_from: float = Field(ge=0.0, le=1.0, description="refuse when the calibrated PD reaches this")

    @model_validator(mode="after")
    def _ordered(self) -> _Cutoffs:
        if self.accept_below > self.refuse_from:
            raise ValueError(
                f"accept_below ({self.accept_below}) must not be above refuse_from ({self.refuse_from})"
            )
        return self


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=64)
    when: str = Field(min_length=1, max_length=2000)
    action: Literal["refuse", "refer"]


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64)
    description: str | None = None
    cutoffs: _Cutoffs
    rules: list[_Rule] = Field(default_factory=list)


@dataclass(frozen=True)
class Rule:
    """One policy rule: its reason code, its condition (text and tree) and its action."""

    code: str
    when: str
    action: str
    condition: Node


@dataclass(frozen=True)
class Strategy:
    """A validated strategy: cut-offs in calibrated PD and the rules in file order, with its YAML text."""

    name: str
    accept_below: float
    refuse_from: float
    rules: tuple[Rule, ...] = ()
    description: str | None = None
    text: str = field(default="", repr=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def names(self) -> set[str]:
        """Every name the rules read."""
        return set().union(*(columns_of(r.condition) for r in self.rules))

    @property
    def offer_figures(self) -> list[str]:
        """The offer's figures of the requested loan the rules read (OFFER_*), sorted."""
        return sorted(self.names & offer_names().keys())

    @property
    def columns(self) -> set[str]:
        """Every column the rules need from the data: the names they read, an offer figure replaced by the
        fields and the feature it is computed from (with the calibrated PD: `decide.rule_frame`)."""
        figures = self.offer_figures
        return (self.names - set(figures)) | (set(offer_inputs()) if figures else set())

    @classmethod
    def single_threshold(cls, threshold: float, name: str = "bundle threshold") -> Strategy:
        """Today's decision without a strategy: accept below the bundle's threshold, refuse from it."""
        return cls(name=name, accept_below=threshold, refuse_from=threshold)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "cutoffs": {"accept_below": self.accept_below, "refuse_from": self.refuse_from},
            "rules": [{"code": r.code, "when": r.when, "action": r.action} for r in self.rules],
        }


@dataclass(frozen=True)
class InForce:
    """The strategy deciding now: a stored `version` (active), else (None) the bundle's single `threshold`."""

    strategy: Strategy
    version: int | None
    threshold: float

    @property
    def label(self) -> str:
        """How to name it in English (the CLI's words; a page composes its own from the fields)."""
        if self.version is None:
            return f"the bundle's threshold {self.threshold:.4f} (no active strategy)"
        return f"{self.strategy.name} (version {self.version}, active)"

    def to_dict(self) -> dict:
        """Its name, version (null: the bundle's threshold decides) and threshold, JSON-ready."""
        return {
            "strategy": self.label,
            "name": None if self.version is None else self.strategy.name,
            "version": self.version,
            "threshold": self.threshold,
        }


def _lines(node: yaml.Node, path: Path_, found: dict[Path_, int], problems: list[str]) -> None:
    """The line of every value under `node`, by its path; duplicate keys are problems."""
    found[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = str(key.value)
            if name in seen:
                problems.append(f"line {key.start_mark.line + 1}: {_where(path + (name,))}: given twice")
            seen.add(name)
            _lines(value, path + (name,), found, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _lines(item, path + (i,), found, problems)


def _where(path: Path_) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".") or "the file"


def _line(lines: Mapping[Path_, int], path: Path_) -> int:
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path, 1)


def _no_aliases(text: str) -> None:
    """Refuse YAML aliases (`*name`): a strategy has no use for them, and nested ones can blow up."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 1
            raise StrategyError("strategy", [f"line {line}: YAML aliases (*{event.anchor}) are not allowed"])


def _document(text: str) -> tuple[object, dict[Path_, int], list[str]]:
    if len(text) > MAX_CHARACTERS:
        raise StrategyError(
            "strategy", [f"line 1: a strategy file has at most {MAX_CHARACTERS:,} characters"]
        )
    try:
        _no_aliases(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise StrategyError("strategy", [f"{line}not valid YAML: {problem}"]) from None
    lines: dict[Path_, int] = {}
    problems: list[str] = []
    if root is not None:
        _lines(root, (), lines, problems)
    return data, lines, problems


def _schema_problems(error: ValidationError, lines: Mapping[Path_, int]) -> list[tuple[int, str]]:
    found = []
    for e in error.errors(include_url=False):
        path = tuple(e["loc"])
        message = str(e["msg"]).removeprefix("Value error, ")
        found.append((_line(lines, path), f"{_where(path)}: {message}"))
    return found


def _rule_problems(
    data: Mapping, lines: Mapping[Path_, int], names: Mapping[str, str]
) -> tuple[dict[int, Node], list[tuple[int, str]]]:
    """The condition tree of each rule whose `when` parses, and the problems of codes and conditions (read
    from the raw document, so they are reported along with the schema's)."""
    trees, problems = {}, []
    codes = policy_catalogue()
    seen: set[str] = set()
    rules = data.get("rules")
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        if not isinstance(rule, dict):
            continue
        code, when = rule.get("code"), rule.get("when")
        at = ("rules", i, "code")
        if isinstance(code, str) and code not in codes:
            known = ", ".join(c.code for c in codes.codes)
            problems.append(
                (_line(lines, at), f"{_where(at)}: unknown reason code {code} (policy codes: {known})")
            )
        elif isinstance(code, str) and code in seen:
            problems.append((_line(lines, at), f"{_where(at)}: {code} is used by two rules"))
        seen.add(str(code))
        if not isinstance(when, str):
            continue
        at = ("rules", i, "when")
        try:
            trees[i] = parse_condition(when, names)
        except ConditionError as error:
            problems.append((_line(lines, at), f"{_where(at)}: {error}"))
    return trees, problems


def load_strategy(text: str, source: str = "strategy", names: Mapping[str, str] | None = None) -> Strategy:
    """The strategy of a YAML text; a StrategyError lists every problem as `source: line N: field: ...`."""
    if names is None:
        from scoring.strategy.names import known_names

        names = known_names()
    try:
        data, lines, problems = _document(text)
    except StrategyError as error:
        raise StrategyError(source, error.problems) from None
    if not isinstance(data, dict):
        raise StrategyError(source, ["line 1: a strategy is a mapping with name, cutoffs and rules"])
    trees, found = _rule_problems(data, lines, names)
    try:
        model = _File.model_validate(data)
    except ValidationError as error:
        found += _schema_problems(error, lines)
        model = None
    if problems or found or model is None:
        raise StrategyError(source, problems + [f"line {n}: {m}" for n, m in sorted(found)])
    rules = tuple(Rule(r.code, r.when, r.action, trees[i]) for i, r in enumerate(model.rules))
    c = model.cutoffs
    return Strategy(model.name, c.accept_below, c.refuse_from, rules, model.description, text)
