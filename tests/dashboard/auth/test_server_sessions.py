"""The dashboard's sessions kept on the server: the cookie holds a random id only; the session's file is
private, shared by every process using the folder, removed at sign-out, idle timeout, absolute end and by the
sweep, and a sign-in starts a new id."""

from __future__ import annotations

import base64
import multiprocessing
import os
import stat
import threading
import time
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

import dash
import pytest

from dashboard.api_client import EXTENSION
from dashboard.auth import SESSION_COOKIE, session_folder
from dashboard.auth.guard import CSRF_COOKIE, CSRF_HEADER
from dashboard.auth.session_store import SWEEP_SECONDS, SessionFolder, serializer
from dashboard.auth.users import TOKEN_KEY
from dashboard.settings import DashboardSettings
from tests.dashboard.auth.conftest import faked
from tests.dashboard.auth.fake_api import (
    ENDS,
    USERS,
    FakeApi,
    callback,
    csrf,
    outputs_of,
    replayed,
    session_cookie,
    sign_in,
    user_box,
)

IDLE = 30 * 60  # the default SCORING_SESSION_IDLE_MINUTES


def store(app: dash.Dash) -> SessionFolder:
    return app.server.session_interface.store


def record(app: dash.Dash, sid: str) -> Path:
    return store(app).path(sid)


def age(app: dash.Dash, sid: str, seconds: float) -> None:
    """Make a session's last request `seconds` old."""
    then = time.time() - seconds
    os.utime(record(app, sid), (then, then))


def set_cookie_of(response: object) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{SESSION_COOKIE}="))


def test_the_cookie_holds_only_a_random_id(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    sign_in(client, "olivia")
    [token] = fake.sessions
    sid = session_cookie(client)
    assert len(sid) == 43 and len(base64.urlsafe_b64decode(sid + "=")) == 32  # 256 random bits, nothing else
    assert token not in sid and "olivia" not in sid
    kept = serializer.loads(record(app, sid).read_text())  # the session's data is on the server
    assert kept["data"][TOKEN_KEY] == token and kept["data"]["_user_id"] == str(USERS["olivia"]["id"])
    assert kept["ends"] == datetime.fromisoformat(ENDS).timestamp()
    assert sid not in record(app, sid).read_text() and not (store(app).folder / sid).exists()


def test_the_folder_and_files_are_private(app: dash.Dash, fake: FakeApi, tmp_path: Path) -> None:
    client = app.server.test_client()
    sign_in(client, "anna")
    assert stat.S_IMODE(store(app).folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(record(app, session_cookie(client)).stat().st_mode) == 0o600
    opened = tmp_path / "opened"
    opened.mkdir(mode=0o755)
    assert stat.S_IMODE(SessionFolder(opened, IDLE).folder.stat().st_mode) == 0o700  # tightened
    default = session_folder(DashboardSettings(_env_file=None))  # no folder set: a private one of its own
    assert stat.S_IMODE(default.stat().st_mode) == 0o700


def test_sign_out_removes_the_session_whatever_the_api_says(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "olivia")
    copied = session_cookie(client)
    [api_token] = fake.sessions
    client.post("/logout", data={"csrf_token": token})
    assert not record(app, copied).exists()
    assert session_cookie(client) != copied  # the signed-out browser's next session has a new id
    fake.sessions[api_token] = (
        "olivia"  # even were the API to accept the token still, the cookie names nothing
    )
    page = replayed(app, copied).get("/client/100002")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    assert callback(replayed(app, copied), token).status_code == 401
    assert user_box(replayed(app, copied)) == "[]"  # the frame (served to anyone) names nobody
    assert not record(app, copied).exists() and fake.sent("/clients/100002/decisions") == []


def test_a_cookie_copied_before_an_admin_sets_a_new_password_is_refused(
    app: dash.Dash, fake: FakeApi
) -> None:
    officer = app.server.test_client()
    sign_in(officer, "olivia")
    copied = session_cookie(officer)
    admin = app.server.test_client()
    token = sign_in(admin, "root")
    output = next(key for key in app.callback_map if "users-new-password.value" in key)
    body = {
        "output": output,
        "outputs": outputs_of(output),
        "inputs": [
            {"id": f"users-{name}", "property": "n_clicks", "value": 1 if name == "set-password" else None}
            for name in ("disable", "enable", "set-password")
        ],
        "state": [
            {"id": "users-account", "property": "value", "value": str(USERS["olivia"]["id"])},
            {"id": "users-new-password", "property": "value", "value": "another long passphrase"},
        ],
        "changedPropIds": ["users-set-password.n_clicks"],
    }
    assert admin.post("/_dash-update-component", json=body, headers={CSRF_HEADER: token}).status_code == 200
    page = replayed(app, copied).get("/client/100002")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    assert not record(app, copied).exists()  # the refused session's file went with it
    assert admin.get("/client/100002").status_code == 200  # the admin's own session is untouched


def test_two_dashboards_sharing_the_folder_share_the_session(
    app: dash.Dash, twin: dash.Dash, fake: FakeApi
) -> None:
    original = faked(twin, fake)
    try:
        first = app.server.test_client()
        token = sign_in(first, "olivia")
        second = replayed(twin, session_cookie(first))
        second.set_cookie(CSRF_COOKIE, token)
        assert second.get("/client/100002").status_code == 200
        assert callback(second, token).status_code == 200  # the session's CSRF token too
        second.post("/logout", data={"csrf_token": token})  # signed out on the second
        page = first.get("/client/100002")  # refused on the first
        assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    finally:
        twin.server.extensions[EXTENSION] = original


def test_an_idle_session_is_removed_on_its_next_request(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    token = sign_in(client, "olivia")
    sid = session_cookie(client)
    age(app, sid, IDLE - 60)
    assert client.get("/client/100002").status_code == 200  # active within the idle time: renewed
    assert time.time() - record(app, sid).stat().st_mtime < 60
    age(app, sid, IDLE + 1)
    assert callback(client, token).status_code == 401
    assert not record(app, sid).exists()
    page = client.get("/client/100002")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")


def test_a_busy_session_ends_at_its_absolute_end(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    sign_in(client, "olivia")
    sid = session_cookie(client)
    with client.session_transaction() as session:
        session.keep_until(time.time() + 120)  # two minutes left of the API session
    expires = parsedate_to_datetime(
        set_cookie_of(client.get("/client/100002")).split("Expires=")[1].split(";")[0]
    )
    assert 0 < expires.timestamp() - time.time() <= 121  # the cookie's idle window stops at the end
    with client.session_transaction() as session:
        session.keep_until(time.time() - 1)  # the end has passed; the session was used a moment ago
    page = client.get("/client/100002")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login?state=expired")
    assert not record(app, sid).exists()


def test_the_sweep_removes_ended_sessions_only(app: dash.Dash, fake: FakeApi) -> None:
    idle, busy, live = (app.server.test_client() for _ in range(3))
    for client in (idle, busy, live):
        sign_in(client, "anna")
    age(app, session_cookie(idle), IDLE + 1)
    with busy.session_transaction() as session:
        session.keep_until(time.time() - 1)
    ended = {session_cookie(idle), session_cookie(busy)}
    assert store(app).sweep(time.time()) >= 2
    assert not any(record(app, sid).exists() for sid in ended)
    assert record(app, session_cookie(live)).exists()


def test_the_sweep_runs_now_and_then(tmp_path: Path) -> None:
    folder = SessionFolder(tmp_path / "sessions", IDLE)
    sid = folder.create({"csrf": "x"}, None)
    now = time.time()
    folder.sweep_now_and_then(now)
    os.utime(folder.path(sid), (now - IDLE - 1, now - IDLE - 1))
    folder.sweep_now_and_then(now + SWEEP_SECONDS - 1)  # too soon after the last sweep: the file stays
    assert folder.path(sid).exists()
    folder.sweep_now_and_then(now + SWEEP_SECONDS)
    assert not folder.path(sid).exists()


def test_a_form_posted_after_its_session_ended_goes_to_the_sign_in_page(
    app: dash.Dash, fake: FakeApi
) -> None:
    client = app.server.test_client()
    token = sign_in(client, "olivia")
    age(app, session_cookie(client), IDLE + 1)
    answer = callback(client, token)  # the CSRF token ended with the session: told to sign in, not 403
    assert answer.status_code == 401 and "sign in again" in answer.get_json()["detail"]
    age(app, session_cookie(client), IDLE + 1)
    assert client.post("/logout", data={"csrf_token": token}).headers["Location"] == "/login?state=signed-out"
    stale = app.server.test_client()
    old = csrf(stale)
    age(app, session_cookie(stale), IDLE + 1)
    form = {"username": "olivia", "password": "wrong", "csrf_token": old}
    assert stale.post("/login", data=form).headers["Location"] == "/login?state=expired"
    assert len(fake.sent("/auth/login")) == 1  # olivia's sign-in above; nothing tried without the token
    assert replayed(app, "B" * 43).post("/_dash-update-component", json={}).status_code == 401  # unknown id


def test_static_files_start_no_session(app: dash.Dash, fake: FakeApi) -> None:
    before = set(store(app).folder.iterdir())
    response = app.server.test_client().get("/assets/style.css")
    assert response.status_code == 200 and not response.headers.getlist("Set-Cookie")
    assert set(store(app).folder.iterdir()) <= before


def test_the_icon_is_kept_by_the_browser(app: dash.Dash, fake: FakeApi) -> None:
    """Dash's icon (a versioned URL) may be kept a week: the browser asks for it again at every page change
    otherwise, beside the page's own callback."""
    response = app.server.test_client().get("/_favicon.ico?v=1")
    assert response.status_code == 200 and response.mimetype == "image/x-icon"
    cache = dict(part.strip().partition("=")[::2] for part in response.headers["Cache-Control"].split(","))
    assert "public" in cache and int(cache["max-age"]) >= 86_400


def test_a_sign_in_starts_a_new_session_id(app: dash.Dash, fake: FakeApi) -> None:
    client = app.server.test_client()
    csrf(client)
    planted = session_cookie(client)  # a session id an attacker could have given the browser before
    sign_in(client, "olivia")
    signed_in = session_cookie(client)
    assert signed_in != planted and not record(app, planted).exists()
    page = replayed(app, planted).get("/client/100002")
    assert page.status_code == 302
    sign_in(client, "anna")  # signing in again: again a new id
    assert session_cookie(client) not in (signed_in, planted) and not record(app, signed_in).exists()


def test_an_update_never_brings_back_a_removed_session(tmp_path: Path) -> None:
    folder = SessionFolder(tmp_path / "sessions", IDLE)
    sid = folder.create({"n": 0}, None)
    removed = threading.Event()
    revived = []

    def write() -> None:
        for n in range(200):
            folder.update(sid, {"n": n}, None)
            if removed.is_set() and folder.update(sid, {"n": n}, None):
                revived.append(n)

    writers = [threading.Thread(target=write) for _ in range(4)]
    for writer in writers:
        writer.start()
    folder.delete(sid)
    removed.set()
    for writer in writers:
        writer.join()
    assert revived == [] and not folder.path(sid).exists() and folder.read(sid) is None
    assert [p.name for p in folder.folder.iterdir()] == []  # no temporary file left either


def keep_writing(folder: Path, sid: str, removed: object, revived: object) -> None:
    """Another dashboard process: rewrite the session until told it was removed, then once more."""
    sessions = SessionFolder(folder, IDLE)
    while not removed.is_set():
        sessions.update(sid, {"csrf": "x"}, None)
    revived.value = int(sessions.update(sid, {"csrf": "x"}, None))


def test_another_process_never_brings_back_a_removed_session(tmp_path: Path) -> None:
    folder = SessionFolder(tmp_path / "sessions", IDLE)
    sid = folder.create({"csrf": "x"}, None)
    context = multiprocessing.get_context("spawn")
    removed, revived = context.Event(), context.Value("i", -1)
    writer = context.Process(target=keep_writing, args=(folder.folder, sid, removed, revived))
    writer.start()
    first = folder.path(sid).stat().st_ino
    while folder.path(sid).stat().st_ino == first and writer.is_alive():  # until the other process writes
        time.sleep(0.01)
    folder.delete(sid)
    removed.set()
    writer.join(60)
    assert writer.exitcode == 0 and revived.value == 0
    assert not folder.path(sid).exists()


@pytest.mark.parametrize("cookie", ["", "x" * 43 + "/", "../../etc/passwd", "A" * 43])
def test_a_forged_cookie_names_no_session(app: dash.Dash, fake: FakeApi, cookie: str) -> None:
    page = replayed(app, cookie).get("/client/100002")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")


@pytest.mark.parametrize("who", [None, "olivia"])
def test_a_request_reads_the_session_without_rewriting_it(
    app: dash.Dash, fake: FakeApi, who: str | None
) -> None:
    """A visitor's session (its CSRF token only) and a signed-in one are read by each request (a page, a
    callback), not written again: the file keeps its inode and content (a signed-in session's cookie is sent
    again with its idle limit moved on; a visitor gets no cookie)."""
    client = app.server.test_client()
    token = csrf(client) if who is None else sign_in(client, who)
    path = record(app, session_cookie(client))
    before = (path.stat().st_ino, path.read_bytes())
    for _ in range(2):
        page = client.get("/login" if who is None else "/client/100002")
        answer = callback(client, token)
        assert page.status_code == 200 and answer.status_code == (401 if who is None else 200)
        if who is None:
            assert not page.headers.getlist("Set-Cookie") and not answer.headers.getlist("Set-Cookie")
    assert (path.stat().st_ino, path.read_bytes()) == before
