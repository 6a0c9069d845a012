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

from app.accounts.claims import ClaimError, redeem_claim_code
from app.accounts.forms import LoginForm, RoleForm, SignupForm
from app.accounts.members import change_member_role, get_member, list_members
from app.accounts.models import Role
from app.accounts.services import AccountError, authenticate
from app.context import current_member, get_community_or_404, require
from app.extensions import db, limiter
from app.i18n import LANGUAGES
from app.permissions import can_change_role, can_manage_members
from app.register.models import Community
from app.web.actions import committed

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow relative redirects within this site."""
    if target and not urlsplit(target).netloc and target.startswith("/") and \
            not target.startswith("//"):
        return target
    return url_for("web.home")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("/login", methods=["GET", "POST"])
@limiter.shared_limit(_login_limit, scope="login", methods=["POST"])
def login() -> str | Response:
    """Sign in with username and password."""
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is not None:
            session.clear()
            login_user(user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        db.session.commit()  # keep the failed-login audit entry
        form.password.errors.append(_("用户名或密码不正确"))
    return render_template("accounts/login.html", form=form), (200 if not form.errors else 400)


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
            current_user.locale = code
            db.session.commit()
    else:
        flash(_("不支持的语言"), "error")
    return redirect(_safe_next(request.form.get("next") or (request.referrer and
                               urlsplit(request.referrer).path)))


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def signup() -> str | Response | tuple[str, int]:
    """An owner's first visit: create an account with the claim code the committee printed."""
    form = SignupForm()
    if form.validate_on_submit():
        try:
            claim = redeem_claim_code(form.code.data, form.username.data, form.password.data,
                                      display_name=form.display_name.data or "")
        except ClaimError as exc:
            db.session.rollback()
            form.code.errors.append(_signup_error_text(exc.code, exc.message))
        except AccountError as exc:
            db.session.rollback()
            field = form.password if exc.code == "weak_password" else form.username
            field.errors.append(_signup_error_text(exc.code, exc.message))
        else:
            community = db.session.get(Community, claim.community_id)
            user = claim.claimed_by
            db.session.commit()
            session.clear()
            login_user(user)
            flash(_("账户已创建。%(community)s业委会确认后，您就可以以业主身份参与表决。",
                    community=community.name), "success")
            return redirect(url_for("web.home"))
    return render_template("accounts/signup.html", form=form), (400 if form.errors else 200)


def _signup_error_text(code: str, message: str) -> str:
    """A sign-up refusal in the UI language."""
    return {
        "invalid_code": _("认领码不正确，请核对纸条上的认领码"),
        "void_code": _("该认领码已作废，请向业委会索取新的认领码"),
        "used_code": _("该认领码已被使用，每个认领码只能使用一次"),
        "username_taken": _("该用户名已被使用"),
        "invalid_username": _("用户名须为 1-80 个字符"),
        "weak_password": _("密码至少 8 个字符"),
    }.get(code, message)


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


@bp.route("/c/<slug>/members/<int:member_id>/role", methods=["POST"])
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
    with committed(AccountError, lambda exc: _role_error_text(exc.code, exc.message),
                   _("已更改 %(user)s 的角色", user=target.user.name)):
        change_member_role(target, role, current_user._get_current_object())
    return redirect(url_for("accounts.members", slug=community.slug))


def _role_error_text(code: str, message: str) -> str:
    """A refused role change in the UI language."""
    return {
        "same_role": _("该成员已经是这个角色"),
        "owner_link_required": _("只有已关联名册业主的账户才能设为业主，请通过认领码关联"),
        "last_admin": _("这是本小区最后一位管理员，不能更改其角色"),
    }.get(code, message)
