"""A person's pages: the inbox (works without JavaScript), preferences, contact details."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from app.accounts.models import User
from app.context import require
from app.pagination import clamp_page
from app.uow import perform
from notifications import contacts, inbox, preferences
from notifications.channels import available
from notifications.forms import ActionForm, ContactForm, PreferencesForm, VerifyForm
from notifications.kinds import ALL_CHANNELS, selectable_kinds
from notifications.models import ChannelName
from notifications.tokens import calendar_token

bp = Blueprint("notifications", __name__)


def signed_in() -> User:
    """The signed-in person (anonymous visitors go to the sign-in page)."""
    require(bool(current_user.is_authenticated))
    user: User = current_user._get_current_object()
    return user


def _safe_next(target: str | None) -> str | None:
    """A local path to return to, never another site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return None


@bp.route("/notifications")
def inbox_page() -> str:
    """The inbox, newest first; `?unread=1` shows only the unread."""
    user = signed_in()
    unread_only = request.args.get("unread") == "1"
    page = inbox.inbox_page(user, clamp_page(request.args.get("page")), unread_only=unread_only)
    return render_template("notifications/inbox.html", page=page, unread_only=unread_only,
                           unread=inbox.unread_count(user.id), form=ActionForm())


@bp.route("/notifications/<id:notification_id>/read", methods=["POST"])
def read(notification_id: int) -> Response:
    """Mark a message read and follow it (or return to the inbox)."""
    user = signed_in()
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    message = inbox.notification_of(user, notification_id)
    outcome = perform(lambda: inbox.mark_read(message, user))
    back = _safe_next(request.form.get("next"))
    if outcome.ok and back is None and message.url:
        back = _safe_next(message.url)
    return redirect(back or url_for("notifications.inbox_page"))


@bp.route("/notifications/read-all", methods=["POST"])
def read_all() -> Response:
    """Mark every message read."""
    user = signed_in()
    if not ActionForm().validate_on_submit():
        abort(400)
    perform(lambda: inbox.mark_all_read(user), done=_("已全部标为已读"))
    return redirect(url_for("notifications.inbox_page"))


def _channel_rows(choices: preferences.Choices) -> list[dict[str, object]]:
    rows = []
    for kind in selectable_kinds():
        rows.append({"kind": kind, "chosen": set(choices.channels.get(kind.name, []))})
    return rows


@bp.route("/notifications/preferences", methods=["GET", "POST"])
def preferences_page() -> str | Response:
    """Channels per kind, immediate or daily digest, quiet hours; the calendar link."""
    user = signed_in()
    choices = preferences.choices_of(user.id)
    form = PreferencesForm(data={"digest": choices.digest, "quiet_start": choices.quiet_hours[0],
                                 "quiet_end": choices.quiet_hours[1]})
    form.set_choices()
    if form.validate_on_submit():
        wanted = {kind.name: [c.value for c in ALL_CHANNELS
                              if request.form.get(f"{kind.name}:{c.value}") == "on"]
                  for kind in selectable_kinds()}
        for kind in selectable_kinds():
            if kind.legal and ChannelName.INBOX.value not in wanted[kind.name]:
                wanted[kind.name].insert(0, ChannelName.INBOX.value)  # the box is disabled
        outcome = perform(lambda: preferences.update_preferences(
            user, channels=wanted, digest=form.digest.data,
            quiet_hours=[form.quiet_start.data or "", form.quiet_end.data or ""], actor=user),
            form=form, done=_("通知设置已保存"))
        if outcome.ok:
            return redirect(url_for("notifications.preferences_page"))
    token = calendar_token(user.id, preferences.link_version(user.id))
    return render_template(
        "notifications/preferences.html", form=form, rows=_channel_rows(choices),
        channels=ALL_CHANNELS, here=available(), reset_form=ActionForm(),
        calendar_url=url_for("notifications_public.calendar_feed", token=token,
                             _external=True))


@bp.route("/notifications/calendar/reset", methods=["POST"])
def reset_links() -> Response:
    """A new calendar link (and new unsubscribe links): the old ones stop working."""
    user = signed_in()
    if not ActionForm().validate_on_submit():
        abort(400)
    perform(lambda: preferences.renew_links(user), done=_("已生成新的日历链接，旧链接失效"))
    return redirect(url_for("notifications.preferences_page"))


def _contacts_page(contact_form: ContactForm, verify_form: VerifyForm, user: User) -> str:
    return render_template("notifications/contacts.html", contact_form=contact_form,
                           verify_form=verify_form, contacts=contacts.contacts_of(user.id),
                           channels=contacts.CONTACT_CHANNELS, here=available(),
                           remove_form=ActionForm())


@bp.route("/notifications/contacts", methods=["GET", "POST"])
def contacts_page() -> str | Response:
    """Contact details; a new one gets a code sent to it."""
    user = signed_in()
    form = ContactForm()
    form.set_choices()
    if form.validate_on_submit():
        outcome = perform(lambda: contacts.request_code(
            user, form.channel.data or "", form.address.data or "", actor=user), form=form,
            done=_("验证码已发送，请查收后填写"))
        if outcome.ok:
            return redirect(url_for("notifications.contacts_page"))
    return _contacts_page(form, VerifyForm(), user)


@bp.route("/notifications/contacts/verify", methods=["POST"])
def verify() -> str | Response:
    """The code received: the address is verified and in use."""
    user = signed_in()
    form = VerifyForm()
    if form.validate_on_submit():
        outcome = perform(lambda: contacts.confirm_code(
            user, form.channel.data or "", form.code.data or "", actor=user), form=form)
        if outcome.ok and outcome.value:
            flash(_("联系方式已验证"), "success")
            return redirect(url_for("notifications.contacts_page"))
        if outcome.ok:
            form.code.errors = [*form.code.errors, _(contacts.WRONG_CODE)]
    contact_form = ContactForm()
    contact_form.set_choices()
    return _contacts_page(contact_form, form, user)


@bp.route("/notifications/contacts/<any(email, sms, wechat):channel>/remove",
          methods=["POST"])
def remove(channel: str) -> Response:
    """Stop using an address."""
    user = signed_in()
    if not ActionForm().validate_on_submit():
        abort(400)
    perform(lambda: contacts.remove_contact(user, channel, actor=user), done=_("联系方式已删除"))
    return redirect(url_for("notifications.contacts_page"))
