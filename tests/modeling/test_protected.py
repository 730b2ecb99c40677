"""Protected attributes in training: never a model input, still in the fairness table, shown on the card."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from scoring.features.protected import POLICY_FILE, protected_policy
from scoring.modeling.bundle import load_bundle
from scoring.modeling.train import train_model
from tests.modeling.conftest import FAST_CONFIG, write_home

GENDER = "APP_CODE_GENDER"
AGE = "APP_DAYS_BIRTH"


def _inputs_of_every_model(meta: dict) -> set[str]:
    """Features of the champion, of the challenger, and every feature the selection kept."""
    return {
        *(f["name"] for f in meta["features"]),
        *meta["feature_selection"]["features"],
        *meta["feature_selection"]["gain_share"],
    }


def test_no_model_uses_sex_but_fairness_still_reports_it(trained) -> None:
    inputs, result = trained
    for meta in (result.metadata, result.challenger):
        assert GENDER not in _inputs_of_every_model(meta)
        assert meta["feature_selection"]["n_input"] == 6  # the 7 features of the home less APP_CODE_GENDER
        assert {r["attribute"] for r in meta["fairness"]} == {"CODE_GENDER", "age band"}
        assert meta["protected"] == protected_policy().to_dict()
    assert GENDER not in load_bundle(inputs.models).model.names
    assert "Protected attributes (no model input; fairness monitoring only): CODE_GENDER (sex: " in (
        result.describe()
    )


def test_the_card_shows_the_excluded_attributes_and_why(trained) -> None:
    _, result = trained
    card = result.card_path.read_text()
    section = card[card.index("<h2>Protected attributes</h2>") : card.index("<h2>Feature selection</h2>")]
    assert "CODE_GENDER" in section and GENDER in section
    assert "AU-005" in section and "2008-198" in section


def test_a_policy_listing_age_drops_every_age_feature(tmp_path: Path) -> None:
    policy = json.loads(POLICY_FILE.read_text())
    policy["protected"].append({"column": "DAYS_BIRTH", "attribute": "age", "source": "the lender's policy"})
    path = tmp_path / "protected.json"
    path.write_text(json.dumps(policy))
    inputs = replace(write_home(tmp_path / "home", n=600), protected=path)
    result = train_model(inputs, replace(FAST_CONFIG, repeats=1))
    for meta in (result.metadata, result.challenger):
        assert not {GENDER, AGE} & _inputs_of_every_model(meta)
        assert meta["feature_selection"]["n_input"] == 5
        assert meta["protected"]["features"][AGE] == ["DAYS_BIRTH"]
        assert "age band" in {r["attribute"] for r in meta["fairness"]}  # still monitored
    assert "the lender&#x27;s policy" in result.card_path.read_text()
