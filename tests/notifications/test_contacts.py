"""Contact details are used only once verified with a code sent to them (by a job, through the
same channel); `flask users create --email --phone` takes them as verified (API.md)."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from notifications.contacts import contact_of, verified_addresses
from notifications.models import ChannelName, Contact
from tests.factories import login
from tests.notifications.conftest import Servers
from tests.notifications.town import Town, fresh_session, run_jobs


def test_an_email_is_verified_with_the_code_sent_to_it(nctx: Flask, town: Town,
                                                       servers: Servers) -> None:
    client = nctx.test_client()
    login(client, "u08")
    response = client.post("/notifications/contacts",
                           data={"channel": "email", "address": "U08@Example.org "})
    assert response.status_code == 302
    assert servers.mails_to("u08@example.org") == []  # the request sends nothing itself
    assert verified_addresses([town.users["u08"]]) == {}
    run_jobs(nctx)
    mail = servers.mails_to("u08@example.org")[0].message
    assert mail["X-Yishi-Kind"] == "verify"
    code = re.search(r"验证码是 (\d{6})", mail.get_body(("plain",)).get_content()).group(1)
    wrong = client.post("/notifications/contacts/verify", data={"channel": "email",
                                                                "code": "000000"})
    assert "验证码不正确" in wrong.get_data(as_text=True)
    assert client.post("/notifications/contacts/verify",
                       data={"channel": "email", "code": code}).status_code == 302
    fresh_session()
    assert verified_addresses([town.users["u08"]]) == {
        town.users["u08"]: {ChannelName.EMAIL: "u08@example.org"}}
    contact = contact_of(town.users["u08"], ChannelName.EMAIL)
    assert contact is not None and contact.code_answer.startswith("sent: 250 ")


def test_five_wrong_codes_lock_the_code(nctx: Flask, town: Town, servers: Servers) -> None:
    client = nctx.test_client()
    login(client, "u08")
    client.post("/notifications/contacts", data={"channel": "sms", "address": "13900000008"})
    run_jobs(nctx)
    for _ in range(5):
        client.post("/notifications/contacts/verify", data={"channel": "sms", "code": "999999"})
    sms = next(p for p in servers.http.posts("/sms") if p.body["phone"] == "13900000008")
    code = re.search(r"验证码(\d{6})", sms.body["text"]).group(1)
    page = client.post("/notifications/contacts/verify", data={"channel": "sms", "code": code})
    assert "验证码错误次数太多，请重新获取" in page.get_data(as_text=True)
    fresh_session()
    assert verified_addresses([town.users["u08"]]) == {}


def test_a_malformed_address_is_refused_on_the_page(nctx: Flask, town: Town) -> None:
    client = nctx.test_client()
    login(client, "u08")
    page = client.post("/notifications/contacts", data={"channel": "sms", "address": "12345"})
    assert page.status_code == 200
    assert "这个地址或号码的格式不对" in page.get_data(as_text=True)


def test_users_create_takes_email_and_phone_as_verified(nctx: Flask, town: Town) -> None:
    result = nctx.test_cli_runner().invoke(args=[
        "users", "create", "newowner", "--password", "quiet-lantern-harbour",
        "--community", "hexie",
        "--role", "owner", "--owner-ref", "o09", "--email", "o09@example.org",
        "--phone", "13800000009"])
    assert result.exit_code == 0, result.output
    fresh_session()
    rows = db.session.execute(select(Contact.channel, Contact.address, Contact.verified_at)
                              .order_by(Contact.channel)).all()
    mine = [(str(c), a) for c, a, v in rows if a in ("o09@example.org", "13800000009")
            and v is not None]
    assert mine == [("email", "o09@example.org"), ("sms", "13800000009")]


def test_users_create_refuses_a_malformed_email(nctx: Flask, town: Town) -> None:
    result = nctx.test_cli_runner().invoke(args=[
        "users", "create", "newowner", "--password", "quiet-lantern-harbour",
        "--community", "hexie",
        "--role", "owner", "--owner-ref", "o09", "--email", "not-an-address"])
    assert result.exit_code != 0
    assert "This address or number is not in a valid format" in result.output
