"""Integrity of the served bundle: checksums of every file, a signature by the product's key (a re-hashed
change is refused), a damaged model answered with 503 (never a crash), and serving caches that follow the
model's content, not its version name."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import lightgbm as lgb
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from scoring.modeling.bundle import BundleError, champion_version, load_bundle
from scoring.modeling.integrity import CHECKSUMS, METADATA_FILE, bundle_files, write_checksums
from scoring.modeling.models import MODEL_FILE
from scoring.modeling.signing import SIGNATURE, Keyring, keyring, sign_bundle
from tests.api.conftest import API, make_settings


@pytest.fixture
def models(demo_home: Path, tmp_path: Path) -> Path:
    """A copy of the demo home's models folder, free to damage, beside a copy of its signing key (a bundle
    loads only when its home's keys verify it)."""
    copy = tmp_path / "models"
    shutil.copytree(demo_home / "models", copy, ignore=shutil.ignore_patterns("serving"))
    shutil.copytree(demo_home / "data" / "keys", tmp_path / "data" / "keys")
    return copy


def _bundle_dir(models: Path) -> Path:
    return models / champion_version(models)


def _settings(demo_home: Path, models: Path, tmp_path: Path, **overrides: object) -> Settings:
    return make_settings(
        demo_home, tmp_path / "log.db", models_dir=models, precompute_explanations=False, **overrides
    )


def _damage_a_leaf_value(path: Path) -> None:
    """The issue's damage: one `leaf_value=` line with a value LightGBM cannot parse."""
    text = path.read_text()
    start = text.index("leaf_value=")
    end = text.index("\n", start)
    path.write_text(text[:start] + "leaf_value=0.1 0.x2 abc" + text[end:])


def test_the_writer_checksums_every_file(models: Path) -> None:
    directory = _bundle_dir(models)
    metadata = json.loads((directory / METADATA_FILE).read_text())
    written = {p.name for p in directory.iterdir() if p.is_file() and p.name != METADATA_FILE}
    assert set(metadata[CHECKSUMS]) == written and MODEL_FILE in written
    (directory / "extra").mkdir()
    (directory / "extra" / "calibrator.json").write_text('{"kind": "isotonic"}')
    assert "extra/calibrator.json" in write_checksums(directory)  # any file the writer adds is covered
    sign_bundle(directory, keyring(models.parent))  # as the writer signs after its checksums
    load_bundle(models)
    (directory / "extra" / "calibrator.json").write_text('{"kind": "platt"}')
    with pytest.raises(BundleError, match="extra/calibrator.json differs from its checksum"):
        load_bundle(models)
    assert bundle_files(directory) == sorted([*written, "extra/calibrator.json"])


def test_a_replaced_model_changes_the_scores_after_a_restart(
    demo_home: Path, models: Path, tmp_path: Path, stored_ids: dict[str, int]
) -> None:
    """The issue's stale cache: a new model.txt under the same version kept serving the old cached scores."""
    client_id = stored_ids["train"]
    settings = _settings(demo_home, models, tmp_path)
    with TestClient(create_app(settings)) as client:
        before = client.get(f"{API}/clients/{client_id}/score").json()["probability"]
        service = client.app.state.scoring.service
        row = service.store.matrix[service.store.row(client_id) : service.store.row(client_id) + 1]
    directory = _bundle_dir(models)
    lgb.Booster(model_file=str(directory / MODEL_FILE)).save_model(
        str(directory / MODEL_FILE), num_iteration=3
    )
    write_checksums(directory)  # a legitimate replacement, same version name, signed with the product's key
    sign_bundle(directory, keyring(demo_home))
    expected = float(load_bundle(models).predict_proba(row)[0])  # the new trees, the bundle's calibrator
    with TestClient(create_app(settings)) as client:
        after = client.get(f"{API}/clients/{client_id}/score").json()["probability"]
    assert after != pytest.approx(before, abs=1e-6)
    assert after == pytest.approx(expected, abs=1e-12)
    assert len(list((directory / "serving").iterdir())) == 2  # one cache per content


def test_a_model_changed_behind_its_checksum_is_refused(
    demo_home: Path, models: Path, tmp_path: Path
) -> None:
    _damage_a_leaf_value(_bundle_dir(models) / MODEL_FILE)
    with TestClient(create_app(_settings(demo_home, models, tmp_path))) as client:
        ready = client.get(f"{API}/ready")
        assert ready.status_code == 503 and ready.json()["status"] == "failed"
        assert "model.txt differs from its checksum" in ready.json()["detail"]
        assert client.get(f"{API}/health").status_code == 200


def test_a_model_lightgbm_cannot_parse_is_a_503_not_a_crash(
    demo_home: Path, models: Path, tmp_path: Path
) -> None:
    """With its checksum rewritten, the damaged file reaches LightGBM, which aborts: in the child process."""
    directory = _bundle_dir(models)
    _damage_a_leaf_value(directory / MODEL_FILE)
    write_checksums(directory)
    sign_bundle(directory, keyring(demo_home))
    with TestClient(create_app(_settings(demo_home, models, tmp_path))) as client:
        ready = client.get(f"{API}/ready")
        assert ready.status_code == 503 and ready.json()["status"] == "failed"
        assert "model.txt: LightGBM cannot load it" in ready.json()["detail"]
        assert client.get(f"{API}/health").status_code == 200
        assert client.get(f"{API}/clients/100002/score").status_code == 503


# -- only bundles the product signed -------------------------------------------------------------------------

OTHER_KEY = "another-signing-key-0123456789abcdef"


def _refusal(settings: Settings) -> str:
    """The /ready detail of an API that did not load the bundle (asserting it did not)."""
    with TestClient(create_app(settings)) as client:
        ready = client.get(f"{API}/ready")
        assert ready.status_code == 503 and ready.json()["status"] == "failed"
        assert client.get(f"{API}/clients/100002/score").status_code == 503
        return ready.json()["detail"]


def _shift_the_calibration(directory: Path) -> None:
    """The issue's tampering: a file changed (here every probability moved) and its checksum recomputed."""
    path = directory / "calibrator.json"
    path.write_text(path.read_text().replace("0.", "0.9", 1))
    write_checksums(directory)


def test_the_writer_signs_with_the_homes_own_key_outside_models(demo_home: Path, models: Path) -> None:
    key_file = demo_home / "data" / "keys" / "model_signing.key"
    assert key_file.stat().st_mode & 0o777 == 0o600 and key_file.parent.stat().st_mode & 0o777 == 0o700
    signature = json.loads((_bundle_dir(models) / METADATA_FILE).read_text())[SIGNATURE]
    assert signature["algorithm"] == "HMAC-SHA256" and len(signature["value"]) == 64
    assert key_file.read_text().strip() not in json.dumps(signature)
    load_bundle(models, keys=keyring(demo_home))  # verified
    assert not any("model_signing" in p.name for p in models.rglob("*"))


def test_a_rehashed_change_without_the_key_is_refused(demo_home: Path, models: Path, tmp_path: Path) -> None:
    _shift_the_calibration(_bundle_dir(models))
    detail = _refusal(_settings(demo_home, models, tmp_path))
    assert "is not trusted: the signature of metadata.json does not match its content" in detail
    with pytest.raises(BundleError, match="not trusted"):
        load_bundle(models, keys=keyring(demo_home))


def test_a_bundle_resigned_with_another_key_or_unsigned_is_refused(
    demo_home: Path, models: Path, tmp_path: Path
) -> None:
    directory = _bundle_dir(models)
    _shift_the_calibration(directory)
    forged = Keyring(OTHER_KEY.encode(), (OTHER_KEY.encode(),), "test")
    sign_bundle(directory, forged)
    assert "is signed with key" in _refusal(_settings(demo_home, models, tmp_path))
    metadata = json.loads((directory / METADATA_FILE).read_text())
    del metadata[SIGNATURE]
    (directory / METADATA_FILE).write_text(json.dumps(metadata))
    assert "metadata.json is not signed" in _refusal(_settings(demo_home, models, tmp_path))


def test_key_rotation_new_key_signs_old_keys_verify_until_retired(
    demo_home: Path, models: Path, tmp_path: Path
) -> None:
    """The bundle signed with the home's key (the old one) loads while that key is listed as an older key."""
    old = (demo_home / "data" / "keys" / "model_signing.key").read_text().strip()
    rotated = _settings(demo_home, models, tmp_path, model_signing_key=OTHER_KEY, model_verify_keys=old)
    with TestClient(create_app(rotated)) as client:
        assert client.get(f"{API}/ready").status_code == 200
    retired = _settings(demo_home, models, tmp_path, model_signing_key=OTHER_KEY)
    assert "not an accepted one" in _refusal(retired)
    sign_bundle(_bundle_dir(models), keyring(demo_home, retired))  # the next training signs with the new key
    with TestClient(create_app(retired)) as client:
        assert client.get(f"{API}/ready").status_code == 200
