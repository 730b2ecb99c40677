from pathlib import Path

import pytest

from api.settings import DASHBOARD_ORIGIN, Settings


def test_defaults_derive_from_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    settings = Settings(_env_file=None, home=tmp_path).resolved()
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'data' / 'runtime' / 'predictions.db'}"
    assert settings.models_dir == tmp_path.resolve() / "models"
    assert (
        settings.cors_origins == [DASHBOARD_ORIGIN]
        and settings.max_batch == 1000
        and settings.api_key is None
    )


def test_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://user@db/scoring")
    monkeypatch.setenv("SCORING_CORS_ORIGINS", "http://a.example, http://b.example")
    monkeypatch.setenv("SCORING_API_KEY", "k-9f8e7d")
    settings = Settings(_env_file=None, home=tmp_path)
    assert settings.database_url == "postgresql+psycopg://user@db/scoring"
    assert settings.cors_origins == ["http://a.example", "http://b.example"]
    assert settings.api_key.get_secret_value() == "k-9f8e7d" and "k-9f8e7d" not in repr(settings)


def test_salt_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = Settings(_env_file=None, home=tmp_path).salt()
    assert Settings(_env_file=None, home=tmp_path).salt() == first and len(first) == 64
    assert (tmp_path / "data" / "runtime" / ".log_salt").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "data" / "runtime").stat().st_mode & 0o777 == 0o700
    assert Settings(_env_file=None, home=tmp_path, log_salt="given").salt() == b"given"
