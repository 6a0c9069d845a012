"""The channels behind one interface: SMS within 70 characters for every kind, the gateways'
request formats, quiet hours holding SMS and WeChat back, refused requests recorded as
failures with the gateway's answer and retried with back-off — never a fake success."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from notifications.channels import Message, SmsChannel, SmtpChannel, SmtpServer, WechatChannel
from notifications.channels.http import post_json
from notifications.kinds import KINDS
from notifications.models import ChannelName, Delivery, DeliveryState, NotificationEvent
from notifications.texts import SMS_LIMIT, Texts
from tests.notifications.conftest import Servers
from tests.notifications.servers import free_port
from tests.notifications.town import Town, open_town_vote, run_jobs

LONG = "关于小区东门外电动自行车集中充电棚选址、建设费用分摊及日常管理办法的表决议题" * 2

CONTEXTS: dict[str, dict[str, Any]] = {
    "vote": {"vote_id": 1, "proposal_id": 2, "title": LONG, "community": "和谐家园小区业主大会",
             "slug": "hexie", "opened_at": "2030-03-04T02:00:00+00:00",
             "closes_at": "2030-03-08T10:00:00+00:00", "tz": "Asia/Shanghai", "hours": 72,
             "previous_closes_at": "2030-03-07T10:00:00+00:00", "reason": "疫情封控" * 10,
             "receipt": "ABCD-EFGH-JKLM", "channel": "paper", "cast_at":
             "2030-03-05T02:00:00+00:00", "notice_id": 3, "passed": True,
             "objection_ends_at": "2030-03-15T16:00:00+00:00", "building": "东区十二号楼" * 4},
    "meeting": {"meeting_id": 4, "title": LONG, "kind": "owners_assembly",
                "community": "和谐家园", "slug": "hexie", "starts_at": "2030-03-20T11:00:00+00:00",
                "place": "小区会所二楼多功能厅" * 4, "agenda": [LONG], "tz": "Asia/Shanghai"},
    "comment": {"comment_id": 5, "proposal_id": 2, "title": LONG, "slug": "hexie",
                "author": "一位名字特别特别长的业主" * 3, "excerpt": LONG, "tz": "Asia/Shanghai",
                "at": "2030-03-05T02:00:00+00:00"},
    "mandate": {"mandate_id": 6, "holder": "代理人" * 12, "units": "1栋-101, 1栋-102, 2栋-301" * 3,
                "slug": "hexie", "vote_title": LONG, "vote_id": 1, "valid_from": None,
                "valid_until": None, "tz": "Asia/Shanghai"},
    "claim": {"community": "和谐家园" * 8, "slug": "hexie", "units": "1栋-101" * 10,
              "tz": "Asia/Shanghai", "at": "2030-03-05T02:00:00+00:00"},
    "digest": {"items": [{"zh": {"title": "t", "url": "/x"}, "en": {"title": "t", "url": "/x"}}],
               "count": 1, "day": "2030-03-05", "tz": "Asia/Shanghai"},
}
WHICH = {"vote_opened": "vote", "vote_closing": "vote", "ballot_recorded": "vote",
         "turnout_reminder": "vote",
         "vote_extended": "vote", "result_published": "vote", "objection_period_ending": "vote",
         "meeting_noticed": "meeting", "comment_reply": "comment", "official_reply": "comment",
         "mandate_granted": "mandate", "mandate_revoked": "mandate",
         "claim_confirmed": "claim", "digest": "digest"}


#: the default sign, and the longest a Chinese SMS provider registers (12 characters)
SIGNS = ("议事", "和谐家园小区业主委员会议事")


@pytest.mark.parametrize("sign", SIGNS)
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_kind_has_an_sms_within_70_characters(nctx: Flask, name: str, lang: str,
                                                    sign: str) -> None:
    texts = KINDS[name].texts(CONTEXTS[WHICH[name]], lang, sign)
    assert texts.sms.startswith(f"【{sign}】")
    assert len(texts.sms) <= SMS_LIMIT
    assert all(len(v) <= 20 for k, v in texts.wechat.items() if k.startswith("thing"))
    assert texts.title and texts.body and texts.url.startswith("/")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_ballot_sms_keeps_the_receipt_and_what_to_do_with_a_longer_sign(
        nctx: Flask, lang: str) -> None:
    texts = KINDS["ballot_recorded"].texts(CONTEXTS["vote"], lang, "和谐家园")
    assert len(texts.sms) <= SMS_LIMIT
    assert "ABCD-EFGH-JKLM" in texts.sms
    assert texts.sms.endswith("非本人请联系业委会" if lang == "zh" else "Not you? Call committee")


@pytest.mark.parametrize("sign", SIGNS)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_verification_code_fits_one_sms(nctx: Flask, lang: str, sign: str) -> None:
    from notifications.delivery import code_texts

    sms = code_texts("482916", lang, sign, 30).sms
    assert len(sms) <= SMS_LIMIT and "482916" in sms


def _message(channel: ChannelName, address: str) -> Message:
    texts = Texts(title="表决开始：充电棚", body="正文", url="/c/hexie/votes/1/ballot",
                  sms="【议事】和谐家园《充电棚》开始表决，请登录议事投票。",
                  wechat={"thing1": "充电棚", "time2": "2030-03-08 18:00", "thing3": "请投票"})
    return Message(channel=channel, address=address, kind="vote_opened", lang="zh",
                   texts=texts, reference="delivery-7", vote_id=1)


def test_the_sms_gateway_gets_phone_sign_template_params(nctx: Flask, servers: Servers) -> None:
    result = SmsChannel(servers.http_url + "/sms", "议事").send(
        _message(ChannelName.SMS, "13800000002"))
    assert result.ok and result.answer.startswith("HTTP 200 ")
    body = servers.http.posts("/sms")[0].body
    assert body == {"phone": "13800000002", "sign": "议事", "template": "YISHI_VOTE_OPENED",
                    "params": {"title": "充电棚", "time": "2030-03-08 18:00", "note": "请投票",
                               "url": "https://yishi.test/c/hexie/votes/1/ballot"},
                    "text": "【议事】和谐家园《充电棚》开始表决，请登录议事投票。", "lang": "zh",
                    "out_id": "delivery-7"}


def test_the_wechat_gateway_gets_a_template_message(nctx: Flask, servers: Servers) -> None:
    servers.http.answer = {"errcode": 0, "errmsg": "ok", "msgid": 200228332}
    result = WechatChannel(servers.http_url + "/wechat").send(
        _message(ChannelName.WECHAT, "oWx_openid_06"))
    assert result.ok
    body = servers.http.posts("/wechat")[0].body
    assert body["touser"] == "oWx_openid_06"
    assert body["template_id"] == "yishi_vote_opened"
    assert body["page"] == "/c/hexie/votes/1/ballot"
    assert body["data"] == {"thing1": {"value": "充电棚"}, "time2": {"value": "2030-03-08 18:00"},
                            "thing3": {"value": "请投票"}}


def test_a_wechat_errcode_is_a_failure_even_with_http_200(nctx: Flask, servers: Servers) -> None:
    servers.http.answer = {"errcode": 43101, "errmsg": "user refuse to accept the msg"}
    result = WechatChannel(servers.http_url + "/wechat").send(
        _message(ChannelName.WECHAT, "oWx_openid_06"))
    assert not result.ok
    assert "43101" in result.answer


def test_a_refused_http_request_is_a_failure(nctx: Flask, servers: Servers) -> None:
    servers.http.status = 400
    servers.http.answer = {"code": "isv.MOBILE_NUMBER_ILLEGAL", "message": "invalid phone"}
    result = SmsChannel(servers.http_url + "/sms", "议事").send(
        _message(ChannelName.SMS, "13800000002"))
    assert not result.ok and result.permanent
    assert result.answer.startswith("HTTP 400 ") and "MOBILE_NUMBER_ILLEGAL" in result.answer


def test_an_unreachable_gateway_is_a_failure(nctx: Flask) -> None:
    result, _ = post_json(f"http://127.0.0.1:{free_port()}/sms", {"phone": "1"}, timeout=2)
    assert not result.ok and not result.permanent
    assert result.answer.startswith("connection failed:")


def test_smtp_refusing_a_recipient_is_a_permanent_failure(nctx: Flask, servers: Servers) -> None:
    servers.smtp.refuse.add("gone@example.org")
    with SmtpChannel(SmtpServer.from_url(servers.smtp_url), "noreply@yishi.test") as channel:
        result = channel.send(_message(ChannelName.EMAIL, "gone@example.org"))
        ok = channel.send(_message(ChannelName.EMAIL, "here@example.org"))
    assert not result.ok and result.permanent
    assert result.answer == "550 5.1.1 no such mailbox here"
    assert ok.ok and ok.answer.startswith("250 ")


def test_smtps_url_carries_the_login() -> None:
    server = SmtpServer.from_url("smtps://mailer:s%40cret@smtp.example.org:465")
    assert server == SmtpServer("smtp.example.org", 465, True, "mailer", "s@cret")


def _sms_deliveries(kind: str) -> list[Delivery]:
    return list(db.session.execute(select(Delivery).join(
        NotificationEvent, NotificationEvent.id == Delivery.event_id).where(
        NotificationEvent.kind == kind, Delivery.channel == ChannelName.SMS)
        .order_by(Delivery.user_id)).scalars())


def test_quiet_hours_hold_sms_until_they_end(clock: time_machine.Coordinates, nctx: Flask,
                                             town: Town, servers: Servers) -> None:
    from tests.notifications.conftest import MORNING

    clock.move_to(MORNING.replace(hour=23))
    open_town_vote(town)
    run_jobs(nctx)
    assert [d.state for d in _sms_deliveries("vote_opened")] == [DeliveryState.PENDING] * 2
    assert servers.http.posts("/sms") == []
    assert servers.mails_to("u02@example.org")  # e-mail keeps no quiet hours
    clock.move_to(MORNING.replace(hour=8, minute=1) + timedelta(days=1))
    run_jobs(nctx)
    assert sorted(p.body["phone"] for p in servers.http.posts("/sms")) == ["13800000002",
                                                                           "13800000004"]
    assert [d.state for d in _sms_deliveries("vote_opened")] == [DeliveryState.SENT] * 2


def test_a_failing_gateway_is_retried_with_back_off_then_failed(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    servers.http.status = 503
    servers.http.answer = {"code": "SERVICE_UNAVAILABLE"}
    open_town_vote(town)
    run_jobs(nctx)
    first = _sms_deliveries("vote_opened")[0]
    assert (first.state, first.attempts, first.reason) == (DeliveryState.PENDING, 1, "retry")
    assert first.answer.startswith("HTTP 503 ")
    for minutes in (1, 2, 4, 8):  # the back-off doubles
        day.shift(timedelta(minutes=minutes, seconds=1))
        run_jobs(nctx)
    last = _sms_deliveries("vote_opened")[0]
    assert (last.state, last.attempts) == (DeliveryState.FAILED, 5)
    assert "SERVICE_UNAVAILABLE" in last.answer
    assert len([p for p in servers.http.posts("/sms") if p.body["phone"] == "13800000002"]) == 5


def test_a_persons_own_quiet_hours_hold_their_sms_and_wechat(
        day: time_machine.Coordinates, nctx: Flask, town: Town, servers: Servers) -> None:
    from notifications.preferences import update_preferences
    from tests.notifications.conftest import MORNING

    for name in ("u02", "u06"):  # 09:00-12:00; u04 keeps the default 22:00-08:00
        update_preferences(town.user(name), quiet_hours=["09:00", "12:00"],
                           actor=town.user(name))
    db.session.commit()
    open_town_vote(town)  # at 10:00
    run_jobs(nctx)
    assert [p.body["phone"] for p in servers.http.posts("/sms")] == ["13800000004"]
    assert servers.http.posts("/wechat") == []
    held = {d.user_id: d for d in _sms_deliveries("vote_opened")}[town.users["u02"]]
    assert (held.state, held.reason) == (DeliveryState.PENDING, "quiet_hours")
    assert held.due_at == MORNING.replace(hour=12)
    day.shift(timedelta(hours=2, minutes=1))
    run_jobs(nctx)
    assert sorted(p.body["phone"] for p in servers.http.posts("/sms")) == ["13800000002",
                                                                           "13800000004"]
    assert [p.body["touser"] for p in servers.http.posts("/wechat")] == ["oWx_openid_06"]
