"""Uploaded files that follow the database transaction.

`store(relative, data)` writes the bytes under a temporary name beside their place and moves
them into place only after the transaction commits; a rollback (or a failed commit) removes
the temporary file, so no orphan is left and no row ever points at a missing file.
`discard(relative)` deletes a file only after the commit that removed its row.

Files are recognised by their content (`sniff_type`), never by the uploader's name, and are
kept under `UPLOAD_FOLDER` (instance/uploads) with names the server chose.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

log = logging.getLogger(__name__)

#: content type -> file extension of the kinds Yishi accepts (PDF and images)
KINDS = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg",
         "image/webp": "webp"}
#: bytes needed to recognise every kind
SNIFF_BYTES = 16
_PENDING = "yishi.storage.pending"


def sniff_type(head: bytes) -> str | None:
    """The content type from a file's first bytes (magic numbers), or None. Pure."""
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def extension_for(content_type: str) -> str:
    """The file extension of an accepted content type ("pdf", "png", ...)."""
    return KINDS[content_type]


def download_name(filename: str, content_type: str) -> str:
    """A download name whose extension is the detected type's, whatever the uploader said."""
    stem = PurePosixPath(filename.replace("\\", "/")).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = "".join(ch for ch in stem if ch.isprintable() and ch not in '"<>/\\').strip()
    return f"{stem or 'file'}.{KINDS[content_type]}"


def upload_root() -> Path:
    """The folder under which uploads live (`UPLOAD_FOLDER`)."""
    return Path(current_app.config["UPLOAD_FOLDER"])


def path_of(relative: str) -> Path:
    """The absolute path of a stored file; refuses paths that leave the upload folder."""
    root = upload_root().resolve()
    target = (root / relative).resolve()
    if root not in target.parents:
        raise ValueError(f"not a stored file: {relative!r}")
    return target


def new_name(folder: str, content_type: str) -> str:
    """A fresh relative path for a file of this type under `folder` (the server's name)."""
    return f"{folder.strip('/')}/{secrets.token_hex(16)}.{KINDS[content_type]}"


@dataclass
class _Move:
    temporary: Path
    target: Path


@dataclass
class _Delete:
    target: Path


def _pending(session: Session) -> list[_Move | _Delete]:
    pending: list[_Move | _Delete] = session.info.setdefault(_PENDING, [])
    return pending


def _session() -> Session:
    from app.extensions import db

    session: Session = db.session()
    session.connection()  # the file belongs to this transaction: make sure it has begun
    return session


def store(relative: str, data: bytes) -> Path:
    """Write `data` to be at `relative` once the current transaction commits."""
    target = path_of(relative)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    _pending(_session()).append(_Move(temporary, target))
    return target


def discard(relative: str) -> None:
    """Delete the file at `relative` once the current transaction commits."""
    _pending(_session()).append(_Delete(path_of(relative)))


def _after_commit(session: Session) -> None:
    """Move stored files into place and delete discarded ones: the rows are committed.

    Releasing a SAVEPOINT dispatches `after_commit` too; only the root transaction's commit
    makes the rows durable, so a nested one leaves the pending files waiting.
    """
    if session.in_nested_transaction():
        return
    pending = session.info.pop(_PENDING, None) or []
    for op in pending:
        try:
            if isinstance(op, _Move):
                os.replace(op.temporary, op.target)
            else:
                op.target.unlink(missing_ok=True)
        except OSError:  # pragma: no cover - a full disk after the commit: say so loudly
            log.exception("storage: could not finish %r after the commit", op)


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    """A root transaction ended without a commit: drop what it stored, delete nothing."""
    if transaction.parent is not None:
        return
    pending = session.info.pop(_PENDING, None) or []
    for op in pending:
        if isinstance(op, _Move):
            op.temporary.unlink(missing_ok=True)


def _install() -> None:
    for name, listener in (("after_commit", _after_commit),
                           ("after_transaction_end", _after_transaction_end)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


_install()

__all__ = ["KINDS", "SNIFF_BYTES", "discard", "download_name", "extension_for", "new_name",
           "path_of", "sniff_type", "store", "upload_root"]
