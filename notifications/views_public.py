"""Links that work without signing in, each carrying a signed token: one-click unsubscribe
(RFC 8058: a POST from the mail client, no session, no CSRF token) and a calendar feed."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from app.accounts.models import User
from app.extensions import db
from app.uow import unit_of_work
from notifications import preferences
from notifications.calendar import calendar
from notifications.fanout import lang_of
from notifications.feeds import person_feed
from notifications.forms import ActionForm
from notifications.kinds import KINDS
from notifications.tokens import read_calendar, read_unsubscribe

bp = Blueprint("notifications_public", __name__)


@bp.route("/notifications/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str) -> str | tuple[str, int]:
    """GET: a page with one button; POST (the button, or the mail client's one-click POST
    with `List-Unsubscribe=One-Click`): stop this kind of e-mail."""
    wanted = read_unsubscribe(token)
    if wanted is None or wanted.kind not in KINDS:
        abort(404)
    user = db.session.get(User, wanted.user_id)
    if user is None:
        abort(404)
    kind = KINDS[wanted.kind]
    if request.method == "POST":
        with unit_of_work():
            preferences.unsubscribe(user, wanted.kind, wanted.channel)
        return render_template("notifications/unsubscribed.html", kind=kind, done=True,
                               channel=wanted.channel)
    return render_template("notifications/unsubscribed.html", kind=kind, done=False,
                           channel=wanted.channel, form=ActionForm())


@bp.route("/notifications/calendar/<token>.ics")
def calendar_feed(token: str) -> Response:
    """A person's meetings and vote deadlines, for a calendar application to subscribe to."""
    user_id = read_calendar(token)
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None:
        abort(404)
    body = calendar(person_feed(user.id, lang_of(user.locale)), name="议事 Yishi")
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'inline; filename="yishi.ics"',
                             "Cache-Control": "private, max-age=300"})
