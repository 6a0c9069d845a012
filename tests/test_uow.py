"""The one unit of work (`app.uow`) and the per-app extension points (`app.hooks`)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask, get_flashed_messages
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import StringField

from app.errors import N_, DomainError, InvalidInput
from app.extensions import db
from app.hooks import hooks
from app.register.models import Community
from app.uow import perform, transactional, unit_of_work, write_during_read


class SlugForm(FlaskForm):
    slug = StringField("slug")


def _add(slug: str) -> Community:
    community = Community(slug=slug, name="小区")
    db.session.add(community)
    db.session.flush()
    return community


def _slugs() -> list[str]:
    return list(db.session.execute(select(Community.slug).order_by(Community.slug)).scalars())


def test_perform_commits_and_says_so(app: Flask) -> None:
    with app.test_request_context(method="POST"):
        outcome = perform(lambda: _add("kept").slug, done="已保存")
        assert outcome.ok and outcome.value == "kept" and outcome.error is None
        assert get_flashed_messages(with_categories=True) == [("success", "已保存")]
        db.session.rollback()
        assert _slugs() == ["kept"]


def test_perform_rolls_back_and_shows_the_message_under_its_field(app: Flask) -> None:
    def refuse() -> None:
        _add("half-done")
        raise InvalidInput("bad_slug", N_("小区标识 %(slug)s 无效"), field="slug", slug="x y")

    with app.test_request_context(method="POST", data={"slug": "x y"}):
        form = SlugForm(meta={"csrf": False})
        outcome = perform(refuse, form=form, done="不该出现")
        assert not outcome.ok and outcome.error is not None
        assert outcome.error.code == "bad_slug" and outcome.error.status == 422
        assert form.slug.errors == ["小区标识 x y 无效"]
        assert form.slug.data == "x y"  # what the user typed is kept
        assert get_flashed_messages() == []
        assert _slugs() == []


def test_perform_flashes_a_refusal_without_a_field(app: Flask) -> None:
    def refuse() -> None:
        _add("x")
        raise DomainError("nope", N_("你不能这样做"), status=403)

    with app.test_request_context(method="POST"):
        outcome = perform(refuse, form=SlugForm(meta={"csrf": False}))
        assert not outcome.ok
        assert get_flashed_messages(with_categories=True) == [("error", "你不能这样做")]
        assert _slugs() == []


def test_perform_lets_bugs_through_after_rolling_back(app: Flask) -> None:
    def bug() -> None:
        _add("bug")
        raise KeyError("a bug")

    with app.test_request_context(method="POST"):
        with pytest.raises(KeyError):
            perform(bug)
        assert _slugs() == []


def test_transactional_commits_on_return_and_rolls_back_on_error(app: Flask) -> None:
    @transactional
    def create(slug: str, fail: bool = False) -> str:
        _add(slug)
        if fail:
            raise InvalidInput("refused", N_("你不能这样做"))
        return slug

    with app.test_request_context(method="POST"):
        assert create("one") == "one"
        with pytest.raises(InvalidInput):
            create("two", fail=True)
        with pytest.raises(ZeroDivisionError):
            transactional(lambda: (_add("three"), 1 / 0))()
        db.session.rollback()
        assert _slugs() == ["one"]


def test_unit_of_work_commits_once_and_rolls_back_everything_on_error(app: Flask) -> None:
    with app.app_context():
        with pytest.raises(RuntimeError), unit_of_work():
            _add("a")
            db.session.flush()
            _add("b")
            raise RuntimeError("stop")
        assert _slugs() == []
        with unit_of_work():
            _add("c")
        db.session.rollback()
        assert _slugs() == ["c"]


def test_write_during_read_commits_its_work(app: Flask) -> None:
    with app.test_request_context():
        assert db.session.execute(select(func.count(Community.id))).scalar_one() == 0
        write_during_read(lambda: _add("closed-when-due"))
        db.session.rollback()
        assert _slugs() == ["closed-when-due"]


def test_two_apps_do_not_share_extension_points(custom_app: Callable[..., Flask]) -> None:
    first, second = custom_app(), custom_app()
    before = {name: len(getattr(hooks(second), name)) for name in
              ("nav", "home_sections", "proposal_panels", "open_vote_checks", "audit_anchors")}
    assert before["nav"] > 0  # the features registered theirs in each app

    def extra(*args: object) -> None:
        return None

    hooks(first).nav.append(extra)
    hooks(first).home_sections.append(extra)
    hooks(first).proposal_panels.append(extra)
    hooks(first).open_vote_checks.append(extra)
    hooks(first).audit_anchors.append(lambda: [])
    after = {name: len(getattr(hooks(second), name)) for name in before}
    assert after == before
    assert extra in hooks(first).nav and extra not in hooks(second).nav
    assert hooks(first) is not hooks(second)
    with first.app_context():
        assert hooks() is hooks(first)
