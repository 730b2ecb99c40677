import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.security import start_problems
from api.settings import DASHBOARD_ORIGIN, Settings
from devtools.servers import REPO, clean_environment, free_port
from tests.api.conftest import API, APPLICATION, make_settings


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


# -- never open by accident; scoped keys ---------------------------------------------------------------------

SERVICE_KEY = "service-key-0123456789abcdef"
DASHBOARD_KEY = "dashboard-key-0123456789abcdef"


def _settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)


def test_no_key_is_refused_off_loopback_unless_allowed_open() -> None:
    for host in ("0.0.0.0", "::", "192.168.1.20", "api.example"):
        (problem,) = start_problems(_settings(), host)
        assert f"refusing to serve on {host} without an API key: set SCORING_API_KEY" in problem
        assert "SCORING_ALLOW_OPEN=true" in problem
        assert start_problems(_settings(allow_open=True), host) == []
        assert start_problems(_settings(service_api_key=SERVICE_KEY), host) == []
    for host in ("127.0.0.1", "127.0.0.2", "::1", "localhost"):
        assert start_problems(_settings(), host) == []


def test_placeholder_and_short_keys_are_refused_on_every_address() -> None:
    cases = {
        "SCORING_API_KEY": {"api_key": "change-me-api-key"},
        "SCORING_API_KEYS": {"api_keys": f"{DASHBOARD_KEY},short-key"},
        "SCORING_SERVICE_API_KEY": {"service_api_key": "x" * 23},
        "SCORING_ADMIN_KEY": {"admin_key": "change-me-admin-key-but-long-enough"},
    }
    for name, values in cases.items():
        for host in ("127.0.0.1", "0.0.0.0"):
            problem = start_problems(_settings(**values), host)[0]  # (and no key, for the admin key alone)
            assert problem.startswith(f"{name} is a placeholder or shorter than 24 characters")
    assert start_problems(_settings(api_key=DASHBOARD_KEY, admin_key="y" * 24), "0.0.0.0") == []


def test_every_secret_left_a_placeholder_is_refused_naming_its_variable() -> None:
    cases = {
        "SCORING_LOG_SALT": {"log_salt": "change-me-log-salt"},
        "SCORING_AUDIT_ANCHOR_KEY": {"audit_anchor_key": "Change-Me-anchor-key-0123456789abcdef"},
        "SCORING_AUDIT_ANCHOR_VERIFY_KEYS": {"audit_anchor_verify_keys": f"{DASHBOARD_KEY}, change-me-old"},
        "SCORING_MODEL_SIGNING_KEY": {"model_signing_key": "change-me-model-signing-key-0123456789"},
    }
    for name, values in cases.items():
        (problem,) = start_problems(_settings(api_key=DASHBOARD_KEY, **values), "0.0.0.0")
        assert problem.startswith(f"{name} is ") and "placeholder" in problem
    (once,) = start_problems(_settings(api_key="change-me-api-key-long-enough-0123"), "127.0.0.1")
    assert once.startswith("SCORING_API_KEY is a placeholder")  # one message per variable
    assert start_problems(_settings(api_key=DASHBOARD_KEY, log_salt="a-salt-of-my-own"), "0.0.0.0") == []


def _start(host: str, **settings: str) -> subprocess.CompletedProcess:
    env = clean_environment(**settings)
    command = [sys.executable, "-m", "api", "--host", host, "--port", str(free_port()), "--workers", "1"]
    return subprocess.run(
        command, env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_server_refuses_to_start_open_with_a_clear_message(tmp_path: Path) -> None:
    home = str(tmp_path)
    refused = _start("0.0.0.0", SCORING_HOME=home)
    assert refused.returncode == 2, refused.stderr
    assert "error: refusing to serve on 0.0.0.0 without an API key: set SCORING_API_KEY" in refused.stderr
    assert "Traceback" not in refused.stderr + refused.stdout
    placeholder = _start(
        "127.0.0.1", SCORING_HOME=home, SCORING_API_KEY="change-me-api-key", SCORING_LOG_SALT="change-me-salt"
    )
    assert placeholder.returncode == 2 and "error: SCORING_API_KEY is a placeholder" in placeholder.stderr
    assert "error: SCORING_LOG_SALT is still a placeholder of .env.example" in placeholder.stderr
    assert "Traceback" not in placeholder.stderr
    assert not (tmp_path / "data").exists()  # refused before anything was written


def test_a_service_key_reads_and_scores_but_never_acts_for_a_user(demo_home: Path, tmp_path: Path) -> None:
    settings = make_settings(
        demo_home,
        tmp_path / "db.sqlite",
        api_key=DASHBOARD_KEY,
        service_api_key=SERVICE_KEY,
        precompute_explanations=False,
    )
    service, dashboard = {"X-API-Key": SERVICE_KEY}, {"X-API-Key": DASHBOARD_KEY}
    with TestClient(create_app(settings)) as client:
        client_id = int(client.app.state.scoring.service.store.ids[0])
        for path in ("/model", f"/clients/{client_id}", f"/clients/{client_id}/score"):
            assert client.get(f"{API}{path}", headers=service).status_code == 200
        assert client.post(f"{API}/score", json=APPLICATION, headers=service).status_code == 200
        acting = ["/users", "/audit", "/audit/verify", f"/clients/{client_id}/decisions"]
        acting += [f"/clients/{client_id}/notice", "/oversight/summary"]
        for path in acting:
            refused = client.get(f"{API}{path}", headers=service)
            assert refused.status_code == 403, path
            assert "a service key may not call it" in refused.json()["detail"]
            assert client.get(f"{API}{path}", headers=dashboard).status_code in (200, 401), path
        login = {"username": "admin", "password": "x" * 12}
        assert client.post(f"{API}/auth/login", json=login, headers=service).status_code == 403
        named = client.get(f"{API}/clients/{client_id}", headers={**service, "X-Scoring-User": "1"})
        assert named.status_code == 403 and "X-Scoring-User" in named.json()["detail"]
        assert client.get(f"{API}/model", headers={"X-API-Key": "other" * 6}).status_code == 401
