"""The dashboard's sessions kept on the server, in a private folder: the cookie holds only a random id.

A session is one file per id (0600, in a 0700 folder), named by the SHA-256 of the id (the folder's listing
names no cookie), holding the session's data (Flask's tagged JSON) and its absolute end. The cookie carries
the id alone: 43 URL-safe characters from `secrets.token_urlsafe(32)` (256 random bits), HttpOnly,
SameSite=Lax, Secure as configured. A session ends after `idle` without a request (the file's modification
time is its last use, renewed at most every TOUCH_SECONDS) and at its absolute end however active (the API
session's): an ended session's file is removed when a request names it, and by a sweep of the folder run at
most every SWEEP_SECONDS by each process. `renew()` gives the session a new id at the end of the request
(its old file removed): sign-in and sign-out do, so a cookie captured before either names nothing.

Several threads and processes may share the folder: a file is written whole (a temporary file renamed over
it), and an update or a removal holds an exclusive `flock` on the file and acts only if the path still names
that file, so that an update running beside a sign-out never brings the removed session back.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import logging
import os
import re
import secrets
import shutil
import stat
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import flask
from flask.json.tag import TaggedJSONSerializer
from flask.sessions import SecureCookieSession, SessionInterface

logger = logging.getLogger("dashboard.auth")
SESSION_ID = re.compile(r"[A-Za-z0-9_-]{43}")
TEMPORARY_PREFIX = ".tmp-"
TOUCH_SECONDS = 15  # a session's last use is written at most this often (its idle limit is exact to this)
SWEEP_SECONDS = 60  # each process removes the ended sessions' files at most this often
DIR_MODE = 0o700
serializer = TaggedJSONSerializer()


class StoredSession(SecureCookieSession):
    """Flask's session dict (tracking changes and reads), kept on the server under `sid`.

    `ends`: the absolute end (Unix time) beyond which the session is refused however active; `seen`: its
    last use as the store knew it; `expired`: a signed-in (permanent) session named by the cookie had ended;
    `dropped`: an id the session no longer uses (given up by `renew`, or named by the cookie but ended or
    unknown), whose file goes when the session is saved (and the cookie too, if the session stays empty).
    """

    def __init__(
        self,
        initial: dict | None = None,
        sid: str | None = None,
        ends: float | None = None,
        seen: float = 0.0,
    ) -> None:
        super().__init__(initial)
        self.sid = sid
        self.ends = ends
        self.seen = seen
        self.expired = False
        self.dropped: str | None = None

    def keep_until(self, ends: float) -> None:
        """End the session at `ends` (Unix time) however active."""
        self.ends = ends
        self.modified = True

    def renew(self) -> None:
        """Give this session a new id when it is saved; the old id's file is removed then."""
        if self.sid is not None:
            self.dropped = self.sid
        self.sid = None
        self.modified = True


class SessionFolder:
    """The session files of one folder; `idle`: seconds without a request after which a session ends."""

    def __init__(self, folder: Path, idle: float) -> None:
        self.folder = private_folder(folder)
        self.idle = idle
        self._swept = 0.0
        self._sweeping = threading.Lock()

    def path(self, sid: str) -> Path:
        return self.folder / hashlib.sha256(sid.encode()).hexdigest()

    def ended(self, modified: float, ends: float | None, now: float) -> bool:
        return now - modified > self.idle or (ends is not None and now >= ends)

    def read(self, sid: str) -> tuple[dict, float | None, float] | None:
        """The data, absolute end and last use (modification time) of a session; None for an unknown one
        (or a file not written whole, then removed)."""
        path = self.path(sid)
        try:
            with path.open("rb") as file:
                modified = os.fstat(file.fileno()).st_mtime
                record = serializer.loads(file.read().decode())
        except FileNotFoundError:
            return None
        except ValueError:
            record = None
        if not isinstance(record, dict) or not isinstance(record.get("data"), dict):
            self.remove(path)
            return None
        return dict(record["data"]), record.get("ends"), modified

    def create(self, data: dict, ends: float | None) -> str:
        """Keep a new session; its id."""
        sid = secrets.token_urlsafe(32)
        os.replace(self._written(data, ends), self.path(sid))
        return sid

    def update(self, sid: str, data: dict, ends: float | None) -> bool:
        """Rewrite a session that still exists (never one removed meanwhile); whether it did."""
        path = self.path(sid)
        written = self._written(data, ends)
        try:
            return self._locked(path, lambda: os.replace(written, path))
        finally:
            written.unlink(missing_ok=True)

    def touch(self, sid: str) -> None:
        """Note a request of the session (its idle time starts again); nothing if it was removed."""
        with contextlib.suppress(FileNotFoundError):
            os.utime(self.path(sid))

    def delete(self, sid: str) -> None:
        self.remove(self.path(sid))

    def remove(self, path: Path, still: Callable[[float], bool] | None = None) -> bool:
        """Remove a session's file (only if `still(its modification time)` holds then, when given)."""
        return self._locked(path, lambda: path.unlink(), still)

    def _locked(
        self, path: Path, act: Callable[[], object], still: Callable[[float], bool] | None = None
    ) -> bool:
        """Run `act` holding the file's lock, once the path names the locked file (False if it is gone)."""
        while True:
            try:
                file = path.open("rb")
            except FileNotFoundError:
                return False
            with file:
                fcntl.flock(file.fileno(), fcntl.LOCK_EX)
                mine = os.fstat(file.fileno())
                try:
                    named = os.stat(path)
                except FileNotFoundError:
                    return False
                if (named.st_ino, named.st_dev) != (mine.st_ino, mine.st_dev):
                    continue  # replaced while we waited: lock the new file
                if still is not None and not still(named.st_mtime):
                    return False
                act()
                return True

    def _written(self, data: dict, ends: float | None) -> Path:
        """A temporary file (0600) in the folder holding a session, to be renamed over its file."""
        descriptor, name = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, dir=self.folder)
        with os.fdopen(descriptor, "wb") as file:
            file.write(serializer.dumps({"data": data, "ends": ends}).encode())
        return Path(name)

    def sweep(self, now: float) -> int:
        """Remove the files of ended sessions (and of writes a crash left behind); how many."""
        removed = 0
        for path in self.folder.iterdir():
            try:
                removed += self._swept_one(path, now)
            except (OSError, ValueError, AttributeError):  # gone meanwhile, or not a session's file
                continue
        return removed

    def _swept_one(self, path: Path, now: float) -> bool:
        modified = path.stat().st_mtime
        if path.name.startswith(TEMPORARY_PREFIX):
            if now - modified <= self.idle:
                return False
            path.unlink()
            return True
        ends = None if now - modified > self.idle else serializer.loads(path.read_text()).get("ends")
        if not self.ended(modified, ends, now):
            return False
        return self.remove(path, lambda seen: self.ended(seen, ends, time.time()))

    def sweep_now_and_then(self, now: float) -> None:
        """Sweep if this process has not for SWEEP_SECONDS (one thread at a time, never waiting; a failure
        is logged, never the request's)."""
        if now - self._swept < SWEEP_SECONDS or not self._sweeping.acquire(blocking=False):
            return
        try:
            self._swept = now
            removed = self.sweep(now)
            if removed:
                logger.info("%d ended dashboard sessions removed", removed)
        except OSError as error:
            logger.warning("dashboard sessions not swept: %s", error)
        finally:
            self._sweeping.release()


def private_folder(folder: Path) -> Path:
    """`folder`, created 0700 (made 0700 if it is ours and open to others; refused if someone else's)."""
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    info = folder.stat()
    if info.st_uid != os.getuid():
        raise SystemExit(
            f"SCORING_DASHBOARD_SESSION_DIR: {folder} belongs to another user; the dashboard keeps its "
            "sessions only in a folder of its own"
        )
    if stat.S_IMODE(info.st_mode) != DIR_MODE:
        folder.chmod(DIR_MODE)
    return folder


def temporary_folder() -> Path:
    """A private folder for this process's sessions, removed when it exits."""
    folder = Path(tempfile.mkdtemp(prefix="scoring-dashboard-sessions-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


class ServerSessions(SessionInterface):
    """Flask's session interface over a `SessionFolder`: the cookie holds the session id only; Secure when
    configured so (`secure`), else when the request came over HTTPS."""

    def __init__(self, store: SessionFolder, secure: bool | None) -> None:
        self.store = store
        self.secure = secure

    def get_cookie_secure(self, app: flask.Flask) -> bool:
        if self.secure is not None:
            return self.secure
        return flask.has_request_context() and flask.request.is_secure

    def get_expiration_time(self, app: flask.Flask, session: StoredSession) -> datetime | None:
        """The cookie's end: the idle limit from now, never past the session's absolute end."""
        if not session.permanent:
            return None
        now = datetime.now(UTC)
        expires = now + timedelta(seconds=self.store.idle)
        return expires if session.ends is None else min(expires, datetime.fromtimestamp(session.ends, UTC))

    def open_session(self, app: flask.Flask, request: flask.Request) -> StoredSession:
        now = time.time()
        self.store.sweep_now_and_then(now)
        sid = request.cookies.get(self.get_cookie_name(app), "")
        if not SESSION_ID.fullmatch(sid):
            return StoredSession()
        record = self.store.read(sid)
        if record is not None and self.store.ended(record[2], record[1], now):
            ends = record[1]
            self.store.remove(self.store.path(sid), lambda seen: self.store.ended(seen, ends, time.time()))
        elif record is not None:
            data, ends, seen = record
            return StoredSession(data, sid, ends, seen)
        session = StoredSession()
        session.dropped = sid  # the cookie of an ended or unknown session is replaced or removed
        session.expired = record is not None and bool(record[0].get("_permanent"))
        return session

    def save_session(self, app: flask.Flask, session: StoredSession, response: flask.Response) -> None:
        if session.accessed:
            response.vary.add("Cookie")
        if session.dropped is not None and session.dropped != session.sid:
            self.store.delete(session.dropped)
        if not session:
            if session.sid is not None:
                self.store.delete(session.sid)
            if session.sid is not None or session.dropped is not None:
                response.delete_cookie(
                    self.get_cookie_name(app),
                    domain=self.get_cookie_domain(app),
                    path=self.get_cookie_path(app),
                    secure=self.get_cookie_secure(app),
                    partitioned=self.get_cookie_partitioned(app),
                    samesite=self.get_cookie_samesite(app),
                    httponly=self.get_cookie_httponly(app),
                )
                response.vary.add("Cookie")
            return
        if session.sid is None:
            session.sid = self.store.create(dict(session), session.ends)
        elif session.modified and not self.store.update(session.sid, dict(session), session.ends):
            return  # removed meanwhile (signed out by another request): not brought back
        elif not session.modified and time.time() - session.seen > TOUCH_SECONDS:
            self.store.touch(session.sid)
        if self.should_set_cookie(app, session):
            response.set_cookie(
                self.get_cookie_name(app),
                session.sid,
                expires=self.get_expiration_time(app, session),
                httponly=self.get_cookie_httponly(app),
                domain=self.get_cookie_domain(app),
                path=self.get_cookie_path(app),
                secure=self.get_cookie_secure(app),
                partitioned=self.get_cookie_partitioned(app),
                samesite=self.get_cookie_samesite(app),
            )
            response.vary.add("Cookie")


def renew() -> None:
    """A new id for this request's session (saved at the end of the request; the old one names nothing)."""
    flask.session.renew()


def expired() -> bool:
    """Whether the signed-in session this request's cookie named had ended (idle, or past its end)."""
    return bool(getattr(flask.session, "expired", False))


def lost() -> bool:
    """Whether this request's cookie named a session that has ended or is unknown here."""
    session = flask.session
    return getattr(session, "sid", None) is None and getattr(session, "dropped", None) is not None
