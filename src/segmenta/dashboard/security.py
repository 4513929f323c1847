"""Sign-in, roles, security headers and request limits for the dashboard's Flask server.

Three ways to run, chosen by settings (``SEGMENTA_USERS_FILE`` / ``SEGMENTA_AUTH``):

* **no sign-in** (default): meant for one person on their own machine; the app then listens
  on 127.0.0.1 only unless told otherwise, and says so when it starts.
* **HTTP basic** with a users file: one ``user:role:hash`` line per person, ``role`` being
  ``viewer`` (the pages) or ``analyst`` (also the SQL page and segment renames), ``hash`` a
  salted scrypt/pbkdf2 hash made by ``segmenta hash-password``. Passwords are never stored or
  logged in clear; a verified header is remembered (as a SHA-256 digest) for a few minutes so
  that each callback does not pay for a slow hash.
* **behind the company's SSO proxy** (``SEGMENTA_AUTH=proxy``): the proxy signs people in and
  passes ``X-Forwarded-User`` and ``X-Forwarded-Role`` (``viewer``/``analyst``); requests
  that do not come from a trusted proxy address (``SEGMENTA_TRUSTED_PROXIES``, default
  127.0.0.1) are refused.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import flask
from werkzeug.security import check_password_hash

log = logging.getLogger(__name__)

ROLES = ("viewer", "analyst")
PUBLIC_PATHS = ("/healthz",)
#: request bodies larger than this are refused (Dash callbacks included)
MAX_CONTENT_LENGTH = 2 * 1024 * 1024
CACHE_SECONDS = 300.0
CSP = "; ".join(
    [
        "default-src 'self'",
        # Dash's renderer bootstraps with an inline script; plotly.js compiles some code at run time
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


class UsersFileError(ValueError):
    """The users file cannot be used; the message names the file and line."""


@dataclass(frozen=True)
class User:
    name: str
    role: str


def parse_users(path: Path) -> dict[str, tuple[str, str]]:
    """``{user: (role, hash)}`` from a users file; blank lines and ``#`` comments are skipped."""
    users: dict[str, tuple[str, str]] = {}
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsersFileError(f"{path}: cannot read the users file ({exc.strerror})") from None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(":", 2)
        if len(parts) != 3 or not parts[0] or parts[1] not in ROLES or "$" not in parts[2]:
            raise UsersFileError(
                f"{path}, line {number}: expected 'user:role:hash' with role viewer or analyst "
                "and a hash from `segmenta hash-password`"
            )
        users[parts[0]] = (parts[1], parts[2])
    if not users:
        raise UsersFileError(f"{path}: no users defined")
    return users


class BasicAuth:
    """Checks ``Authorization: Basic`` headers against the users file."""

    def __init__(self, users: dict[str, tuple[str, str]]) -> None:
        self.users = users
        self._verified: dict[bytes, tuple[User, float]] = {}
        self._lock = threading.Lock()

    def user_for(self, header: str | None) -> User | None:
        if not header or not header.startswith("Basic "):
            return None
        digest = hashlib.sha256(header.encode()).digest()
        now = time.monotonic()
        with self._lock:
            hit = self._verified.get(digest)
            if hit and now - hit[1] < CACHE_SECONDS:
                return hit[0]
        try:
            name, _, password = base64.b64decode(header[6:], validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        entry = self.users.get(name)
        if entry is None:
            check_password_hash("scrypt:32768:8:1$x$00", password)  # same cost for unknown users
            return None
        if not check_password_hash(entry[1], password):
            return None
        user = User(name, entry[0])
        with self._lock:
            self._verified[digest] = (user, now)
        return user


def current_user() -> User:
    """The signed-in user of this request (an analyst when sign-in is off)."""
    return flask.g.get("segmenta_user") or User("local", "analyst")


def is_analyst() -> bool:
    return current_user().role == "analyst"


def install(
    server: flask.Flask,
    users_file: Path | None,
    auth_mode: str = "basic",
    trusted_proxies: tuple[str, ...] = ("127.0.0.1",),
) -> None:
    """Add sign-in (if configured), security headers and request limits to ``server``."""
    server.config["MAX_CONTENT_LENGTH"] = MAX_CONTENT_LENGTH
    basic = BasicAuth(parse_users(users_file)) if users_file and auth_mode == "basic" else None

    def _proxy_user() -> flask.Response | None:
        """Sign-in by the proxy: only from a trusted address, with a user and a known role."""
        if flask.request.remote_addr not in trusted_proxies:
            return flask.Response("Forbidden: not from the trusted proxy\n", 403)
        name = flask.request.headers.get("X-Forwarded-User", "").strip()
        role = flask.request.headers.get("X-Forwarded-Role", "viewer").strip().lower()
        if not name or role not in ROLES:
            return flask.Response("Forbidden: no signed-in user from the proxy\n", 403)
        flask.g.segmenta_user = User(name, role)
        return None

    def _basic_user(auth: BasicAuth) -> flask.Response | None:
        """Sign-in with the users file (HTTP basic authentication)."""
        user = auth.user_for(flask.request.headers.get("Authorization"))
        if user is None:
            return flask.Response(
                "Sign-in required\n",
                401,
                {"WWW-Authenticate": 'Basic realm="Segmenta", charset="UTF-8"'},
            )
        flask.g.segmenta_user = user
        return None

    @server.before_request
    def _sign_in() -> flask.Response | None:
        if flask.request.path in PUBLIC_PATHS:
            return None
        if auth_mode == "proxy":
            return _proxy_user()
        return None if basic is None else _basic_user(basic)

    @server.after_request
    def _headers(response: flask.Response) -> flask.Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers["Server"] = "segmenta"
        if basic is not None or auth_mode == "proxy":
            response.headers["Cache-Control"] = "private, no-store"
        return response
