"""Attachments: PDF and images only, recognised by their content, stored under instance/."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app

from app.accounts.models import User
from app.audit.services import record_event
from app.extensions import db
from app.storage import KINDS, sniff_type, upload_root
from proposals.errors import ProposalError
from proposals.models import Proposal, ProposalAttachment
from proposals.states import EDITABLE

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def _clean_name(filename: str) -> str:
    name = Path(filename.replace("\\", "/")).name.strip()
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>')
    return name[:200] or "attachment"


def attachment_path(community_id: int, attachment: ProposalAttachment) -> Path:
    """Where an attachment's bytes are stored."""
    return upload_root() / str(community_id) / attachment.stored_name


def add_attachment(proposal: Proposal, actor: User | None, *, filename: str,
                   data: bytes) -> ProposalAttachment:
    """Check and store an uploaded file for the proposal."""
    if proposal.state not in EDITABLE:
        raise ProposalError("not_editable", "the proposal can no longer be changed")
    if not data:
        raise ProposalError("empty_file", "the file is empty")
    limit = current_app.config.get("PROPOSAL_ATTACHMENT_MAX_BYTES", MAX_ATTACHMENT_BYTES)
    if len(data) > limit:
        raise ProposalError("file_too_large", f"files may be at most {limit // (1024 * 1024)} MB")
    content_type = sniff_type(data[:16])
    if content_type is None:
        raise ProposalError("unsupported_type", "only PDF, PNG, JPEG and WebP files are accepted")
    stored = f"{secrets.token_hex(16)}.{KINDS[content_type]}"
    folder = upload_root() / str(proposal.community_id)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / stored).write_bytes(data)
    attachment = ProposalAttachment(proposal_id=proposal.id, filename=_clean_name(filename),
                                    stored_name=stored, content_type=content_type,
                                    size=len(data), uploaded_by_id=getattr(actor, "id", None))
    db.session.add(attachment)
    db.session.flush()
    record_event("proposal.attachment.add", actor=actor, community_id=proposal.community_id,
                 target=f"proposal:{proposal.id}",
                 details={"attachment_id": attachment.id, "filename": attachment.filename,
                          "type": content_type, "size": len(data)})
    return attachment


def remove_attachment(attachment: ProposalAttachment, actor: User | None) -> None:
    """Remove an attachment and its file."""
    proposal = attachment.proposal
    if proposal.state not in EDITABLE:
        raise ProposalError("not_editable", "the proposal can no longer be changed")
    path = attachment_path(proposal.community_id, attachment)
    record_event("proposal.attachment.remove", actor=actor, community_id=proposal.community_id,
                 target=f"proposal:{proposal.id}",
                 details={"attachment_id": attachment.id, "filename": attachment.filename})
    db.session.delete(attachment)
    db.session.flush()
    path.unlink(missing_ok=True)
