"""Committee pages of the owner register: totals, upload, units, owners and claim codes."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from flask import (
    Blueprint,
    abort,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from app.accounts.claims import (
    ClaimError,
    claim_state,
    confirm_claim,
    find_owners,
    get_claim,
    issue_claim_codes,
    owner_claims,
    owners_without_account,
    pending_claims,
    reject_claim,
)
from app.accounts.forms import ConfirmForm, IssueClaimCodesForm
from app.accounts.members import linked_members
from app.accounts.models import Membership, User
from app.context import current_member, get_community_or_404, require
from app.extensions import db
from app.permissions import can_issue_claim_codes, can_manage_register, can_view_owner_details
from app.register.csvfile import RegisterFileError
from app.register.forms import UnitFilterForm, UploadRegisterForm
from app.register.messages import file_error_text, row_error_text
from app.register.models import Community
from app.register.services import (
    building_names,
    get_owner,
    import_register,
    list_units,
    register_totals,
)
from app.web.actions import committed

bp = Blueprint("register", __name__, url_prefix="/c/<slug>/register")

UNITS_PER_PAGE = 50


def _community(slug: str, predicate: Callable[[Membership | None], bool]) -> Community:
    """Load the community and require the committee permission."""
    community = get_community_or_404(slug)
    require(predicate(current_member(community)))
    return community


def _actor() -> User:
    """The signed-in user itself (not Flask-Login's LocalProxy), to record as the actor."""
    return current_user._get_current_object()


@bp.route("/")
def overview(slug: str) -> str:
    """Totals: units, headcount and area, overall, per building and per kind."""
    community = _community(slug, can_manage_register)
    return render_template("register/overview.html", community=community,
                           totals=register_totals(community))


@bp.route("/upload", methods=["GET", "POST"])
def upload(slug: str) -> tuple[str, int]:
    """Upload the register CSV: all rows imported, or none and every bad row listed."""
    community = _community(slug, can_manage_register)
    form = UploadRegisterForm()
    context: dict[str, object] = {"community": community, "form": form}
    if not form.validate_on_submit():
        return render_template("register/upload.html", **context), 400 if form.errors else 200
    upload_file = form.file.data
    try:
        report = import_register(community, upload_file.read(), actor=_actor(),
                                 filename=upload_file.filename or "")
    except RegisterFileError as exc:
        db.session.rollback()
        context["file_error"] = file_error_text(exc)
        return render_template("register/upload.html", **context), 400
    if not report.ok:
        db.session.rollback()
        context["row_errors"] = [row_error_text(e) for e in report.errors]
        return render_template("register/upload.html", **context), 400
    db.session.commit()
    context.update(report=report, totals=register_totals(community))
    return render_template("register/upload.html", **context), 200


@bp.route("/units")
def units(slug: str) -> str:
    """Browse units by building, with a search and pages."""
    community = _community(slug, can_manage_register)
    form = UnitFilterForm(request.args)
    names = building_names(community)
    form.building.choices = [SelectChoice("", _("全部楼栋"))] + [SelectChoice(n) for n in names]
    page_no = form.page.data if form.page.data and not form.page.errors else 1
    query = (form.q.data or "") if not form.q.errors else ""
    page = list_units(community, building=form.building.data or "", query=query,
                      page=page_no, per_page=UNITS_PER_PAGE)
    return render_template("register/units.html", community=community, form=form, page=page)


@bp.route("/owners/<path:owner_ref>")
def owner(slug: str, owner_ref: str) -> str:
    """An owner: names, phone, units and areas, linked accounts, claim codes."""
    community = _community(slug, can_view_owner_details)
    found = get_owner(community, owner_ref)
    if found is None:
        abort(404)
    claims = owner_claims(found)
    return render_template(
        "register/owner.html", community=community, owner=found,
        total_area=sum((u.area_m2 for u in found.units), Decimal(0)),
        members=linked_members(found.id), claims=[(c, claim_state(c)) for c in claims],
        issue_form=IssueClaimCodesForm(owner_refs=found.owner_ref),
    )


@bp.route("/claims")
def claims(slug: str) -> str:
    """Pending claims to confirm, and the form to print new codes."""
    community = _community(slug, can_issue_claim_codes)
    return render_template("register/claims.html", community=community,
                           pending=pending_claims(community), form=IssueClaimCodesForm(),
                           action_form=ConfirmForm(),
                           unlinked=len(owners_without_account(community)))


@bp.route("/claims/issue", methods=["POST"])
def issue_codes(slug: str) -> Response | tuple[str, int]:
    """Generate codes and show them once, on a printable sheet."""
    community = _community(slug, can_issue_claim_codes)
    form = IssueClaimCodesForm()
    error = None
    if form.validate_on_submit():
        try:
            owners = (owners_without_account(community) if form.all_unlinked.data
                      else find_owners(community, _split_refs(form.owner_refs.data or "")))
            issued = issue_claim_codes(community, owners, _actor())
        except ClaimError as exc:
            db.session.rollback()
            error = _claim_error_text(exc)
        else:
            db.session.commit()
            response = make_response(render_template(
                "register/claim_sheet.html", community=community, issued=issued,
                signup_url=url_for("accounts.signup", _external=True)))
            response.headers["Cache-Control"] = "no-store"
            return response
    return render_template("register/claims.html", community=community,
                           pending=pending_claims(community), form=form,
                           action_form=ConfirmForm(), issue_error=error,
                           unlinked=len(owners_without_account(community))), 400


def _split_refs(text: str) -> list[str]:
    """owner_refs separated by lines, commas or spaces."""
    return [r for r in text.replace(",", " ").replace("，", " ").split() if r]


@bp.route("/claims/<int:claim_id>/<any(confirm, reject):decision>", methods=["POST"])
def decide_claim(slug: str, claim_id: int, decision: str) -> Response:
    """Confirm a pending claim (the account becomes the owner's) or reject it."""
    community = _community(slug, can_issue_claim_codes)
    claim = get_claim(community, claim_id)
    if claim is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with committed(ClaimError, _claim_error_text,
                   _("已确认认领") if decision == "confirm" else _("已拒绝认领")):
        if decision == "confirm":
            confirm_claim(claim, _actor())
        else:
            reject_claim(claim, _actor())
    return redirect(url_for("register.claims", slug=community.slug))


def _claim_error_text(exc: ClaimError) -> str:
    """A claim error in the UI language."""
    return {
        "no_owners": _("请至少选择一位业主"),
        "developer": _("开发建设单位不需要认领码"),
        "unknown_owner": _("名册中没有这些业主编号：%(refs)s",
                           refs=exc.message.split(":", 1)[-1].strip()),
        "not_pending": _("该认领不在待确认状态"),
    }.get(exc.code, exc.message)
