"""Rate limits shared by several worker processes through Redis (the machine's local server)."""

from __future__ import annotations

import os
import uuid

from tests.conftest import make_app

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_sign_in_limit_is_shared_between_two_app_instances(migrated: str) -> None:
    """Two apps (as two gunicorn workers would be) count against one limit in Redis."""
    prefix = f"yishi-test-{uuid.uuid4().hex}"
    settings = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": REDIS_URL,
                "RATELIMIT_KEY_PREFIX": prefix, "LOGIN_RATE_LIMIT": "2 per minute"}
    worker_a = make_app(migrated, **settings).test_client()
    worker_b = make_app(migrated, **settings).test_client()
    bad = {"username": "x", "password": "wrong"}
    assert worker_a.post("/login", data=bad).status_code == 400
    assert worker_b.post("/login", data=bad).status_code == 400
    assert worker_a.post("/login", data=bad).status_code == 429
    assert worker_b.post("/api/v1/auth/token", json=bad).status_code == 429
