"""Uploaded files follow the transaction (`app.storage`): a stored file appears only after the
commit, a rollback or a failed commit leaves neither file nor temporary file, and a discarded
file goes only when its commit succeeds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import storage
from app.extensions import db
from app.register.models import Community
from app.uow import unit_of_work

PDF = b"%PDF-1.4 test"


@pytest.fixture
def files(custom_app: Callable[..., Flask], tmp_path: Path) -> Iterator[Flask]:
    """An app whose uploads go to a folder of this test, in an app context."""
    app = custom_app(UPLOAD_FOLDER=str(tmp_path / "uploads"))
    with app.app_context():
        yield app
        db.session.remove()


def _everything(app: Flask) -> list[str]:
    root = Path(app.config["UPLOAD_FOLDER"])
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def _community(slug: str) -> Community:
    community = Community(slug=slug, name="小区")
    db.session.add(community)
    db.session.flush()
    return community


def test_a_stored_file_appears_only_after_the_commit(files: Flask) -> None:
    name = storage.new_name("attachments", "application/pdf")
    target = storage.store(name, PDF)
    assert not target.exists()
    assert [p.endswith(".part") for p in _everything(files)] == [True]
    db.session.commit()
    assert target.read_bytes() == PDF
    assert _everything(files) == [name]


def test_a_released_savepoint_does_not_move_the_file_into_place(files: Flask) -> None:
    name = storage.new_name("attachments", "application/pdf")
    target = storage.store(name, PDF)
    with db.session.begin_nested():
        _community("inner")
    assert not target.exists()  # only the root commit makes the row durable
    db.session.commit()
    assert target.read_bytes() == PDF


def test_a_rollback_leaves_no_file_and_no_temporary_file(files: Flask) -> None:
    name = storage.new_name("attachments", "application/pdf")
    with pytest.raises(RuntimeError), unit_of_work():
        _community("gone")
        storage.store(name, PDF)
        raise RuntimeError("refused after the file was written")
    assert _everything(files) == []
    assert db.session.execute(select(func.count(Community.id))).scalar_one() == 0


def test_a_failed_commit_leaves_neither_row_nor_file(files: Flask) -> None:
    """The INSERT only fails when the commit flushes it: the file must not appear either."""
    _community("taken")
    db.session.commit()
    name = storage.new_name("mandates", "image/png")
    with pytest.raises(IntegrityError), unit_of_work():
        db.session.add(Community(slug="taken", name="重复"))  # unique slug: fails at commit
        storage.store(name, b"\x89PNG\r\n\x1a\n...")
    assert _everything(files) == []
    assert db.session.execute(select(func.count(Community.id))).scalar_one() == 1


def test_discard_deletes_only_after_the_commit(files: Flask) -> None:
    name = storage.new_name("attachments", "application/pdf")
    storage.store(name, PDF)
    db.session.commit()
    path = storage.path_of(name)
    storage.discard(name)
    db.session.rollback()
    assert path.exists()  # the removal was rolled back with its transaction
    storage.discard(name)
    assert path.exists()  # not before the commit
    db.session.commit()
    assert not path.exists()
    assert _everything(files) == []


def test_paths_outside_the_upload_folder_are_refused(files: Flask) -> None:
    with pytest.raises(ValueError, match="not a stored file"):
        storage.store("../escape.pdf", PDF)
    assert _everything(files) == []


def test_download_names_take_the_detected_extension() -> None:
    assert storage.download_name("polyglot.html", "application/pdf") == "polyglot.pdf"
    assert storage.download_name('C:\\x\\"a<b>".exe', "image/png") == "ab.png"
    assert storage.sniff_type(PDF) == "application/pdf"
    assert storage.sniff_type(b"<html>") is None
