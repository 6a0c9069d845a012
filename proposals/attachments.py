"""Attachments: PDF and images only, recognised by their content, stored with `app.storage`
(the file is in place only once the row is committed, and deleted only once its removal is)."""

from __future__ import annotations

from pathlib import PurePosixPath

from flask import current_app

from app import storage
from app.accounts.models import User
from app.audit.services import record_event
from app.extensions import db
from app.law import N_
from proposals.errors import ProposalError
from proposals.models import Proposal, ProposalAttachment
from proposals.services import require_editable

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
#: longest name of an attachment as the uploader gave it
FILENAME_MAX = 200


def _clean_name(filename: str) -> str:
    name = PurePosixPath(filename.replace("\\", "/")).name.strip()
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>')
    return name[:FILENAME_MAX] or "attachment"


def attachment_file(attachment: ProposalAttachment) -> str:
    """Where an attachment's bytes are stored, relative to the upload folder."""
    return f"{attachment.proposal.community_id}/{attachment.stored_name}"


def add_attachment(proposal: Proposal, actor: User | None, *, filename: str,
                   data: bytes) -> ProposalAttachment:
    """Check an uploaded file and store it for the proposal (in place once committed)."""
    require_editable(proposal)
    if not data:
        raise ProposalError("empty_file", N_("文件是空的"), field="file")
    limit = current_app.config.get("PROPOSAL_ATTACHMENT_MAX_BYTES", MAX_ATTACHMENT_BYTES)
    if len(data) > limit:
        raise ProposalError("file_too_large", N_("文件太大（不超过 %(mb)s MB）"), field="file",
                            mb=max(1, limit // (1024 * 1024)))
    content_type = storage.sniff_type(data[:storage.SNIFF_BYTES])
    if content_type is None:
        raise ProposalError("unsupported_type", N_("只接受 PDF、PNG、JPEG 或 WebP 文件"),
                            field="file")
    relative = storage.new_name(str(proposal.community_id), content_type)
    storage.store(relative, data)
    attachment = ProposalAttachment(proposal_id=proposal.id, filename=_clean_name(filename),
                                    stored_name=PurePosixPath(relative).name,
                                    content_type=content_type, size=len(data),
                                    uploaded_by_id=getattr(actor, "id", None))
    db.session.add(attachment)
    db.session.flush()
    record_event("proposal.attachment.add", actor=actor, community_id=proposal.community_id,
                 target=f"proposal:{proposal.id}",
                 details={"attachment_id": attachment.id, "filename": attachment.filename,
                          "type": content_type, "size": len(data)})
    return attachment


def remove_attachment(attachment: ProposalAttachment, actor: User | None) -> None:
    """Remove an attachment; its file goes once the removal is committed."""
    proposal = attachment.proposal
    require_editable(proposal)
    record_event("proposal.attachment.remove", actor=actor, community_id=proposal.community_id,
                 target=f"proposal:{proposal.id}",
                 details={"attachment_id": attachment.id, "filename": attachment.filename})
    storage.discard(attachment_file(attachment))
    db.session.delete(attachment)
    db.session.flush()
