"""The one settings base: read from the environment (prefix SCORING_) or a .env file, typed, failing fast.

The API, drift, tracking and the monitoring loop read their settings through subclasses of `ScoringSettings`
(the dashboard, deployed without `scoring`, has its own class; the tooling has `devtools.settings`); no other
code reads a variable of its own from `os.environ`. Paths are derived from `home` (SCORING_HOME) through
`scoring.home.Paths`. DATABASE_URL and MLFLOW_TRACKING_URI are also read without the prefix, the names
platforms and MLflow use. Also here: the refusal of `change-me…` placeholder secrets, and `raising`, which
makes a pydantic dataclass of settings (`TrainConfig`, `DriftSettings`) raise its own error naming the option.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from pydantic import AliasChoices, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from scoring.explain.points import PointsScale
from scoring.home import PROJECT_ROOT, Paths
from scoring.io import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, temporary_path

PLACEHOLDER_PREFIX = "change-me"  # the secrets of .env.example, refused at start
T = TypeVar("T")


class ScoringSettings(BaseSettings):
    """Where the scoring home is and which databases it uses; subclassed by each app."""

    model_config = SettingsConfigDict(
        env_prefix="SCORING_", env_file=".env", extra="ignore", env_ignore_empty=True
    )

    home: Path = Field(
        default=PROJECT_ROOT,
        description="Holds data/, models/, reports/ (and mlflow.db, mlruns/): a whole run can live in a "
        "temporary folder",
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SCORING_DATABASE_URL", "DATABASE_URL"),
        description="Prediction log and product database (default: SQLite in <home>/data/runtime/)",
    )
    mlflow_tracking_uri: str | None = Field(
        default=None,
        validation_alias=AliasChoices("SCORING_MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_URI"),
        description="MLflow tracking store (default: SQLite <home>/mlflow.db, artifacts in <home>/mlruns)",
    )
    log_salt: SecretStr | None = Field(default=None, description="Salt of the client-ID hashes")
    points_base: float = Field(default=600.0, description="Score points at the reference odds")
    points_odds: float = Field(default=19.0, gt=0, description="Reference odds good:bad")
    points_pdo: float = Field(default=50.0, gt=0, description="Points to double the odds")
    audit_retention_days: int = Field(
        default=183, ge=1, description="Audit rows younger than this are never purged (default: 6 months)"
    )
    max_debt_service_ratio: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="Cap on all instalments over income (default: scoring/offer/affordability.json, 0.35)",
    )
    stress_rate_points: float | None = Field(
        default=None,
        ge=0,
        lt=1,
        description="Added to the rate when testing affordability (default: affordability.json, 0.02)",
    )

    @property
    def paths(self) -> Paths:
        return Paths(self.home.resolve())

    @property
    def points_scale(self) -> PointsScale:
        """The score points of the API, the letters and batch scoring."""
        return PointsScale(self.points_base, self.points_odds, self.points_pdo)

    @property
    def database(self) -> str:
        """The database URL: the configured one, else SQLite in the home's runtime folder."""
        return self.database_url or f"sqlite:///{self.paths.predictions_db}"

    @property
    def tracking_uri(self) -> str:
        return self.mlflow_tracking_uri or f"sqlite:///{self.paths.mlflow_db}"

    def placeholder_secrets(self) -> list[str]:
        """One message per secret still set to a `change-me…` placeholder, naming its variable."""
        return [placeholder_message(name) for name in placeholder_variables(self)]

    def runtime_dir(self) -> Path:
        """The home's runtime folder, created private (0700) when missing."""
        folder = self.paths.runtime
        folder.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
        return folder

    def salt(self) -> bytes:
        """SCORING_LOG_SALT, else a random salt kept in the runtime folder (stable across restarts)."""
        if self.log_salt is not None:
            return self.log_salt.get_secret_value().encode()
        path = self.paths.log_salt
        if not path.exists():
            write_secret_once(path, secrets.token_hex(32))
        return path.read_text().strip().encode()


def get_paths() -> Paths:
    """Paths under the configured home (SCORING_HOME, default: the project root), read at call time."""
    return ScoringSettings().paths


def default_raw_dir() -> Path:
    """The real Kaggle files in data/raw/ when present, else the synthetic twin in data/raw/synthetic/."""
    paths = get_paths()
    real = [paths.raw / f"application_train.{ext}" for ext in ("csv", "parquet")]
    return paths.raw if any(p.exists() for p in real) else paths.synthetic


def write_secret_once(path: Path, secret: str) -> None:
    """Write a generated secret 0600 (its folder 0700; the temporary file is 0600 from its creation),
    atomically and never replacing one that another process wrote first: the first writer's secret wins."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR_MODE)
    tmp = temporary_path(path)
    tmp.write_text(secret)
    tmp.chmod(PRIVATE_FILE_MODE)
    with contextlib.suppress(FileExistsError):
        os.link(tmp, path)
    tmp.unlink()


def comma_separated(value: object) -> object:
    """A list setting given as one comma-separated string in the environment (empty parts dropped)."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def placeholder_variables(settings: BaseSettings) -> list[str]:
    """The variables of every secret setting (a SecretStr, or a list of them) still holding a `change-me…`
    placeholder of .env.example. A value read under a deprecated name and copied to its new field is named
    once, by the variable it was read from (the deprecated field, declared after the new one)."""
    prefix = settings.model_config.get("env_prefix", "")
    found: list[tuple[str, object]] = []
    for name, field in type(settings).model_fields.items():
        value = getattr(settings, name)
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, SecretStr) and is_placeholder(v.get_secret_value()) for v in values):
            alias = field.validation_alias
            found.append(((alias if isinstance(alias, str) else f"{prefix}{name}").upper(), value))
    return [name for i, (name, value) in enumerate(found) if all(value is not v for _, v in found[i + 1 :])]


def is_placeholder(secret: str) -> bool:
    """Whether a secret is a `change-me…` value of .env.example (the dashboard, which may not import
    `scoring`, keeps its own copy of the rule)."""
    return secret.strip().lower().startswith(PLACEHOLDER_PREFIX)


def placeholder_message(variable: str) -> str:
    return (
        f"{variable} is still a placeholder of .env.example: set a long random value, "
        'e.g. python -c "import secrets; print(secrets.token_urlsafe(32))"'
    )


def validation_message(
    exc: ValidationError, label: Callable[[str], str], positional: tuple[str, ...] = ()
) -> str:
    """One message per invalid field, naming it as the caller calls it (`label`), with the value given
    (`positional`: the field names of positional arguments, which pydantic locates by index)."""
    lines = []
    for error in exc.errors():
        loc = error["loc"][0] if error["loc"] else None
        name = positional[loc] if isinstance(loc, int) and loc < len(positional) else str(loc)
        field = label(name) if loc is not None else "settings"
        if error["type"] == "value_error":
            lines.append(str(error["ctx"]["error"]))
        elif error["msg"].startswith("Input should"):
            lines.append(f"{field} should{error['msg'][len('Input should') :]}, got {error['input']!r}")
        else:
            lines.append(f"{field}: {error['msg']}")
    return "; ".join(lines)


def option_name(field: str) -> str:
    """A field as the CLI's option for it: top_features -> --top-features."""
    return "--" + field.replace("_", "-")


def raising(
    error: type[Exception], label: Callable[[str], str] = option_name
) -> Callable[[type[T]], type[T]]:
    """A pydantic dataclass (or model) whose invalid input raises `error` naming each field, not pydantic's
    ValidationError: the CLI and the scheduler catch their own errors."""

    def wrap(cls: type[T]) -> type[T]:
        validate = cls.__init__
        positional = (
            tuple(field.name for field in dataclasses.fields(cls)) if dataclasses.is_dataclass(cls) else ()
        )

        @functools.wraps(validate)
        def __init__(self: object, *args: object, **kwargs: object) -> None:
            try:
                validate(self, *args, **kwargs)
            except ValidationError as exc:
                raise error(validation_message(exc, label, positional)) from None

        cls.__init__ = __init__  # type: ignore[method-assign]
        return cls

    return wrap
