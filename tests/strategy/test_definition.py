"""Strategy files: the example loads; every problem is reported with its line and field."""

from __future__ import annotations

from importlib import resources

import pytest

from scoring.strategy.definition import StrategyError, load_strategy

BAD = """\
name: bad
cutoffs:
  accept_below: 0.4
  refuse_from: 0.2
rules:
  - code: INCOME_MISSING
    when: AMT_INCOME_TOTAL IS NULL
    action: refer
  - code: NOT_A_POLICY_CODE
    when: "__import__('os').system('rm -rf /') = 0"
    action: refuse
  - code: AGE_AT_TERM_END
    when: AGE > 70
    action: maybe
    priority: 1
"""


def problems(text: str) -> list[str]:
    with pytest.raises(StrategyError) as refused:
        load_strategy(text, "bad.yaml")
    assert all(line.startswith("bad.yaml: line ") for line in str(refused.value).splitlines())
    return refused.value.problems


DEMO_CODES = [
    "INCOME_MISSING",
    "INCOME_BELOW_MINIMUM",
    "AGE_AT_TERM_END",
    "BUREAU_CURRENT_OVERDUE",
    "PRICE_ABOVE_CAP",
    "NOT_AFFORDABLE",
]
AFFORDABILITY_CODES = ["UNAFFORDABLE_DSR", "RESIDUAL_INCOME_TOO_LOW"]


@pytest.mark.parametrize(
    ("file", "name", "codes", "figures"),
    [
        ("demo.yaml", "demo", DEMO_CODES, ["OFFER_ABOVE_USURY", "OFFER_ANY_AFFORDABLE"]),
        (
            "affordability.yaml",
            "demo-affordability",
            DEMO_CODES + AFFORDABILITY_CODES,
            [
                "OFFER_ABOVE_USURY",
                "OFFER_ANY_AFFORDABLE",
                "OFFER_DSR_CAP",
                "OFFER_DSR_STRESSED",
                "OFFER_MIN_RESIDUAL_INCOME",
                "OFFER_RESIDUAL_INCOME",
            ],
        ),
    ],
)
def test_the_examples_load(file: str, name: str, codes: list[str], figures: list[str]) -> None:
    text = resources.files("scoring.strategy").joinpath(f"examples/{file}").read_text("utf-8")
    strategy = load_strategy(text)
    assert strategy.name == name and strategy.accept_below < strategy.refuse_from
    assert [r.code for r in strategy.rules] == codes
    assert strategy.offer_figures == figures
    assert strategy.columns == {  # an offer figure is read as the fields and feature it is computed from
        "AMT_INCOME_TOTAL",
        "APP_AGE_YEARS",
        "APP_CREDIT_TERM_STANDARD",
        "BUREAU_ACTIVE_CREDIT_DAY_OVERDUE_MAX",
        "AMT_CREDIT",
        "AMT_ANNUITY",
        "AMT_GOODS_PRICE",
        "CNT_FAM_MEMBERS",
        "BUREAU_ACTIVE_AMT_ANNUITY_SUM",
    }
    assert len(strategy.sha256) == 64


def test_every_problem_names_its_line_and_field() -> None:
    found = problems(BAD)
    assert found == [
        "line 3: cutoffs: accept_below (0.4) must not be above refuse_from (0.2)",
        "line 9: rules[1].code: unknown reason code NOT_A_POLICY_CODE (policy codes: INCOME_MISSING, "
        "INCOME_BELOW_MINIMUM, AGE_AT_TERM_END, BUREAU_CURRENT_OVERDUE, UNAFFORDABLE_DSR, "
        "RESIDUAL_INCOME_TOO_LOW, NOT_AFFORDABLE, OUTSIDE_PRODUCT, PRICE_ABOVE_CAP)",
        "line 10: rules[1].when: function calls are not allowed: __import__( (at character 1)",
        "line 13: rules[2].when: unknown name AGE: not a column of the application nor a feature "
        "(at character 1)",
        "line 14: rules[2].action: Input should be 'refuse' or 'refer'",
        "line 15: rules[2].priority: Extra inputs are not permitted",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: x\ncutoffs: {accept_below: 0.1}\n", "line 2: cutoffs.refuse_from: Field required"),
        (
            "name: x\ncutoffs: {accept_below: 0.1, refuse_from: 1.5}\n",
            "line 2: cutoffs.refuse_from: Input should be less",
        ),
        ("name: x\nname: y\ncutoffs: {accept_below: 0.1, refuse_from: 0.2}\n", "line 2: name: given twice"),
        ("name: [x\n", "line 2: not valid YAML"),
        ("- a list\n", "line 1: a strategy is a mapping with name, cutoffs and rules"),
        (
            "name: &n x\ndescription: *n\ncutoffs: {accept_below: 0.1, refuse_from: 0.2}\n",
            "line 2: YAML aliases (*n)",
        ),
        (
            "name: x\ndescription: '" + "a" * 100_000 + "'\n",
            "line 1: a strategy file has at most 100,000 characters",
        ),
        (
            "name: x\ncutoffs: {accept_below: 0.1, refuse_from: 0.2}\nrules:\n"
            "  - {code: INCOME_MISSING, when: AMT_INCOME_TOTAL IS NULL, action: refer}\n"
            "  - {code: INCOME_MISSING, when: AMT_INCOME_TOTAL < 1; 1, action: refer}\n",
            "line 5: rules[1].code: INCOME_MISSING is used by two rules",
        ),
    ],
)
def test_a_wrong_file_is_refused_with_the_line(text: str, expected: str) -> None:
    assert any(p.startswith(expected) for p in problems(text)), problems(text)


def test_a_semicolon_in_a_condition_is_refused_with_its_line() -> None:
    text = "name: x\ncutoffs: {accept_below: 0.1, refuse_from: 0.2}\nrules:\n  - code: INCOME_MISSING\n"
    text += "    when: AMT_INCOME_TOTAL < 1; DROP TABLE strategies\n    action: refuse\n"
    assert problems(text) == [
        "line 5: rules[0].when: `;` is not allowed: a condition is one expression (at character 21)"
    ]
