"""The HTML part of e-mails, rendered from templates/notifications/email/message.html in the
recipient's language (the words come from the catalogues through `app.law.words.text`)."""

from __future__ import annotations

from flask import render_template

from app.law.words import N_, text
from notifications.channels.base import Message
from notifications.links import absolute

FOOTER = {
    "open": N_("在议事中查看"),
    "why": N_("您收到这封邮件，是因为您是议事平台上相关小区的成员。"),
    "unsubscribe": N_("不再通过邮件接收这类通知"),
    "settings": N_("通知设置"),
}


def email_html(message: Message) -> str:
    """The HTML alternative of an e-mail."""
    words = {key: text(value, message.lang) for key, value in FOOTER.items()}
    return render_template("notifications/email/message.html", message=message, words=words,
                           url=absolute(message.texts.url),
                           settings_url=absolute("/notifications/preferences"),
                           lang="zh-CN" if message.lang == "zh" else "en")
