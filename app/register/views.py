"""Committee pages of the owner register: totals, upload, units, owners and claim codes."""

from __future__ import annotations

import base64
import zlib
from collections.abc import Callable
from decimal import Decimal

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from app.accounts.claims import (
    IssuedCode,
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
from app.errors import DomainError
from app.i18n import lang_code
from app.permissions import can_issue_claim_codes, can_manage_register, can_view_owner_details
from app.register.errors import RegisterRowsError
from app.register.forms import ConfirmImportForm, UnitFilterForm, UploadRegisterForm
from app.register.labels import column_label
from app.register.models import Community
from app.register.services import (
    building_names,
    get_owner,
    import_register,
    list_units,
    preview_register,
    register_totals,
)
from app.register.sheets import XLSX_TYPE, template_csv, template_xlsx
from app.uow import perform

bp = Blueprint("register", __name__, url_prefix="/c/<slug>/register")

UNITS_PER_PAGE = 50


def _community(slug: str, predicate: Callable[[Membership | None], bool]) -> Community:
    """Load the community and require the committee permission."""
    community = get_community_or_404(slug)
    require(predicate(current_member(community)))
    return community


def _actor() -> User:
    """The signed-in user itself (not Flask-Login's LocalProxy), to record as the actor."""
    user: User = current_user._get_current_object()
    return user


@bp.route("/")
def overview(slug: str) -> str:
    """Totals: units, headcount and area, overall, per building and per kind."""
    community = _community(slug, can_manage_register)
    return render_template("register/overview.html", community=community,
                           totals=register_totals(community))


#: how long a previewed file may wait for its confirmation
PREVIEW_MAX_AGE = 3600


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt="register-import-preview")


def _preview_token(community: Community, filename: str, data: bytes) -> str:
    """The uploaded file, signed for this community and user, kept in the confirm form."""
    return _serializer().dumps({
        "c": community.id, "u": current_user.id, "n": filename,
        "d": base64.b64encode(zlib.compress(data)).decode("ascii")})


def _previewed_file(community: Community, token: str) -> tuple[str, bytes] | None:
    """(filename, data) of a preview token made for this community and user, or None."""
    try:
        payload = _serializer().loads(token, max_age=PREVIEW_MAX_AGE)
        if payload["c"] != community.id or payload["u"] != current_user.id:
            return None
        return str(payload["n"]), zlib.decompress(base64.b64decode(payload["d"]))
    except (BadData, KeyError, TypeError, ValueError, zlib.error):
        return None


def _row_errors(error: DomainError | None) -> list[str] | None:
    if isinstance(error, RegisterRowsError):
        lang = lang_code()
        return [e.line_in(lang) for e in error.errors]
    return None


@bp.route("/upload", methods=["GET", "POST"])
def upload(slug: str) -> tuple[str, int]:
    """Upload the register (.xlsx, or CSV in UTF-8 or GBK): first a preview of what would be
    added, updated and left unchanged, or every fault of every row; nothing is written until
    the committee confirms (the file comes back in a signed token)."""
    community = _community(slug, can_manage_register)
    form = UploadRegisterForm()
    context: dict[str, object] = {"community": community, "form": form}
    if "token" in request.form:
        confirm = ConfirmImportForm()
        previewed = _previewed_file(community, confirm.token.data or "")
        if not confirm.validate_on_submit() or previewed is None:
            context["expired"] = True
            return render_template("register/upload.html", **context), 400
        filename, data = previewed
        outcome = perform(lambda: import_register(community, data, actor=_actor(),
                                                  filename=filename), form=form)
        if not outcome.ok:
            context["row_errors"] = _row_errors(outcome.error)
            return render_template("register/upload.html", **context), 400
        context.update(report=outcome.value, totals=register_totals(community))
        return render_template("register/upload.html", **context), 200
    if not form.validate_on_submit():
        return render_template("register/upload.html", **context), 400 if form.errors else 200
    data = form.file.data.read()
    filename = form.file.data.filename or ""
    try:
        preview = preview_register(community, data)
    except DomainError as error:
        form.file.errors = [*form.file.errors, error.message]
        context["row_errors"] = _row_errors(error)
        return render_template("register/upload.html", **context), 400
    context.update(preview=preview, filename=filename, column_label=column_label,
                   confirm=ConfirmImportForm(token=_preview_token(community, filename, data)))
    return render_template("register/upload.html", **context), 200


@bp.route("/template.<any(csv, xlsx):fmt>")
def template(slug: str, fmt: str) -> Response:
    """The register template: the header and two example rows, as CSV or Excel."""
    community = _community(slug, can_manage_register)
    if fmt == "xlsx":
        body, mimetype = template_xlsx(), XLSX_TYPE
    else:
        body, mimetype = template_csv(), "text/csv; charset=utf-8"
    response = make_response(body)
    response.mimetype = mimetype
    response.headers["Content-Disposition"] = (
        f"attachment; filename={community.slug}-register-template.{fmt}")
    return response


@bp.route("/units")
def units(slug: str) -> str:
    """Browse units by building, with a search and pages."""
    community = _community(slug, can_manage_register)
    form = UnitFilterForm(request.args)
    names = building_names(community)
    form.building.choices = [SelectChoice("", _("全部楼栋"))] + [SelectChoice(n) for n in names]
    query = (form.q.data or "") if not form.q.errors else ""
    page = list_units(community, building=form.building.data or "", query=query,
                      page=request.args.get("page"), per_page=UNITS_PER_PAGE)
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


def _claims_page(community: Community, form: IssueClaimCodesForm) -> str:
    """The claims page: pending claims to confirm, and the form to print new codes."""
    return render_template("register/claims.html", community=community,
                           pending=pending_claims(community), form=form,
                           action_form=ConfirmForm(),
                           unlinked=len(owners_without_account(community)))


@bp.route("/claims")
def claims(slug: str) -> str:
    """Pending claims to confirm, and the form to print new codes."""
    community = _community(slug, can_issue_claim_codes)
    return _claims_page(community, IssueClaimCodesForm())


@bp.route("/claims/issue", methods=["POST"])
def issue_codes(slug: str) -> Response | tuple[str, int]:
    """Generate codes and show them once, on a printable sheet."""
    community = _community(slug, can_issue_claim_codes)
    form = IssueClaimCodesForm()
    if form.validate_on_submit():
        def issue() -> list[IssuedCode]:
            owners = (owners_without_account(community) if form.all_unlinked.data
                      else find_owners(community, _split_refs(form.owner_refs.data or "")))
            return list(issue_claim_codes(community, owners, _actor()))

        outcome = perform(issue, form=form)
        if outcome.ok:
            response = make_response(render_template(
                "register/claim_sheet.html", community=community, issued=outcome.value,
                signup_url=url_for("accounts.signup", _external=True)))
            response.headers["Cache-Control"] = "no-store"
            return response
    return _claims_page(community, form), 400


def _split_refs(text: str) -> list[str]:
    """owner_refs separated by lines, commas or spaces."""
    return [r for r in text.replace(",", " ").replace("，", " ").split() if r]


@bp.route("/claims/<id:claim_id>/<any(confirm, reject):decision>", methods=["POST"])
def decide_claim(slug: str, claim_id: int, decision: str) -> Response:
    """Confirm a pending claim (the account becomes the owner's) or reject it."""
    community = _community(slug, can_issue_claim_codes)
    claim = get_claim(community, claim_id)
    if claim is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if decision == "confirm":
        perform(lambda: confirm_claim(claim, _actor()), done=_("已确认认领"))
    else:
        perform(lambda: reject_claim(claim, _actor()), done=_("已拒绝认领"))
    return redirect(url_for("register.claims", slug=community.slug))
