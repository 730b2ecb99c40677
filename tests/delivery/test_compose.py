"""docker-compose.yml: the services, health checks, start order, shutdown grace, secrets from .env, builds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import make_url

from api.server import GRACEFUL_SHUTDOWN_SECONDS
from tests.conftest import REPO
from tests.delivery.compose import (
    COMPOSE_FILE,
    interpolate,
    load_compose,
    plain_references,
    read_env_file,
    references,
    service_environment,
)
from tests.delivery.container import duration_seconds, image_stage

SERVICES = {"db", "pipeline", "api", "dashboard", "mlflow", "scheduler"}
LONG_RUNNING = SERVICES - {"pipeline"}
BUILT = {"pipeline", "api", "dashboard", "mlflow", "scheduler"}
# Services whose container runs the image's own CMD (what test_entrypoints runs).
IMAGE_CMD = {"pipeline", "api", "dashboard"}
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|SALT|(^|_)KEY$")
ONLY_A_REFERENCE = re.compile(r"^\$\{[A-Za-z_]\w*(:?\?[^}]*)?\}$")


@pytest.fixture(scope="module")
def compose() -> dict:
    return load_compose()


@pytest.fixture(scope="module")
def services(compose: dict) -> dict:
    return compose["services"]


def _mounts(service: dict) -> dict[str, str]:
    """Container path -> `source[:mode]` of a service's short-syntax volumes."""
    mounts = {}
    for volume in service.get("volumes", []):
        source, target, *mode = volume.split(":")
        mounts[target] = ":".join([source, *mode])
    return mounts


def test_services(services: dict) -> None:
    assert {name for name, service in services.items() if "profiles" not in service} == SERVICES


def test_every_long_running_service_has_a_health_check(services: dict) -> None:
    for name in LONG_RUNNING:
        in_compose = services[name].get("healthcheck", {}).get("test")
        in_image = name in IMAGE_CMD and image_stage(name).healthcheck is not None
        assert in_compose or in_image, f"{name} has no health check"
    assert services["pipeline"].get("restart") == "no"


def test_start_order_waits_on_health_and_on_the_pipeline(services: dict) -> None:
    def conditions(name: str) -> dict[str, str]:
        return {dep: spec["condition"] for dep, spec in services[name]["depends_on"].items()}

    assert conditions("api") == {"db": "service_healthy", "pipeline": "service_completed_successfully"}
    assert conditions("dashboard") == {"api": "service_healthy"}
    assert conditions("mlflow") == {"pipeline": "service_completed_successfully"}
    assert conditions("scheduler") == {"api": "service_healthy"}


def test_api_grace_period_exceeds_its_graceful_shutdown(services: dict) -> None:
    assert duration_seconds(services["api"]["stop_grace_period"]) > GRACEFUL_SHUTDOWN_SECONDS


def test_api_runs_two_workers_on_postgresql(services: dict) -> None:
    env = service_environment(services["api"])
    assert env["API_WORKERS"] == "2"
    url = make_url(interpolate(env["DATABASE_URL"], read_env_file()))
    db_env = service_environment(services["db"])
    assert (url.drivername, url.host, url.port) == ("postgresql+psycopg", "db", 5432)
    assert url.username == interpolate(db_env["POSTGRES_USER"], read_env_file())
    assert url.database == interpolate(db_env["POSTGRES_DB"], read_env_file())


def test_images_run_their_own_command(services: dict) -> None:
    """test_entrypoints runs the Dockerfiles' CMD: compose must not replace it."""
    for name in IMAGE_CMD:
        assert "command" not in services[name] and "entrypoint" not in services[name], name


def test_published_ports_are_the_ports_the_images_listen_on(services: dict) -> None:
    listens = {
        "api": image_stage("api").env["API_PORT"],
        "dashboard": image_stage("dashboard").env["DASHBOARD_PORT"],
        "mlflow": services["mlflow"]["command"][services["mlflow"]["command"].index("--port") + 1],
    }
    for name, port in listens.items():
        assert [mapping.rsplit(":", 1)[-1] for mapping in services[name]["ports"]] == [port], name
    assert "ports" not in services["db"]


def test_every_variable_is_defined_in_env_example(compose: dict) -> None:
    used = references(compose)
    defined = read_env_file()
    assert not plain_references(compose), "use ${VAR}, not $VAR"
    assert used - set(defined) == set(), "used by compose, missing from .env.example"
    assert set(defined) - used == set(), "in .env.example, never used by compose"


def test_env_example_comments_every_variable() -> None:
    """Blank lines separate blocks; every block that sets variables says what they are in a comment."""
    for block in (REPO / ".env.example").read_text().split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        if any(not line.startswith("#") for line in lines):
            assert lines[0].startswith("#"), f"no comment above {lines[0]}"


def test_secrets_come_only_from_env(services: dict) -> None:
    for name, service in services.items():
        for key, value in service_environment(service).items():
            if SECRET_NAME.search(key):
                assert ONLY_A_REFERENCE.match(value), f"{name}.{key} is not taken from .env: {value!r}"
    url = make_url(service_environment(services["api"])["DATABASE_URL"])
    assert url.password == "${POSTGRES_PASSWORD}"
    text = COMPOSE_FILE.read_text()
    for key, value in read_env_file().items():
        if SECRET_NAME.search(key):
            assert value not in text, f"the value of {key} is written in the compose file"


def test_compose_refuses_to_start_without_the_secrets(compose: dict) -> None:
    defined = read_env_file()
    for key in (k for k in defined if SECRET_NAME.search(k)):
        values = {k: v for k, v in defined.items() if k != key}
        with pytest.raises(KeyError, match=key):
            for service in compose["services"].values():
                for value in service_environment(service).values():
                    interpolate(value, values)


def test_build_contexts_and_dockerfiles_exist(services: dict) -> None:
    for name in BUILT:
        build = services[name]["build"]
        context = REPO / build["context"]
        assert context.is_dir(), name
        assert (context / build["dockerfile"]).is_file(), name
    assert services["mlflow"]["image"] == services["pipeline"]["image"]


def test_postgresql_keeps_its_data_in_the_named_volume(compose: dict, services: dict) -> None:
    assert "pgdata" in compose["volumes"]
    assert _mounts(services["db"]) == {"/var/lib/postgresql/data": "pgdata"}
    check = " ".join(services["db"]["healthcheck"]["test"])
    assert "pg_isready" in check


def test_home_directories_are_mounted_at_the_images_home(services: dict) -> None:
    home = Path(image_stage("api").env["SCORING_HOME"])
    for name in ("pipeline", "api"):
        mounts = _mounts(services[name])
        for part in ("data", "models", "reports"):
            assert mounts[str(home / part)].split(":")[0] == f"./{part}", (name, part)
    assert _mounts(services["api"])[str(home / "reports")].endswith(":ro")
    assert "SCORING_LOG_SALT" in service_environment(services["api"])


def test_mlflow_ui_reads_the_store_the_pipeline_writes(services: dict) -> None:
    store = service_environment(services["pipeline"])["MLFLOW_TRACKING_URI"]
    command = services["mlflow"]["command"]
    assert command[:2] == ["mlflow", "server"]
    assert command[command.index("--backend-store-uri") + 1] == store
    directory = str(Path(make_url(store).database).parent)
    assert _mounts(services["pipeline"])[directory] == _mounts(services["mlflow"])[directory]
    # Artifacts go to ./mlruns of the working directory when MLFLOW_TRACKING_URI is set.
    assert services["pipeline"]["working_dir"] + "/mlruns" == directory
    requirements = (REPO / "requirements" / "pipeline.txt").read_text()
    assert re.search(r"^mlflow==", requirements, re.MULTILINE)


def test_the_dashboard_sends_the_key_the_api_accepts_as_the_dashboards(services: dict) -> None:
    env, api_env = service_environment(services["dashboard"]), service_environment(services["api"])
    assert env["SCORING_DASHBOARD_API_KEY"] == api_env["SCORING_API_KEY"]
    assert "SCORING_API_KEY" not in env  # one meaning per name: the API's accepted keys


def test_scheduler_shares_the_home_the_log_and_the_salt_of_the_api(services: dict) -> None:
    scheduler, api = services["scheduler"], services["api"]
    assert scheduler["image"] == services["pipeline"]["image"] and scheduler["command"] == [
        "scoring",
        "scheduler",
    ]
    env, api_env = service_environment(scheduler), service_environment(api)
    for key in ("DATABASE_URL", "SCORING_LOG_SALT", "SCORING_ADMIN_KEY"):
        assert env[key] == api_env[key], key
    assert env["SCORING_SCHEDULER_API_KEY"] == api_env["SCORING_SERVICE_API_KEY"]  # a service key
    assert "SCORING_API_KEY" not in env  # the name of the keys the API accepts, not of one it sends
    assert env["SCORING_API_URL"] == "http://api:8000"
    assert env["MLFLOW_TRACKING_URI"] == service_environment(services["pipeline"])["MLFLOW_TRACKING_URI"]
    for part in ("data", "models", "reports", "mlruns"):
        assert _mounts(scheduler)[f"/app/{part}"] == f"./{part}"
    assert scheduler["healthcheck"]["test"] == ["CMD", "python", "-m", "scoring.monitoring.heartbeat"]
    requirements = (REPO / "requirements" / "pipeline.txt").read_text()
    assert re.search(r"^APScheduler==", requirements, re.MULTILINE)
    assert re.search(r"^apprise==", requirements, re.MULTILINE)
