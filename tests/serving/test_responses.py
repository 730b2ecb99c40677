"""Serialised responses: two byte ranges around the contributions, cached, rebuilt by nobody else."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import pytest

from scoring.serving.cache import ArrayCache
from scoring.serving.responses import FORMAT, ResponseSets, StoredResponses, split_document


def _payload(row: int) -> dict:
    return {
        "client_id": 100 + row,
        "explanation": {
            "base_value": -2.0,
            "contributions": None,
            "raising": [{"label": '"contributions":null'}],
        },
    }


def _contributions(row: int) -> bytes:
    return orjson.dumps({"A": float(row)})


def test_split_document_cuts_at_the_first_contributions_slot() -> None:
    head, tail = split_document(orjson.dumps(_payload(1)))
    assert head.endswith(b'"contributions":') and tail.startswith(b',"raising"')


def test_bodies_with_and_without_contributions(tmp_path: Path) -> None:
    responses = StoredResponses(ArrayCache(tmp_path), "en")
    assert responses.body(0, True) is None
    responses.build(3, _payload, _contributions)
    for row in range(3):
        assert orjson.loads(responses.body(row, False)) == _payload(row)
        expected = _payload(row)
        expected["explanation"]["contributions"] = {"A": float(row)}
        assert orjson.loads(responses.body(row, True)) == expected


def test_a_second_process_reads_the_cache_instead_of_serialising(tmp_path: Path) -> None:
    StoredResponses(ArrayCache(tmp_path), "en").build(2, _payload, _contributions)

    def refuse(row: int) -> dict:
        raise AssertionError("serialised again")

    again = StoredResponses(ArrayCache(tmp_path), "en")
    again.build(2, refuse, _contributions)
    assert orjson.loads(again.body(1, False)) == _payload(1)


def test_without_a_cache_directory_the_bytes_stay_in_memory() -> None:
    responses = StoredResponses(ArrayCache(None), "en")
    responses.build(2, _payload, _contributions)
    assert orjson.loads(responses.body(1, False)) == _payload(1)
    with pytest.raises(IndexError):
        responses.body(5, False)


def test_serialising_a_key_deletes_the_responses_no_longer_read(tmp_path: Path) -> None:
    """Another FORMAT's responses and another strategy's are deleted once a key is serialised (each set is as
    large as the feature table); the threshold's, the new key's and the other arrays stay."""
    cache = ArrayCache(tmp_path)
    older, now = f"responses_v{FORMAT - 1}", f"responses_v{FORMAT}"
    for name in (f"{older}_blob_en", f"{older}_index_v1-aa_fr", f"{now}_blob_v1-aa_en", "probability"):
        cache.save(name, np.zeros(2))
    sets = ResponseSets(lambda key: {"en": StoredResponses(cache, "en", key)})
    sets.serialise("", 2, lambda row, _language: _payload(row), _contributions)
    assert cache.names() == ["probability", f"{now}_blob_en", f"{now}_index_en"]
    sets.serialise("v2-bb", 2, lambda row, _language: _payload(row), _contributions)
    kept = [
        "probability",
        f"{now}_blob_en",
        f"{now}_blob_v2-bb_en",
        f"{now}_index_en",
        f"{now}_index_v2-bb_en",
    ]
    assert cache.names() == kept
    assert orjson.loads(sets.get("v2-bb")["en"].body(1, False)) == _payload(1)
    sets.serialise("v3-cc", 2, lambda row, _language: _payload(row), _contributions)
    assert not any("v2-bb" in name for name in cache.names())  # the strategy no longer in force
    assert orjson.loads(sets.get("")["en"].body(1, False)) == _payload(1)
