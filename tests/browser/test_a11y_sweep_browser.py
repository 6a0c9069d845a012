"""axe-core on every main page, as the public, an owner and the committee see it, on a 390 px
phone and a desktop, in Chinese and English: zero violations of any impact. The demo
communities give every page real content (an open vote, a closed one with minutes and a result
notice, an announced assembly). Screenshots are kept under test-artifacts/a11y/."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from app.extensions import db
from app.register.models import Building, Community
from demo.accounts import DEMO_PASSWORD
from meetings.models import Meeting, Minutes, ResultNotice
from proposals.models import Proposal
from tests.browser.conftest import (
    ARTIFACTS,
    _context,
    _describe_violations,
    axe_violations,
    browser_login,
)
from voting.models import Vote

pytestmark = pytest.mark.browser

VARIANTS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
              "device_scale_factor": 2},
    "desktop": {"viewport": {"width": 1200, "height": 900}},
}
LOCALES = {"zh": "zh-CN", "en": "en-US"}


@dataclass(frozen=True)
class Sweep:
    """Who looks at which pages."""

    persona: str          # "anonymous" or a demo username
    pages: dict[str, str]  # name -> path


def load_demo(app: Flask, tmp_path: Path) -> None:
    """The demo communities (as `flask demo` loads them)."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output


def _ids(app: Flask) -> dict[str, Any]:
    with app.app_context():
        def community(slug: str) -> Community:
            return db.session.execute(select(Community).where(Community.slug == slug)).scalar_one()

        spj, jax = community("shangpinju"), community("jinanxiaozhu")
        tyc = community("tianyuancheng")
        open_vote = db.session.execute(select(Vote).where(Vote.community_id == spj.id)).scalar_one()
        closed_vote = db.session.execute(
            select(Vote).where(Vote.community_id == jax.id)).scalar_one()
        ids = {
            "spj": spj.slug, "jax": jax.slug, "tyc": tyc.slug,
            "open_vote": open_vote.id, "open_proposal": open_vote.proposal_id,
            "closed_vote": closed_vote.id, "closed_proposal": closed_vote.proposal_id,
            "minutes": db.session.execute(select(Minutes.id).where(
                Minutes.community_id == jax.id)).scalars().first(),
            "notice": db.session.execute(select(ResultNotice.id).where(
                ResultNotice.community_id == jax.id)).scalar_one(),
            "meeting": db.session.execute(select(Meeting.id).where(
                Meeting.community_id == tyc.id)).scalars().first(),
            "tyc_proposal": db.session.execute(select(Proposal.id).where(
                Proposal.community_id == tyc.id)).scalars().first(),
            "spj_building": db.session.execute(select(Building.id).where(
                Building.community_id == spj.id).order_by(Building.id)).scalars().first(),
        }
        db.session.remove()
        return ids


def sweeps(i: dict[str, Any]) -> list[Sweep]:
    spj, jax, tyc = f"/c/{i['spj']}", f"/c/{i['jax']}", f"/c/{i['tyc']}"
    public = {
        "landing": "/",
        "login": "/login",
        "community-home-public": f"{jax}/",
        "decisions": f"{jax}/decisions",
        "minutes-public": f"{jax}/minutes/{i['minutes']}",
        "notice-public": f"{jax}/notices/{i['notice']}",
        "meeting-notice-public": f"{tyc}/meetings/{i['meeting']}/notice",
    }
    owner_spj = {
        "home": f"{spj}/",
        "proposals": f"{spj}/proposals",
        "proposal": f"{spj}/proposals/{i['open_proposal']}",
        "compare": f"{spj}/proposals/{i['open_proposal']}/compare",
        "ballot": f"{spj}/votes/{i['open_vote']}/ballot",
        "inbox": "/notifications",
        "preferences": "/notifications/preferences",
    }
    owner_jax = {
        "home": f"{jax}/",
        "proposal-closed": f"{jax}/proposals/{i['closed_proposal']}",
        "results": f"{jax}/votes/{i['closed_vote']}/results",
        "receipt": f"{jax}/votes/{i['closed_vote']}/receipt",
        "ballots": f"{jax}/votes/{i['closed_vote']}/ballots",
        "meetings": f"{jax}/meetings",
        "minutes": f"{jax}/minutes/{i['minutes']}",
        "notice": f"{jax}/notices/{i['notice']}",
        "decisions": f"{jax}/decisions",
    }
    committee_jax = {
        "home": f"{jax}/",
        "register": f"{jax}/register/",
        "register-units": f"{jax}/register/units",
        "register-upload": f"{jax}/register/upload",
        "register-claims": f"{jax}/register/claims",
        "members": f"{jax}/members",
        "desk": f"{jax}/votes/{i['closed_vote']}/desk",
        "results": f"{jax}/votes/{i['closed_vote']}/results",
        "proposal-new": f"{jax}/proposals/new",
    }
    vote = f"{spj}/votes/{i['open_vote']}"
    committee_spj = {  # the turnout drive on the open vote
        "home-desk": f"{spj}/",
        "vote-desk": f"{vote}/desk",
        "turnout": f"{vote}/turnout",
        "outstanding": f"{vote}/turnout/buildings/{i['spj_building']}",
        "volunteers": f"{spj}/volunteers",
        "printing": f"{vote}/printing",
        "paper-entry": f"{vote}/paper",
        "extend": f"{vote}/extend",
        "extensions": f"{vote}/extensions",
        "close-confirm": f"{vote}/close",
        "vote-settings": f"{spj}/vote-settings",
        "notifications-record": f"{spj}/notifications",
    }
    committee_tyc = {
        "meeting": f"{tyc}/meetings/{i['meeting']}",
        "proposal": f"{tyc}/proposals/{i['tyc_proposal']}",
    }
    return [Sweep("anonymous", public), Sweep("spj-owner", owner_spj),
            Sweep("jax-owner", owner_jax), Sweep("jax-committee", committee_jax),
            Sweep("spj-committee", committee_spj),
            Sweep("tyc-committee", committee_tyc)]


def _visit(page: Page, base: str, path: str, shot: str, found: list[str]) -> None:
    response = page.goto(base + path)
    assert response is not None and response.status < 400, (path, response and response.status)
    page.wait_for_load_state()
    if not path.startswith("/login"):
        assert "/login" not in page.url, f"{shot}: {path} sent to the login page"
    violations = axe_violations(page)
    if violations:
        found.append(f"== {shot} ({path})\n{_describe_violations(violations)}")
    out = ARTIFACTS / "a11y"
    out.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out / f"{shot}.png"), full_page=True)


@pytest.mark.parametrize("variant", sorted(VARIANTS))
@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_every_main_page_has_no_axe_violation(app: Flask, browser: Browser, live_server: str,
                                              tmp_path: Path, variant: str, lang: str) -> None:
    load_demo(app, tmp_path)
    found: list[str] = []
    visited = 0
    for sweep in sweeps(_ids(app)):
        ctx = _context(browser, locale=LOCALES[lang], **VARIANTS[variant])
        try:
            page = ctx.new_page()
            if sweep.persona != "anonymous":
                browser_login(page, live_server, sweep.persona, DEMO_PASSWORD)
                assert "/login" not in page.url, f"{sweep.persona} did not sign in"
            for name, path in sweep.pages.items():
                _visit(page, live_server, path, f"{variant}-{lang}-{sweep.persona}-{name}", found)
                visited += 1
        finally:
            ctx.close()
    assert visited >= 45
    assert not found, f"axe found violations on {len(found)} page(s):\n" + "\n".join(found)
