"""Sign in, sign out, choose the language, sign up with a claim code; the members page."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.accounts import throttle
from app.accounts.claims import redeem_claim_code
from app.accounts.display import TEXT_COOKIE, TEXT_COOKIE_DAYS, TEXT_SIZES
from app.accounts.forms import LoginForm, RoleForm, SignupForm
from app.accounts.members import change_member_role, get_member, list_members
from app.accounts.models import Role, User
from app.accounts.services import authenticate, set_large_text, set_locale
from app.context import current_member, get_community_or_404, require
from app.extensions import limiter
from app.i18n import LANGUAGES
from app.permissions import can_change_role, can_manage_members
from app.uow import perform

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow relative redirects within this site."""
    if target and not urlsplit(target).netloc and target.startswith("/") and \
            not target.startswith("//"):
        return target
    return url_for("web.home")


def _me() -> User:
    """The signed-in user itself (not Flask-Login's LocalProxy)."""
    user: User = current_user._get_current_object()
    return user


@bp.route("/login", methods=["GET", "POST"])
@limiter.shared_limit(throttle.address_limit, scope="login", methods=["POST"])
@limiter.shared_limit(throttle.account_limit, scope="login-account", methods=["POST"],
                      key_func=throttle.account_key, exempt_when=throttle.no_account,
                      deduct_when=throttle.failed)
def login() -> Response | tuple[str, int]:
    """Sign in with username and password."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        # a failed attempt is audited: the unit of work commits it and answers None
        user = perform(lambda: authenticate(form.username.data, form.password.data)).value
        if user is not None:
            session.clear()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("用户名或密码不正确"))
    return render_template("accounts/login.html", form=form), (400 if form.errors else 200)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """Sign out."""
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("web.home"))


@bp.route("/lang/<code>", methods=["POST"])
def set_language(code: str) -> Response:
    """Switch the UI language; saved on the account when signed in."""
    if code in LANGUAGES:
        session["lang"] = code
        if current_user.is_authenticated:
            user = _me()
            perform(lambda: set_locale(user, code))
    else:
        flash(_("不支持的语言"), "error")
    return redirect(_safe_next(request.form.get("next") or (request.referrer and
                               urlsplit(request.referrer).path)))


@bp.route("/text-size/<size>", methods=["POST"])
def set_text_size(size: str) -> Response:
    """Large text (大字模式) on or off: saved on the account, or in a cookie when anonymous;
    a plain form POST (no JavaScript), back to the page it came from."""
    back = redirect(_safe_next(request.form.get("next") or (request.referrer and
                                urlsplit(request.referrer).path)))
    if size not in TEXT_SIZES:
        flash(_("不支持的字号"), "error")
        return back
    large = size == "large"
    if current_user.is_authenticated:
        user = _me()
        perform(lambda: set_large_text(user, large))
        return back
    if large:
        back.set_cookie(TEXT_COOKIE, "large", max_age=TEXT_COOKIE_DAYS * 86400, httponly=True,
                        samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE",
                                                                      False))
    else:
        back.delete_cookie(TEXT_COOKIE)
    return back


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(throttle.address_limit, methods=["POST"])
@limiter.limit(throttle.account_limit, scope="signup-code", methods=["POST"],
               key_func=throttle.claim_code_key, exempt_when=throttle.no_code,
               deduct_when=throttle.failed)
def signup() -> Response | tuple[str, int]:
    """An owner's first visit: create an account with the claim code the committee printed."""
    form = SignupForm()
    if form.validate_on_submit():
        outcome = perform(lambda: redeem_claim_code(
            form.code.data, form.username.data, form.password.data,
            display_name=form.display_name.data or ""), form=form)
        if outcome.value is not None:
            claim = outcome.value
            user = claim.claimed_by
            session.clear()
            login_user(user)
            flash(_("账户已创建。%(community)s业委会确认后，您就可以以业主身份参与表决。",
                    community=claim.community.name), "success")
            return redirect(url_for("web.home"))
    return render_template("accounts/signup.html", form=form), (400 if form.errors else 200)


@bp.route("/c/<slug>/members")
def members(slug: str) -> str:
    """The community's members, their roles and linked owners (committee only)."""
    community = get_community_or_404(slug)
    me = current_member(community)
    require(can_manage_members(me))
    rows = [(m, RoleForm(formdata=None, role=m.role.value, prefix=f"m{m.id}"))
            for m in list_members(community)]
    return render_template("accounts/members.html", community=community, rows=rows, me=me,
                           roles=list(Role))


@bp.route("/c/<slug>/members/<id:member_id>/role", methods=["POST"])
def change_role(slug: str, member_id: int) -> Response:
    """Change a member's role; only an admin grants admin or touches an admin."""
    community = get_community_or_404(slug)
    me = current_member(community)
    require(can_manage_members(me))
    target = get_member(community, member_id)
    if target is None:
        abort(404)
    form = RoleForm(prefix=f"m{member_id}")
    if not form.validate_on_submit():
        abort(400)
    role = Role(form.role.data)
    require(can_change_role(me, target, role))
    perform(lambda: change_member_role(target, role, _me()),
            done=_("已更改 %(user)s 的角色", user=target.user.name))
    return redirect(url_for("accounts.members", slug=community.slug))
