"""Notifications: reaching every owner by inbox, e-mail, SMS and WeChat, on the task queue.

It sits on top of the features and listens to their domain signals (`app.signals`): no feature
imports it. A signal writes an outbox event in the sender's transaction; after the commit the
fan-out job turns it into inbox messages and one delivery row per (event, person, channel);
send jobs claim and send them. Periodic jobs close due votes, remind those who have not voted,
send daily digests and sweep up anything a crash left behind.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

#: configuration read from the environment (API.md; README "Notifications")
SETTINGS = ("YISHI_SMTP_URL", "YISHI_MAIL_FROM", "YISHI_SMS_URL", "YISHI_SMS_SIGN",
            "YISHI_SMS_TEMPLATES", "YISHI_SMS_TOKEN", "YISHI_WECHAT_URL",
            "YISHI_WECHAT_TEMPLATES", "YISHI_WECHAT_TOKEN", "YISHI_BASE_URL",
            "YISHI_REMINDER_HOURS", "YISHI_DIGEST_HOUR", "YISHI_OBJECTION_REMINDER_HOURS",
            "YISHI_DELIVERY_ATTEMPTS")


def _nav_record(community: Any, member: Any) -> Any:
    """The committee sees the 送达 record link."""
    from flask_babel import gettext as _

    from app.web.nav import NavItem
    from notifications.permissions import can_view_delivery_record

    if not can_view_delivery_record(member):
        return None
    return NavItem(url=f"/c/{community.slug}/notifications", label=_("送达记录"))


def _bell() -> dict[str, Any]:
    """The bell's unread count on every page (one query, signed-in people only)."""
    from flask_login import current_user

    from notifications.inbox import unread_count

    def bell_count() -> int | None:
        if not getattr(current_user, "is_authenticated", False):
            return None
        return unread_count(current_user.id)

    return {"notification_bell": bell_count}


def _register_jobs(app: Flask) -> None:
    from app.jobs import crontab, periodic, task
    from notifications import ballots, delivery, fanout, schedule

    # sending first (people are waiting), then fan-outs, then the periodic sweeps
    task(app, "notifications.fan_out", fanout.fan_out, priority=5)
    task(app, "notifications.deliver", delivery.deliver, priority=10)
    task(app, "notifications.send_code", delivery.send_code, priority=10)
    every_minute = crontab(minute="*")
    periodic(app, "notifications.close_due_votes", schedule.close_due, every_minute)
    periodic(app, "notifications.remind", schedule.remind, every_minute)
    periodic(app, "notifications.objection_endings", schedule.objection_endings, every_minute)
    periodic(app, "notifications.digests", schedule.digests, crontab(minute="*/5"))
    periodic(app, "notifications.sweep", schedule.sweep, every_minute)
    task(app, ballots.SOON_JOB, ballots.notice_ballots, priority=5)
    periodic(app, ballots.JOB, ballots.notice_ballots, every_minute)


def init_app(app: Flask) -> None:
    """Register the notifications feature: settings, listeners, jobs, pages, API, the bell."""
    from app.extensions import api, csrf
    from app.hooks import hooks
    from notifications import api as notifications_api
    from notifications import listeners, models, views, views_committee, views_public
    from notifications.cli import notifications_cli

    del models  # imported for its tables
    for name in SETTINGS:
        if name in os.environ:
            app.config.setdefault(name, os.environ[name])
    listeners.connect(app)
    _register_jobs(app)
    app.register_blueprint(views.bp)
    app.register_blueprint(views_committee.bp)
    app.register_blueprint(views_public.bp)
    csrf.exempt(views_public.unsubscribe)  # RFC 8058: the mail client posts without a token
    api.register_blueprint(notifications_api.blp, url_prefix="/api/v1")
    csrf.exempt(notifications_api.blp)
    app.context_processor(_bell)
    hooks(app).nav.append(_nav_record)
    app.cli.add_command(notifications_cli)
