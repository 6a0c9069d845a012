"""Passwords are stored as slow salted hashes; the cheap test hash is a test setting only."""

from __future__ import annotations

from app.accounts.models import User
from tests.conftest import make_app


def test_production_config_hashes_with_scrypt(migrated: str) -> None:
    app = make_app(migrated)
    app.config.pop("PASSWORD_HASH_METHOD")
    with app.app_context():
        user = User(username="u")
        user.set_password("correct horse battery")
        assert user.password_hash.startswith("scrypt:")
        assert "correct horse battery" not in user.password_hash
        assert user.check_password("correct horse battery")
        assert not user.check_password("wrong")


def test_default_app_config_has_no_weak_hash_setting() -> None:
    from app.config import build_config

    assert "PASSWORD_HASH_METHOD" not in build_config("/tmp")
