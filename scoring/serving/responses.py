"""The score responses of the stored clients, serialised once per model version and data, then memory-mapped.

A stored client's score and explanation never change for a given model and data, so its JSON response is
built once (after the explanations are precomputed) instead of per request. Each client's document is kept
as two byte ranges around the value of `explanation.contributions`: the request puts `null` there, or the
client's non-zero contributions (serialised per request from the memory-mapped contributions: written out
for every client they would take several times the space of the contributions themselves). The bytes live
in the serving cache, one pair of arrays per language (`responses_v<FORMAT>_blob_<lang>`: uint8,
`responses_v<FORMAT>_index_<lang>`: start, split, end per store row), shared by every worker; without a
writable cache they stay in memory. The decision depends on the strategy in force too: the responses under a
stored strategy carry its key in their names (`responses_v<FORMAT>_blob_<key>_<lang>`), so a strategy
activated later is serialised beside them. Once a key is serialised, the responses this code reads no more
are deleted (`obsolete`: another FORMAT's, or another strategy's than the one just serialised and the
threshold's; a strategy activated again is serialised again): each set is as large as the feature table.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable

import numpy as np
import orjson

from scoring.serving.cache import ArrayCache

logger = logging.getLogger(__name__)

FORMAT = 7  # of the serialised documents: bumped when a score response changes (older caches rebuild)
BLOB, INDEX = f"responses_v{FORMAT}_blob", f"responses_v{FORMAT}_index"
STORED = re.compile(r"responses_v(?P<format>\d+)_(?:blob|index)_(?:(?P<key>.+)_)?[a-z]{2}")
SLOT = b'"contributions":null'
NULL = b"null"
Payload = Callable[[int], dict]
Contributions = Callable[[int], bytes]


def split_document(document: bytes) -> tuple[bytes, bytes]:
    """The bytes before and after the `null` of the first `"contributions":null` of a JSON document."""
    at = document.index(SLOT) + len(SLOT) - len(NULL)
    return document[:at], document[at + len(NULL) :]


class StoredResponses:
    """Serialised score responses by store row, in one language (under the strategy `key`, empty: the
    bundle's threshold); `body` is None until they are built."""

    def __init__(self, cache: ArrayCache, language: str, key: str = "") -> None:
        self._cache = cache
        tag = f"{key}_{language}" if key else language
        self._names = (f"{BLOB}_{tag}", f"{INDEX}_{tag}")
        self._blob: np.ndarray | None = None
        self._index: np.ndarray | None = None
        self._contributions: Contributions | None = None
        if all(cache.has(name) for name in self._names):
            self._blob, self._index = (cache.load(name) for name in self._names)

    @property
    def ready(self) -> bool:
        return self._index is not None and self._contributions is not None

    @property
    def cache(self) -> ArrayCache:
        return self._cache

    def build(self, rows: int, payload: Payload, contributions: Contributions) -> None:
        """Serialise `payload(row)` of every row (once per cache, whichever process comes first)."""
        self._contributions = contributions
        if self._index is None:
            arrays = self._cache.get_or_build(self._names, lambda: self._serialise(rows, payload))
            self._blob, self._index = (arrays[name] for name in self._names)

    def body(self, row: int, contributions: bool) -> bytes | None:
        """The JSON response of a stored client (contributions or null there), None until built."""
        if not self.ready:
            return None
        start, split, end = self._index[row].tolist()
        blob = self._blob
        middle = self._contributions(row) if contributions else NULL
        return b"".join((blob[start:split].tobytes(), middle, blob[split:end].tobytes()))

    def _serialise(self, rows: int, payload: Payload) -> dict[str, np.ndarray]:
        started = time.monotonic()
        parts: list[bytes] = []
        index = np.empty((rows, 3), dtype=np.int64)
        offset = 0
        for row in range(rows):
            head, tail = split_document(orjson.dumps(payload(row)))
            parts += (head, tail)
            index[row] = (offset, offset + len(head), offset + len(head) + len(tail))
            offset = int(index[row, 2])
        blob = np.frombuffer(b"".join(parts), dtype=np.uint8)
        logger.info("responses of %d clients serialised in %.1f s", rows, time.monotonic() - started)
        return dict(zip(self._names, (blob, index), strict=True))


Document = Callable[[int, str], dict]


def obsolete(names: Iterable[str], keep: str) -> list[str]:
    """The serialised responses among `names` this code reads no more: of another FORMAT, or under a strategy
    key other than `keep` and the threshold's ("")."""
    found = (STORED.fullmatch(name) for name in names)
    return [
        m.string for m in found if m and (int(m["format"]) != FORMAT or (m["key"] or "") not in ("", keep))
    ]


class ResponseSets:
    """The serialised responses by strategy key ("": the bundle's threshold) and language: the threshold's
    and the latest strategy's are kept; a key not yet serialised is built once, in the background."""

    def __init__(self, make: Callable[[str], dict[str, StoredResponses]]) -> None:
        self._make = make
        self._sets = {"": make("")}
        self._started: set[str] = set()
        self._lock = threading.Lock()

    def get(self, key: str) -> dict[str, StoredResponses] | None:
        return self._sets.get(key)

    def serialise(self, key: str, rows: int, document: Document, contributions: Contributions) -> None:
        """Serialise (or load from the cache) every row's document under `key`, in every language."""
        with self._lock:
            self._started.add(key)
            found = self._sets.get(key) or self._make(key)
        for language, stored in found.items():
            stored.build(rows, lambda row, language=language: document(row, language), contributions)
        self._sets = {"": self._sets[""], key: found}
        cache = next(iter(found.values())).cache
        for name in obsolete(cache.names(), key):
            cache.discard(name)

    def start(self, key: str, work: Callable[[], None]) -> None:
        """Run `work` (which serialises `key`) in a daemon thread, unless it was started already."""
        with self._lock:
            if key in self._started:
                return
            self._started.add(key)

        def run() -> None:
            try:
                work()
            except Exception:
                logger.exception("responses under strategy %s not serialised: built per request", key)

        threading.Thread(target=run, name="responses", daemon=True).start()
