"""`scoring pipeline` (the pipeline image's command): missing steps only, in order; drift is no failure."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import scoring.cli
from scoring.data.ingest import MANIFEST
from scoring.home import Paths

STEPS = ("data", "features", "train", "drift")


def outputs(home: Path) -> dict[str, Path]:
    """What each step writes, as the step's own module names it."""
    paths = Paths(home)
    return {
        "data": paths.interim / MANIFEST,
        "features": paths.features,
        "train": paths.models / "champion.json",
        "drift": paths.reports / "drift" / "index.json",
    }


class FakeSteps:
    """Stand-ins for the step commands: record the call, write the step's output, or end with an exit code."""

    def __init__(self, home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[tuple[str, dict]] = []
        self.exit_codes: dict[str, int] = {}
        self.interrupted: set[str] = set()
        for name, output in outputs(home).items():
            monkeypatch.setattr(scoring.cli, name, self._step(name, output))

    def _step(self, name: str, output: Path) -> Callable[..., None]:
        def run(**kwargs: object) -> None:
            self.calls.append((name, kwargs))
            output.parent.mkdir(parents=True, exist_ok=True)
            output.write_text("{}")
            if name in self.exit_codes:
                raise typer.Exit(code=self.exit_codes[name])
            if name in self.interrupted:
                raise KeyboardInterrupt

        return run

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SCORING_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def steps(home: Path, monkeypatch: pytest.MonkeyPatch) -> FakeSteps:
    return FakeSteps(home, monkeypatch)


def run_pipeline(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(scoring.cli.app, ["pipeline", *args])
    return result.exit_code, result.output


def done(home: Path, *names: str) -> None:
    for name in names:
        path = outputs(home)[name]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}")


def test_empty_home_runs_every_step_in_order(steps: FakeSteps) -> None:
    code, output = run_pipeline()
    assert code == 0, output
    assert steps.names == list(STEPS)


def test_drift_step_checks_the_test_clients(steps: FakeSteps) -> None:
    run_pipeline()
    assert dict(steps.calls)["drift"] == {"current": "test"}


def test_steps_whose_output_exists_are_skipped(home: Path, steps: FakeSteps) -> None:
    done(home, "data", "features")
    code, output = run_pipeline()
    assert code == 0, output
    assert steps.names == ["train", "drift"]
    assert "data already done" in output
    assert "features already done" in output


def test_a_done_pipeline_runs_nothing(home: Path, steps: FakeSteps) -> None:
    done(home, *STEPS)
    code, _ = run_pipeline()
    assert code == 0
    assert steps.names == []


def test_only_the_missing_step_in_the_middle_runs(home: Path, steps: FakeSteps) -> None:
    done(home, "data", "features", "drift")
    assert run_pipeline()[0] == 0
    assert steps.names == ["train"]


def test_force_reruns_every_step(home: Path, steps: FakeSteps) -> None:
    done(home, *STEPS)
    code, _ = run_pipeline("--force")
    assert code == 0
    assert steps.names == list(STEPS)


def test_drift_found_is_not_a_failure(steps: FakeSteps) -> None:
    steps.exit_codes["drift"] = scoring.cli.DRIFT_FOUND
    code, output = run_pipeline()
    assert code == 0, output
    assert steps.names == list(STEPS)


def test_a_failed_step_stops_the_pipeline_with_its_code(steps: FakeSteps) -> None:
    steps.exit_codes["features"] = 2
    code, _ = run_pipeline()
    assert code == 2
    assert steps.names == ["data", "features"]


def test_ctrl_c_stops_the_pipeline_in_one_line_that_says_how_to_go_on(steps: FakeSteps) -> None:
    steps.interrupted.add("train")
    result = CliRunner().invoke(scoring.cli.app, ["pipeline"])
    assert result.exit_code == 130
    assert steps.names == ["data", "features", "train"]
    assert result.output.splitlines()[-1] == "pipeline: train interrupted; run it again to go on from train"
    assert "Traceback" not in result.output and "Aborted" not in result.output


def test_only_drift_may_end_with_the_drift_found_code(steps: FakeSteps) -> None:
    steps.exit_codes["train"] = scoring.cli.DRIFT_FOUND
    code, _ = run_pipeline()
    assert code == scoring.cli.DRIFT_FOUND
    assert steps.names == ["data", "features", "train"]


def test_step_outputs_are_the_ones_the_steps_write(home: Path) -> None:
    from scoring.drift.index import INDEX_FILE
    from scoring.modeling.bundle import CHAMPION_FILE

    expected = outputs(home)
    assert expected["drift"].name == INDEX_FILE
    assert expected["train"].name == CHAMPION_FILE
    assert [(name, output) for name, output, _ in scoring.cli._pipeline_steps()] == list(expected.items())
