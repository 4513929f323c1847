"""Sign-in, roles, security headers, request limits and the health check."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from werkzeug.security import generate_password_hash

from segmenta.dashboard import app as dashboard_app
from segmenta.dashboard import security
from segmenta.settings import Settings


@pytest.fixture(scope="module")
def users_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("auth") / "users.txt"
    path.write_text(
        "# user:role:hash\n"
        f"ann:analyst:{generate_password_hash('ann-password')}\n"
        f"vic:viewer:{generate_password_hash('vic-password')}\n"
    )
    return path


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_open_app_sends_security_headers(demo_warehouse: Path) -> None:
    client = dashboard_app.create_app(Settings(warehouse=demo_warehouse)).server.test_client()
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Server"] == "segmenta"


def test_basic_sign_in(demo_warehouse: Path, users_file: Path) -> None:
    client = dashboard_app.create_app(
        Settings(warehouse=demo_warehouse, users_file=users_file)
    ).server.test_client()
    assert client.get("/").status_code == 401
    assert "Basic" in client.get("/").headers["WWW-Authenticate"]
    assert client.get("/", headers=basic("ann", "wrong")).status_code == 401
    assert client.get("/", headers=basic("nobody", "ann-password")).status_code == 401
    assert client.get("/", headers=basic("ann", "ann-password")).status_code == 200
    assert client.get("/_dash-layout").status_code == 401, "callbacks and layout need sign-in too"
    assert client.get("/_dash-layout", headers=basic("vic", "vic-password")).status_code == 200
    assert (
        client.get("/", headers=basic("vic", "vic-password")).headers["Cache-Control"]
        == "private, no-store"
    )


def test_password_never_in_settings_repr(tmp_path: Path) -> None:
    settings = Settings(warehouse=tmp_path / "w.duckdb", secret_key="top-secret-value")
    assert "top-secret-value" not in repr(settings)


def test_roles_reach_the_request(demo_warehouse: Path, users_file: Path) -> None:
    app = dashboard_app.create_app(Settings(warehouse=demo_warehouse, users_file=users_file))
    seen = {}

    @app.server.get("/whoami-test")
    def whoami() -> str:
        seen["user"] = security.current_user()
        return "ok"

    app.server.test_client().get("/whoami-test", headers=basic("vic", "vic-password"))
    assert seen["user"] == security.User("vic", "viewer")


def test_proxy_mode_trusts_only_the_proxy(demo_warehouse: Path) -> None:
    app = dashboard_app.create_app(
        Settings(warehouse=demo_warehouse, auth_mode="proxy", trusted_proxies=("10.0.0.5",))
    )
    client = app.server.test_client()
    headers = {"X-Forwarded-User": "ann", "X-Forwarded-Role": "analyst"}
    assert (
        client.get("/", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code
        == 403
    )
    assert client.get("/", environ_base={"REMOTE_ADDR": "10.0.0.5"}).status_code == 403
    assert (
        client.get("/", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.5"}).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("ann:admin:scrypt$x$y\n", "line 1"),
        ("", "no users defined"),
        ("justaname\n", "expected 'user:role:hash'"),
    ],
)
def test_bad_users_file_is_named(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "users.txt"
    path.write_text(content)
    with pytest.raises(security.UsersFileError, match=message):
        security.parse_users(path)


def test_health_check_is_public_and_checks_the_warehouse(
    demo_warehouse: Path, users_file: Path
) -> None:
    client = dashboard_app.create_app(
        Settings(warehouse=demo_warehouse, users_file=users_file)
    ).server.test_client()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
    assert response.get_json()["loads"] >= 1


def test_oversized_requests_are_refused(demo_warehouse: Path) -> None:
    client = dashboard_app.create_app(Settings(warehouse=demo_warehouse)).server.test_client()
    body = b"{" + b" " * (security.MAX_CONTENT_LENGTH + 10) + b"}"
    response = client.post("/_dash-update-component", data=body, content_type="application/json")
    assert response.status_code == 413
