"""People choose: channels per kind, immediate or a daily digest, quiet hours; legal notices
cannot be switched off; one-click unsubscribe works without signing in; the API of API.md."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import time_machine
from flask import Flask
from sqlalchemy import select

from app.accounts.services import issue_api_token
from app.extensions import db
from notifications.models import Delivery, DeliveryState, Notification, NotificationEvent
from notifications.preferences import choices_of
from tests.factories import login
from tests.notifications.conftest import Servers
from tests.notifications.town import Town, open_town_vote, run_jobs


def _bearer(town: Town, name: str) -> dict[str, str]:
    token = issue_api_token(town.user(name))
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_get_preferences_shows_the_defaults(nctx: Flask, town: Town) -> None:
    response = nctx.test_client().get("/api/v1/me/preferences", headers=_bearer(town, "u01"))
    assert response.status_code == 200
    body = response.get_json()
    assert body["channels"]["vote_opened"] == ["inbox", "email", "sms", "wechat"]
    assert body["channels"]["comment_reply"] == ["inbox", "email"]
    assert body["digest"] == "immediate"
    assert body["quiet_hours"] == ["22:00", "08:00"]
    assert "digest" not in body["channels"]


def test_put_preferences_changes_only_what_is_given(nctx: Flask, town: Town) -> None:
    client = nctx.test_client()
    headers = _bearer(town, "u01")
    response = client.put("/api/v1/me/preferences", headers=headers,
                          json={"channels": {"comment_reply": ["inbox"]},
                                "quiet_hours": ["21:30", "07:00"]})
    assert response.status_code == 200
    body = response.get_json()
    assert body["channels"]["comment_reply"] == ["inbox"]
    assert body["channels"]["vote_opened"] == ["inbox", "email", "sms", "wechat"]
    assert body["quiet_hours"] == ["21:30", "07:00"]
    assert client.get("/api/v1/me/preferences", headers=headers).get_json() == body


def test_legal_notices_cannot_be_switched_off(nctx: Flask, town: Town, servers: Servers) -> None:
    response = nctx.test_client().put(
        "/api/v1/me/preferences", headers=_bearer(town, "u01"),
        json={"channels": {"vote_opened": []}})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "legal_notice"
    nctx.test_client().put("/api/v1/me/preferences", headers=_bearer(town, "u01"),
                           json={"channels": {"vote_opened": ["inbox"]}})
    open_town_vote(town)
    run_jobs(nctx)
    inbox = db.session.execute(select(Notification.kind).where(
        Notification.user_id == town.users["u01"])).scalars().all()
    assert inbox == ["vote_opened"]
    assert [m for m in servers.mails_to("u01@example.org")
            if m.message["X-Yishi-Kind"] == "vote_opened"] == []


def test_bad_preferences_are_refused(nctx: Flask, town: Town) -> None:
    client = nctx.test_client()
    headers = _bearer(town, "u01")
    for body, field in (({"digest": "weekly"}, "digest"),
                        ({"quiet_hours": ["25:00", "08:00"]}, "quiet_hours"),
                        ({"channels": {"vote_opened": ["fax"]}}, "channels"),
                        ({"channels": {"digest": ["email"]}}, "channels")):
        response = client.put("/api/v1/me/preferences", headers=headers, json=body)
        assert response.status_code == 422, body
        assert field in response.get_json()["error"]["fields"]["json"], body


def test_one_click_unsubscribe_without_signing_in(nctx: Flask, town: Town,
                                                  servers: Servers) -> None:
    open_town_vote(town)
    run_jobs(nctx)
    mail = next(m for m in servers.mails_to("u03@example.org")
                if m.message["X-Yishi-Kind"] == "vote_opened").message
    url = mail["List-Unsubscribe"].strip("<>").replace("https://yishi.test", "")
    client = nctx.test_client()
    page = client.get(url)
    assert page.status_code == 200 and "不再通过电子邮件接收“表决开始”？" in page.get_data(True)
    response = client.post(url, data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert "这是法定通知，站内信箱仍会收到。" in response.get_data(as_text=True)
    assert choices_of(town.users["u03"]).channels["vote_opened"] == ["inbox", "sms", "wechat"]
    assert client.post(url[:-3] + "xyz").status_code == 404


def test_a_daily_digest_carries_the_day_in_one_email(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    nctx.test_client().put("/api/v1/me/preferences", headers=_bearer(town, "u03"),
                           json={"digest": "daily"})
    open_town_vote(town)
    run_jobs(nctx)
    held = db.session.execute(select(Delivery.state, Delivery.reason).join(
        NotificationEvent, NotificationEvent.id == Delivery.event_id).where(
        Delivery.user_id == town.users["u03"], Delivery.channel == "email",
        NotificationEvent.kind == "vote_opened")).one()
    assert tuple(held) == (DeliveryState.SKIPPED, "digest")
    assert servers.mails_to("u03@example.org") == []
    day.shift(timedelta(hours=8, minutes=1))  # 18:01 community time
    run_jobs(nctx)
    run_jobs(nctx)
    mails = servers.mails_to("u03@example.org")
    assert [m.message["X-Yishi-Kind"] for m in mails] == ["digest"]
    assert mails[0].message["Subject"] == "议事每日摘要：1 条新通知"
    assert "表决开始：电动自行车充电棚选址" in mails[0].message.get_body(("plain",)).get_content()
    url = mails[0].message["List-Unsubscribe"].strip("<>").replace("https://yishi.test", "")
    assert nctx.test_client().post(url).status_code == 200
    channels = choices_of(town.users["u03"]).channels
    assert channels["vote_opened"] == ["inbox", "sms", "wechat"]
    assert channels["comment_reply"] == ["inbox"]


def test_the_preferences_page_keeps_the_inbox_of_legal_notices(nctx: Flask, town: Town) -> None:
    client = nctx.test_client()
    login(client, "u01")
    response = client.post("/notifications/preferences", data={
        "digest": "immediate", "quiet_start": "22:00", "quiet_end": "07:00",
        "comment_reply:inbox": "on"})
    assert response.status_code == 302
    choices = choices_of(town.users["u01"])
    assert choices.channels["vote_opened"] == ["inbox"]
    assert choices.channels["comment_reply"] == ["inbox"]
    assert choices.quiet_hours == ("22:00", "07:00")
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert 'name="vote_opened:inbox" id="vote_opened-inbox"' in page
    assert "法定通知：站内信箱始终保留" in page


def test_one_click_unsubscribe_needs_no_csrf_token(custom_app: Callable[..., Flask],
                                                   servers: Servers) -> None:
    from tests.notifications.conftest import channel_config
    from tests.notifications.town import build

    app = custom_app(WTF_CSRF_ENABLED=True, **channel_config(servers))
    with app.app_context():
        town = build()
        open_town_vote(town)
        run_jobs(app)
        user_id = town.users["u01"]
    mail = next(m for m in servers.mails_to("u01@example.org")
                if m.message["X-Yishi-Kind"] == "vote_opened").message
    url = mail["List-Unsubscribe"].strip("<>").replace("https://yishi.test", "")
    client = app.test_client()
    assert client.post("/notifications/read-all").status_code == 400  # CSRF elsewhere
    response = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    with app.app_context():
        assert choices_of(user_id).channels["vote_opened"] == ["inbox", "sms", "wechat"]
