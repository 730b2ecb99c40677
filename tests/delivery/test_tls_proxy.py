"""Behind nginx terminating TLS (docker/nginx/tls.conf, a certificate made here): the dashboard's cookies are
Secure and the audit trail records the person's address, not the proxy's, for the dashboard and the API alike;
a request that goes round the proxy cannot choose its address or claim HTTPS. Unconfigured, neither server
believes any X-Forwarded-* header (uvicorn's own default would believe them from loopback).

Everything runs on loopback: nginx and the apps talk over 127.0.0.1 (the trusted proxy), and each test's
"person" connects from another loopback address (127.0.0.2, 127.0.0.3...), so the address the audit row
carries tells who the apps believed.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import re
import shutil
import signal
import ssl
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pydantic import ValidationError
from sqlalchemy import Engine, select
from waitress.adjustments import Adjustments

from dashboard.settings import DashboardSettings
from devtools.servers import API, LOCALHOST, Service, clean_environment, free_port, start, start_api
from scoring.db.audit import Actor
from scoring.db.engine import open_database
from scoring.db.tables import audit_log
from scoring.db.users import create_user
from tests.conftest import REPO
from tests.delivery.balancer import nginx_binary

TLS_CONF = REPO / "docker" / "nginx" / "tls.conf"
API_KEY = "tls-proxy-dashboard-key-0123456789"
PASSWORD = "correct horse battery staple"
USERS = ("tess", "ulla", "vera", "wanda")  # one per test: no test's failures throttle another's
FORGED = "198.51.100.7"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Stack:
    api: Service
    dashboard: Service
    database: Engine
    ca: ssl.SSLContext
    dashboard_port: int  # nginx's TLS port in front of the dashboard
    api_port: int  # nginx's TLS port in front of the API


def certificate(folder: Path) -> ssl.SSLContext:
    """A self-signed certificate for 127.0.0.1 in `folder` (cert.pem, key.pem); a context that trusts it."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, LOCALHOST)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOCALHOST))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    (folder / "key.pem").write_bytes(private)
    return ssl.create_default_context(cafile=folder / "cert.pem")


def render(root: Path, dashboard: int, api: int, ports: tuple[int, int]) -> str:
    """docker/nginx/tls.conf with the apps on loopback, loopback listeners and every path under `root`."""
    text = TLS_CONF.read_text()
    for upstream, port in (("dashboard:8050", dashboard), ("api:8000", api)):
        assert f"http://{upstream};" in text, f"{TLS_CONF}: no proxy_pass to {upstream}"
        text = text.replace(f"http://{upstream};", f"http://{LOCALHOST}:{port};")
    for listen, port in zip(("listen 443 ssl;", "listen 8443 ssl;"), ports, strict=True):
        assert listen in text, f"{TLS_CONF}: no `{listen}`"
        text = text.replace(listen, f"listen {LOCALHOST}:{port} ssl;")
    text = text.replace("/tmp/", f"{root}/").replace("/etc/nginx/tls/", f"{root}/")
    text = text.replace("/dev/stdout", f"{root}/access.log").replace("/dev/stderr", f"{root}/error.log")
    return ("user root;\n" if os.geteuid() == 0 else "") + text


def start_nginx(root: Path, conf: str) -> subprocess.Popen:
    (root / "nginx.conf").write_text(conf)
    nginx = [nginx_binary(), "-c", str(root / "nginx.conf"), "-p", str(root)]
    check = subprocess.run([*nginx, "-t"], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    return subprocess.Popen(
        [*nginx, "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )


def start_dashboard(api_url: str, log: Path) -> Service:
    """The dashboard with sign-in, trusting X-Forwarded-* from nginx on 127.0.0.1 only."""
    port = free_port()
    env = clean_environment(
        SCORING_DASHBOARD_API_KEY=API_KEY,
        SCORING_SECRET_KEY="tls-proxy-session-key",
        SCORING_TRUSTED_PROXY=LOCALHOST,
    )
    args = ["--host", LOCALHOST, "--port", str(port), "--api-url", api_url]
    return start("dashboard", args, env, log, f"http://{LOCALHOST}:{port}")


def wait_until_served(url: str, ca: ssl.SSLContext, process: subprocess.Popen, root: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, (root / "error.log").read_text()
        try:
            httpx.get(url, verify=ca, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError(f"nginx did not answer:\n{(root / 'error.log').read_text()}")


@pytest.fixture(scope="module")
def stack(demo_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("tls-proxy")
    home = root / "home"
    shutil.copytree(demo_home, home)
    database_url = f"sqlite:///{root / 'scoring.db'}"
    api = start_api(home, root / "api.log", database_url, API_KEY, SCORING_TRUSTED_PROXY=LOCALHOST)
    dashboard = start_dashboard(api.url, root / "dashboard.log")
    process = None
    database = None
    try:
        api.wait(f"{API}/health", 120)
        dashboard.wait("/login", 60)
        database = open_database(database_url)
        for user in USERS:
            create_user(database, user, "officer", PASSWORD, Actor("cli:tests", source="cli"))
        ca = certificate(root)
        ports = (free_port(), free_port())
        process = start_nginx(root, render(root, port_of(dashboard), port_of(api), ports))
        wait_until_served(f"https://{LOCALHOST}:{ports[0]}/login", ca, process, root)
        yield Stack(api, dashboard, database, ca, *ports)
    finally:
        if process is not None:
            process.send_signal(signal.SIGQUIT)
            process.wait(30)
        if database is not None:
            database.dispose()
        for server in (dashboard, api):
            server.stop()


def person(stack: Stack, address: str) -> httpx.Client:
    """A browser connecting from `address` (another loopback address than the proxy's)."""
    transport = httpx.HTTPTransport(verify=stack.ca, local_address=address)
    return httpx.Client(transport=transport, timeout=30)


def cookies_set(response: httpx.Response) -> dict[str, str]:
    """Each Set-Cookie header of `response` that gives a cookie a value (not one deleting it), by name."""
    lines = response.headers.get_list("set-cookie")
    return {line.split("=", 1)[0]: line for line in lines if "Max-Age=0" not in line}


def port_of(service: Service) -> int:
    return int(service.url.rsplit(":", 1)[1])


def sign_in(client: httpx.Client, base: str, user: str, password: str, **headers: str) -> httpx.Response:
    """The sign-in form: GET for its CSRF token, then POST (the response to the POST)."""
    page = client.get(f"{base}/login", headers=headers)
    assert page.status_code == 200, page.text
    [token] = CSRF_FIELD.findall(page.text)
    form = {"csrf_token": token, "username": user, "password": password}
    return client.post(f"{base}/login", data=form, headers=headers)


def newest_source(database: Engine, action: str) -> str | None:
    """The address on the newest audit row of `action`."""
    query = select(audit_log.c.source).where(audit_log.c.action == action).order_by(audit_log.c.id.desc())
    with database.connect() as conn:
        return conn.execute(query.limit(1)).scalar_one()


@pytest.mark.slow
def test_cookies_are_secure_through_the_tls_proxy(stack: Stack) -> None:
    base = f"https://{LOCALHOST}:{stack.dashboard_port}"
    with person(stack, "127.0.0.2") as client:
        page = client.get(f"{base}/login")
        assert page.status_code == 200
        cookies = cookies_set(page)
        assert {"scoring_session", "_csrf_token"} <= cookies.keys(), cookies
        assert all("; Secure" in line for line in cookies.values()), cookies
        signed = sign_in(client, base, USERS[0], PASSWORD)
    assert signed.status_code == 302, signed.text
    assert "; Secure" in cookies_set(signed)["scoring_session"]
    assert not signed.headers["location"].startswith("http:")


@pytest.mark.slow
def test_audit_rows_carry_the_persons_address_not_the_proxys(stack: Stack) -> None:
    base = f"https://{LOCALHOST}:{stack.dashboard_port}"
    with person(stack, "127.0.0.3") as client:
        # A forged hop before the person's own is not believed: nginx appends the peer it saw.
        refused = sign_in(client, base, USERS[1], "not the password", **{"X-Forwarded-For": FORGED})
    assert refused.status_code == 401
    assert newest_source(stack.database, "sign-in-failed") == "127.0.0.3"


@pytest.mark.slow
def test_the_api_behind_the_proxy_records_the_callers_address(stack: Stack) -> None:
    with person(stack, "127.0.0.4") as client:
        answer = client.post(
            f"https://{LOCALHOST}:{stack.api_port}{API}/auth/login",
            json={"username": USERS[2], "password": "not the password"},
            headers={"X-API-Key": API_KEY, "X-Forwarded-For": FORGED},
        )
    assert answer.status_code == 401, answer.text
    assert newest_source(stack.database, "sign-in-failed") == "127.0.0.4"


@pytest.mark.slow
def test_a_request_round_the_proxy_cannot_choose_its_address_or_claim_https(stack: Stack) -> None:
    forged = {"X-Forwarded-For": FORGED, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
    with person(stack, "127.0.0.5") as client:
        page = client.get(f"{stack.dashboard.url}/login", headers=forged)
        assert page.status_code == 200
        assert not any("Secure" in line for line in cookies_set(page).values()), page.headers
        refused = sign_in(client, stack.dashboard.url, USERS[3], "not the password", **forged)
        assert refused.status_code == 401
        assert newest_source(stack.database, "sign-in-failed") == "127.0.0.5"
        answer = client.post(
            f"{stack.api.url}{API}/auth/login",
            json={"username": USERS[3], "password": "not the password"},
            headers={"X-API-Key": API_KEY, "X-Forwarded-For": FORGED},
        )
    assert answer.status_code == 401, answer.text
    assert newest_source(stack.database, "sign-in-failed") == "127.0.0.5"


def test_the_api_believes_forwarded_headers_only_when_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    from api import server
    from api.settings import Settings

    calls: list[dict] = []
    monkeypatch.setattr(server.uvicorn, "run", lambda target, **options: calls.append(options))
    monkeypatch.setattr(server, "prepare_database", lambda: None)
    monkeypatch.delenv("SCORING_TRUSTED_PROXY", raising=False)
    monkeypatch.delenv("SCORING_API_KEY", raising=False)
    server.serve(LOCALHOST, 9001, 1)
    monkeypatch.setenv("SCORING_TRUSTED_PROXY", "10.0.0.2, 172.18.0.0/16")
    server.serve(LOCALHOST, 9001, 1)
    assert [(c["proxy_headers"], c["forwarded_allow_ips"]) for c in calls] == [
        (False, None),  # not uvicorn's default, which believes X-Forwarded-For from loopback
        (True, ["10.0.0.2", "172.18.0.0/16"]),
    ]
    with pytest.raises(ValidationError, match="not an IP address or network"):
        Settings(_env_file=None, trusted_proxy="nginx")


def test_the_dashboard_hands_its_proxy_to_waitress(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCORING_TRUSTED_PROXY", raising=False)
    assert DashboardSettings(_env_file=None).proxy_options() == {}
    settings = DashboardSettings(_env_file=None, trusted_proxy=" 10.0.0.2", trusted_proxy_count=2)
    options = settings.proxy_options()
    assert options == {
        "trusted_proxy": "10.0.0.2",
        "trusted_proxy_count": 2,
        "trusted_proxy_headers": {"x-forwarded-for", "x-forwarded-proto", "x-forwarded-host"},
        "clear_untrusted_proxy_headers": True,
    }
    Adjustments(**options)  # waitress accepts them
    with pytest.raises(ValidationError, match="SCORING_TRUSTED_PROXY must be one IP address"):
        DashboardSettings(_env_file=None, trusted_proxy="10.0.0.2,10.0.0.3")  # waitress takes one
