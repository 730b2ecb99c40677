"""The test tiers: a test earns the marker of what it runs, and `make test-fast` leaves every tier out."""

from __future__ import annotations

import re
import subprocess
import tomllib
import warnings
from pathlib import Path

import pytest

from devtools.servers import start_api
from scoring.modeling.train import train_model
from tests.support.tiers import FIXTURES, TIERS, reached_tiers, tiers_of, unmarked_tiers, xdist_group

REPO = Path(__file__).resolve().parents[1]


def _trains(inputs: object) -> object:  # the helpers below are looked at, never called
    return train_model(inputs, None)


class _Fleet:
    def start(self) -> None:
        subprocess.Popen(["true"])


def _through_a_helper() -> object:
    return _trains(None)


def _through_a_class() -> None:
    _Fleet().start()


def _serves_and_trains() -> None:
    start_api(None)
    _through_a_helper()


def _local_import() -> None:
    from scoring.spark import spark_session

    spark_session()


def _pure() -> int:
    return len(re.findall("a", "banana"))


def _recursive(n: int) -> int:
    return _recursive(n - 1) if n else 0


# In a dict: the tests below name the dict, not the helpers, so they stay in the fast tier themselves.
HELPERS = {
    "trains": _trains,
    "helper": _through_a_helper,
    "class": _through_a_class,
    "both": _serves_and_trains,
    "local import": _local_import,
    "pure": _pure,
    "recursive": _recursive,
}


def test_a_test_earns_the_tier_of_what_it_reaches_through_helpers() -> None:
    tiers = {name: reached_tiers(function) for name, function in HELPERS.items()}
    assert tiers == {
        "trains": {"training"},
        "helper": {"training"},
        "class": {"server"},
        "both": {"server", "training"},
        "local import": {"spark"},
        "pure": set(),
        "recursive": set(),
    }


def test_fixtures_give_their_tier_and_the_shared_demo_home_none() -> None:
    pure, trains = HELPERS["pure"], HELPERS["helper"]
    assert tiers_of(pure, {"postgres_url": pure, "spark": pure}) == {"postgres", "spark"}
    assert tiers_of(pure, {"home": trains}) == {"training"}
    assert tiers_of(pure, {"demo_home": trains}) == set()  # built once per run, small
    assert unmarked_tiers(["tmp_path", "postgres_url"], {"slow"}) == {"postgres"}
    assert unmarked_tiers(["tmp_path", "postgres_url"], {"postgres"}) == set()


def test_every_tier_is_a_declared_marker_left_out_of_the_fast_tier() -> None:
    ini = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["tool"]["pytest"]["ini_options"]
    declared = {line.split(":", 1)[0] for line in ini["markers"]}
    assert declared == {"slow", *TIERS}
    [fast] = re.findall(r"^FAST_TIER := (.+)$", (REPO / "Makefile").read_text("utf-8"), re.MULTILINE)
    assert fast == f"not ({' or '.join(['slow', *TIERS])})"
    assert set(FIXTURES.values()) <= set(TIERS)


def test_collected_tests_carry_the_markers_of_their_fixtures(request: pytest.FixtureRequest) -> None:
    for item in request.session.items:
        markers = {mark.name for mark in item.iter_markers()}
        assert not unmarked_tiers(item.fixturenames, markers), item.nodeid
        assert xdist_group(item) == ("spark" if "spark" in markers else item.nodeid.split("::")[0])


def test_our_deprecation_warnings_are_errors_and_named_third_party_ones_ignored() -> None:
    with pytest.raises(DeprecationWarning):  # issued from tests.test_tiers: pyproject's filterwarnings
        warnings.warn("an API of ours is deprecated", DeprecationWarning, stacklevel=1)
    with pytest.raises(DeprecationWarning):
        warnings.warn_explicit("old", DeprecationWarning, "scoring/x.py", 1, module="scoring.x")
    with warnings.catch_warnings(record=True) as caught:
        warnings.warn_explicit("old", DeprecationWarning, "mlflow/x.py", 1, module="mlflow.x")
    assert caught == []
