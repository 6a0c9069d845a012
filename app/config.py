"""Configuration from the environment."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def _bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def instance_secret(instance_path: str, env_name: str, filename: str) -> str:
    """A secret from the environment, else one generated once into instance/<filename> (0600)."""
    if os.environ.get(env_name):
        return os.environ[env_name]
    path = Path(instance_path) / filename
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()


def load_secret_key(instance_path: str) -> str:
    """Return SECRET_KEY from the environment, else one generated once into instance/."""
    return instance_secret(instance_path, "SECRET_KEY", "secret_key")


def default_database_url(instance_path: str) -> str:
    """Return DATABASE_URL, else SQLite at instance/yishi.db."""
    url = os.environ.get("DATABASE_URL")
    if url:
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://") :]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    return "sqlite:///" + str(Path(instance_path) / "yishi.db")


def build_config(instance_path: str) -> dict[str, object]:
    """Build the configuration mapping for an app whose instance folder is given."""
    root = Path(__file__).resolve().parent.parent
    return {
        "SECRET_KEY": load_secret_key(instance_path),
        #: the HMAC key of the audit chains: outside the database, like the secret key
        "AUDIT_KEY": instance_secret(instance_path, "YISHI_AUDIT_KEY", "audit_key"),
        #: where each chain's signed head is kept, outside the database (`app.audit.anchors`);
        #: unset: instance/audit_heads/<one folder per database URL>
        "AUDIT_HEAD_FOLDER": os.environ.get("YISHI_AUDIT_HEAD_FOLDER"),
        "SQLALCHEMY_DATABASE_URI": default_database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("YISHI_SECURE_COOKIES", True),
        "REMEMBER_COOKIE_SECURE": _bool("YISHI_SECURE_COOKIES", True),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 12,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("YISHI_TIMEZONE", "Asia/Shanghai"),
        "BABEL_TRANSLATION_DIRECTORIES": ";".join(
            str(root / d / "translations") if d else str(root / "translations")
            for d in ("", "proposals", "voting", "meetings", "notifications", "turnout")
        ),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        #: sign-in attempts per address (form and API together), and sign-ups
        "LOGIN_RATE_LIMIT": os.environ.get("YISHI_LOGIN_RATE_LIMIT", "10 per minute"),
        #: failed sign-in attempts per account from any address (`app.accounts.throttle`)
        "ACCOUNT_LOGIN_RATE_LIMIT": os.environ.get("YISHI_ACCOUNT_LOGIN_RATE_LIMIT",
                                                   "10 per 15 minutes"),
        "COMMENT_RATE_LIMIT": os.environ.get("YISHI_COMMENT_RATE_LIMIT", "20 per minute"),
        "API_TITLE": "Yishi 议事 API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "API_TOKEN_DAYS": 30,
        "UPLOAD_FOLDER": str(Path(instance_path) / "uploads"),
    }
