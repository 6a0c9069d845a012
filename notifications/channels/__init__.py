"""Channels: the inbox (always), e-mail over SMTP, SMS and WeChat through HTTP gateways — each
behind `Channel.send(message) -> Result`. A channel exists when its URL is configured."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app

from notifications.channels.base import Attachment, Channel, Message, Result
from notifications.channels.email import SmtpChannel, SmtpServer
from notifications.channels.inbox import InboxChannel, store_many
from notifications.channels.sms import SmsChannel
from notifications.channels.wechat import WechatChannel
from notifications.models import ChannelName

CONFIG_URLS = {ChannelName.EMAIL: "YISHI_SMTP_URL", ChannelName.SMS: "YISHI_SMS_URL",
               ChannelName.WECHAT: "YISHI_WECHAT_URL"}


def available(app: Flask | None = None) -> set[ChannelName]:
    """The channels this deployment has: the inbox, and each gateway whose URL is set."""
    config = (app or current_app).config
    return {ChannelName.INBOX} | {name for name, key in CONFIG_URLS.items() if config.get(key)}


def _templates(value: object) -> dict[str, str]:
    """A kind -> template mapping from configuration (a dict, or JSON text)."""
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, str) and value.strip():
        loaded = json.loads(value)
        return {str(k): str(v) for k, v in loaded.items()}
    return {}


@contextmanager
def open_channel(name: ChannelName, app: Flask | None = None) -> Iterator[Channel]:
    """An external channel configured from the app (an SMTP connection lasts the block)."""
    config = (app or current_app).config
    if name == ChannelName.EMAIL:
        from notifications.render import email_html

        channel = SmtpChannel(SmtpServer.from_url(str(config["YISHI_SMTP_URL"])),
                              str(config.get("YISHI_MAIL_FROM") or "yishi@localhost"),
                              render_html=email_html)
        with channel:
            yield channel
    elif name == ChannelName.SMS:
        yield SmsChannel(str(config["YISHI_SMS_URL"]), str(config.get("YISHI_SMS_SIGN") or "议事"),
                         _templates(config.get("YISHI_SMS_TEMPLATES")),
                         token=str(config.get("YISHI_SMS_TOKEN") or ""))
    elif name == ChannelName.WECHAT:
        yield WechatChannel(str(config["YISHI_WECHAT_URL"]),
                            _templates(config.get("YISHI_WECHAT_TEMPLATES")),
                            token=str(config.get("YISHI_WECHAT_TOKEN") or ""))
    else:
        raise ValueError(f"the inbox is written by the fan-out, not opened: {name}")


__all__ = ["Attachment", "Channel", "InboxChannel", "Message", "Result", "SmsChannel",
           "SmtpChannel", "SmtpServer", "WechatChannel", "available", "open_channel",
           "store_many"]
