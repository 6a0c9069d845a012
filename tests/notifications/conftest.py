"""Fixtures of the notification tests: a real SMTP server and HTTP gateways, an app wired to
them (queue in memory unless a test asks for SQLite or Redis), and the demo-like town."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import redis
import time_machine
from flask import Flask

from app.extensions import db
from tests.notifications.servers import Gateway, SmtpHandler, http_gateway, smtp_server
from tests.notifications.town import Town, build

#: the Redis database the queue tests use (rate limits use 15); only our keys are removed
REDIS_URL = "redis://127.0.0.1:6379/12"


@dataclass
class Servers:
    """The local servers: SMTP, and one HTTP receiver for both gateways."""

    smtp_url: str
    smtp: SmtpHandler
    http_url: str
    http: Gateway

    def mails_to(self, address: str) -> list:
        """Messages the SMTP server received for an address."""
        return [m for m in self.smtp.received.items if address in m.recipients]


@pytest.fixture
def servers() -> Iterator[Servers]:
    """Running SMTP and HTTP servers on free ports."""
    with smtp_server() as (smtp_url, smtp), http_gateway() as (http_url, http):
        yield Servers(smtp_url, smtp, http_url, http)


def channel_config(servers: Servers) -> dict[str, object]:
    """Configuration that sends through the local servers."""
    return {"YISHI_SMTP_URL": servers.smtp_url, "YISHI_MAIL_FROM": "议事 <noreply@yishi.test>",
            "YISHI_SMS_URL": servers.http_url + "/sms",
            "YISHI_WECHAT_URL": servers.http_url + "/wechat",
            "YISHI_BASE_URL": "https://yishi.test", "YISHI_SMS_SIGN": "议事"}


@pytest.fixture
def napp(custom_app: Callable[..., Flask], servers: Servers) -> Flask:
    """An app that delivers through the local servers (queue in memory)."""
    return custom_app(**channel_config(servers))


@pytest.fixture
def nctx(napp: Flask) -> Iterator[Flask]:
    """An app context of `napp`."""
    with napp.app_context():
        yield napp
        db.session.remove()


@pytest.fixture
def town(nctx: Flask) -> Town:
    """The demo-like community."""
    return build()


def redis_cleanup(name: str) -> None:
    """Remove the keys of one test's queue (other tests may share the database)."""
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"huey.*.{name}*")) + list(client.scan_iter(f"huey.*{name}*"))
    if keys:
        client.delete(*set(keys))
    client.close()


@pytest.fixture(params=["sqlite", "redis"])
def queue_config(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The queue on SQLite (a file) or on Redis (the local server), with its own name."""
    name = f"yishi-test-{uuid.uuid4().hex[:10]}"
    if request.param == "sqlite":
        yield {"YISHI_QUEUE_URL": f"sqlite:///{tmp_path / 'jobs.db'}", "YISHI_QUEUE_NAME": name}
        return
    redis.Redis.from_url(REDIS_URL).ping()
    try:
        yield {"YISHI_QUEUE_URL": REDIS_URL, "YISHI_QUEUE_NAME": name}
    finally:
        redis_cleanup(name)


#: a weekday morning in the community's time zone, outside the default quiet hours
MORNING = datetime(2030, 3, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def day(clock: time_machine.Coordinates) -> time_machine.Coordinates:
    """The clock at MORNING (list it before `town` so the town is built then)."""
    clock.move_to(MORNING)
    return clock
