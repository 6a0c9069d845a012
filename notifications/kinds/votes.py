"""Kinds about votes: opened, closing, extended, a ballot in one's name, the result published,
the objection period ending, and proxy mandates granted or revoked."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select

from app.db import utcnow
from app.extensions import db
from app.i18n import community_tz
from app.law.words import N_, text
from app.register.models import Community, Unit
from notifications import audiences, links
from notifications.calendar import calendar, deadline_entry
from notifications.kinds.base import Kind, Recipient
from notifications.models import NotificationEvent
from notifications.texts import Texts, fit_sms, shorten, wechat_fields, when, word
from voting.models import ProxyMandate, Vote, VoteElector, VoteState


def vote_context(vote: Vote) -> dict[str, Any]:
    """What every vote message says: the proposal, the community, the deadline."""
    proposal = vote.proposal
    community = proposal.community
    return {"vote_id": vote.id, "proposal_id": proposal.id, "title": proposal.title,
            "community": community.name, "slug": community.slug,
            "opened_at": vote.opened_at.isoformat(), "closes_at": vote.closes_at.isoformat(),
            "tz": community_tz()}


def _vote(event: NotificationEvent) -> Vote:
    vote = db.session.get(Vote, int(event.payload["vote_id"]))
    if vote is None:
        raise LookupError(f"event {event.id}: no vote {event.payload['vote_id']}")
    return vote


def deadline_ics(context: dict[str, Any], lang: str) -> bytes:
    """The vote's deadline as a calendar entry."""
    summary = text(N_("表决截止：%(title)s"), lang, title=context["title"])
    return calendar([deadline_entry(
        vote_id=int(context["vote_id"]), summary=summary,
        closes_at=datetime.fromisoformat(context["closes_at"]),
        url=links.absolute(links.ballot_path(context["slug"], int(context["vote_id"]))))])


class VoteOpened(Kind):
    """A vote opened: everyone in its electorate, and their proxies."""

    name = "vote_opened"
    label = N_("表决开始")
    legal = True
    owner_audience = True

    def recipients(self, event: NotificationEvent) -> list[Recipient]:
        vote = _vote(event)
        return audiences.unique([*audiences.electorate_accounts(vote), *audiences.proxies(vote)])

    def audience_owners(self, event: NotificationEvent) -> list[int]:
        return audiences.electorate_owner_ids(int(event.payload["vote_id"]))

    def load(self, event: NotificationEvent) -> dict[str, Any]:
        return vote_context(_vote(event))

    def texts(self, context: dict[str, Any], lang: str, sign: str) -> Texts:
        closes = when(context["closes_at"], context["tz"])
        params = {"title": context["title"], "community": context["community"],
                  "closes": closes}
        return Texts(
            title=text(N_("表决开始：%(title)s"), lang, **params),
            body=text(N_("%(community)s的议题《%(title)s》已开始表决，%(closes)s 截止。请在截止前"
                         "投票；您也可以委托代理人，或向业委会领取纸质选票。"), lang, **params),
            url=links.ballot_path(context["slug"], int(context["vote_id"])),
            sms=fit_sms(N_("%(community)s《%(title)s》开始表决，%(closes)s截止，请登录议事投票。"),
                        lang, sign, shrink=("title", "community"), **params),
            wechat=wechat_fields(context["title"], closes,
                                 text(N_("请在截止前投票"), lang)))

    def calendar(self, context: dict[str, Any], lang: str) -> bytes | None:
        return deadline_ics(context, lang)


class VoteClosing(Kind):
    """A reminder before the close: only electors who have not taken part, and the proxies of
    those electors (a proxy can still vote for them); never anyone who has taken part."""

    name = "vote_closing"
    label = N_("表决截止提醒")
    urgent = True

    def recipients(self, event: NotificationEvent) -> list[Recipient]:
        vote = _vote(event)
        if vote.state != VoteState.OPEN:
            return []
        return audiences.unique([*audiences.electorate_accounts(vote, not_taken_part=True),
                                 *audiences.proxies(vote, not_taken_part=True)])

    def load(self, event: NotificationEvent) -> dict[str, Any]:
        return {**vote_context(_vote(event)), "hours": int(event.payload["hours"])}

    def texts(self, context: dict[str, Any], lang: str, sign: str) -> Texts:
        closes = when(context["closes_at"], context["tz"])
        params = {"title": context["title"], "closes": closes, "hours": context["hours"]}
        return Texts(
            title=text(N_("表决即将截止：%(title)s"), lang, **params),
            body=text(N_("《%(title)s》的表决将于 %(closes)s 截止（约 %(hours)s 小时后）。记录显示"
                         "您（或委托您投票的业主）尚未投票，请在截止前投票。"), lang, **params),
            url=links.ballot_path(context["slug"], int(context["vote_id"])),
            sms=fit_sms(N_("《%(title)s》%(closes)s截止，您尚未投票，请登录议事投票。"),
                        lang, sign, **params),
            wechat=wechat_fields(context["title"], closes, text(N_("您尚未投票"), lang)))

    def still_relevant(self, event: NotificationEvent, user_ids: Iterable[int]) -> set[int]:
        """Those who still have not taken part (nobody once the vote closed)."""
        wanted = set(user_ids)
        vote = db.session.get(Vote, int(event.payload["vote_id"]))
        if vote is None or vote.state != VoteState.OPEN or vote.closes_at <= utcnow():
            return set()
        absent = {r.user_id for r in audiences.electorate_accounts(vote, not_taken_part=True)}
        absent |= {r.user_id for r in audiences.proxies(vote, not_taken_part=True)}
        return wanted & absent

    def calendar(self, context: dict[str, Any], lang: str) -> bytes | None:
        return deadline_ics(context, lang)


class VoteExtended(Kind):
    """A vote's deadline moved later: its electorate and their proxies."""

    name = "vote_extended"
    label = N_("表决延期")
    owner_audience = True

    def recipients(self, event: NotificationEvent) -> list[Recipient]:
        vote = _vote(event)
        return audiences.unique([*audiences.electorate_accounts(vote), *audiences.proxies(vote)])

    def audience_owners(self, event: NotificationEvent) -> list[int]:
        return audiences.electorate_owner_ids(int(event.payload["vote_id"]))

    def load(self, event: NotificationEvent) -> dict[str, Any]:
        return {**vote_context(_vote(event)),
                "previous_closes_at": event.payload.get("previous_closes_at"),
                "reason": str(event.payload.get("reason") or "")}

    def texts(self, context: dict[str, Any], lang: str, sign: str) -> Texts:
        closes = when(context["closes_at"], context["tz"])
        params = {"title": context["title"], "closes": closes, "reason": context["reason"],
                  "previous": when(context["previous_closes_at"], context["tz"])}
        return Texts(
            title=text(N_("表决延期：%(title)s"), lang, **params),
            body=text(N_("《%(title)s》的表决截止时间由 %(previous)s 延至 %(closes)s。理由："
                         "%(reason)s"), lang, **params),
            url=links.ballot_path(context["slug"], int(context["vote_id"])),
            sms=fit_sms(N_("《%(title)s》表决延至%(closes)s截止，详见议事。"), lang, sign,
                        **params),
            wechat=wechat_fields(context["title"], closes, shorten(context["reason"], 20)))

    def calendar(self, context: dict[str, Any], lang: str) -> bytes | None:
        return deadline_ics(context, lang)


class TurnoutReminder(Kind):
    """The committee reminds the owners of one building who have not taken part (the turnout
    drive): the accounts of those owners who still have not when it goes out."""

    name = "turnout_reminder"
    label = N_("楼栋催票提醒")
    urgent = True
    owner_audience = True

    def _owners(self, event: NotificationEvent) -> set[int]:
        return {int(i) for i in event.payload.get("owner_ids") or []}

    def recipients(self, event: NotificationEvent) -> list[Recipient]:
        vote = _vote(event)
        if vote.state != VoteState.OPEN:
            return []
        owners = self._owners(event)
        return [r for r in audiences.electorate_accounts(vote, not_taken_part=True)
                if r.owner_id in owners]

    def audience_owners(self, event: NotificationEvent) -> list[int]:
        return sorted(self._owners(event))

    def load(self, event: NotificationEvent) -> dict[str, Any]:
        return {**vote_context(_vote(event)), "building": str(event.payload["building"])}

    def texts(self, context: dict[str, Any], lang: str, sign: str) -> Texts:
        closes = when(context["closes_at"], context["tz"])
        params = {"title": context["title"], "closes": closes, "building": context["building"],
                  "community": context["community"]}
        return Texts(
            title=text(N_("请参与表决：%(title)s"), lang, **params),
            body=text(N_("%(community)s %(building)s：记录显示您尚未参与《%(title)s》的表决，"
                         "表决将于 %(closes)s 截止。请在线投票，或向楼栋志愿者、业委会领取"
                         "纸质选票。"), lang, **params),
            url=links.ballot_path(context["slug"], int(context["vote_id"])),
            sms=fit_sms(N_("%(building)s业主：《%(title)s》%(closes)s截止，您尚未投票，请登录议事"
                           "投票。"), lang, sign, shrink=("title", "building"), **params),
            wechat=wechat_fields(context["title"], closes, text(N_("您尚未投票"), lang)))

    def still_relevant(self, event: NotificationEvent, user_ids: Iterable[int]) -> set[int]:
        """Those who still have not taken part (nobody once the vote closed)."""
        vote = db.session.get(Vote, int(event.payload["vote_id"]))
        if vote is None or vote.state != VoteState.OPEN or vote.closes_at <= utcnow():
            return set()
        owners = self._owners(event)
        absent = {r.user_id for r in audiences.electorate_accounts(vote, not_taken_part=True)
                  if r.owner_id in owners}
        return set(user_ids) & absent

    def calendar(self, context: dict[str, Any], lang: str) -> bytes | None:
        return deadline_ics(context, lang)


class BallotRecorded(Kind):
    """A ballot was recorded in an owner's name (by them, a proxy or a paper entry): every
    account linked to that owner hears of it at once — the first defence against forgery."""

    name = "ballot_recorded"
    label = N_("以我名义记录的选票")
    urgent = True

    def recipients(self, event: NotificationEvent) -> list[Recipient]:
        elector = db.session.get(VoteElector, int(event.payload["elector_id"]))
        if elector is None:
            return []
        vote = _vote(event)
        return audiences.owner_accounts(vote.community_id, [elector.owner_id])

    def load(self, event: NotificationEvent) -> dict[str, Any]:
        payload = event.payload
        return {**vote_context(_vote(event)), "receipt": payload["receipt"],
                "channel": payload["channel"], "cast_at": payload["cast_at"]}

    def texts(self, context: dict[str, Any], lang: str, sign: str) -> Texts:
        at = when(context["cast_at"], context["tz"])
        channel = str(context["channel"])
        params = {"title": context["title"], "at": at, "receipt": context["receipt"],
                  "channel": word(f"channel_{channel}", lang)}
        body = text(N_("%(at)s，一张以您名义投出的选票已记录在《%(title)s》的表决中。方式："
                       "%(channel)s。回执码：%(receipt)s（可在表决页核对）。"), lang, **params)
        return Texts(
            title=text(N_("您名下的选票已记录：%(title)s"), lang, **params),
            body=body + "\n" + word("not_you", lang),
            url=links.receipt_path(context["slug"], int(context["vote_id"])),
            sms=fit_sms(N_("您名下《%(title)s》选票已记录（%(channel)s），回执%(receipt)s，"
                           "非本人请联系业委会"), lang, sign, shrink=("title", "channel"),
                        **{**params, "channel": word(f"sms_{channel}", lang)}),
            wechat=wechat_fields(context["title"], at, text(N_("非本人操作请联系业委会"), lang)))


class BallotOrigin(Protocol):
    """What names a ballot's channel: a Ballot, a BallotConflict, a revision or a row of them."""

    ballot_no: str | None
    entered_by_id: int | None
    mandate_id: int | None


def ballot_channel(ballot: BallotOrigin) -> str:
    """How a ballot came in, as the message names it: online, proxy or paper."""
    if ballot.ballot_no is not None or ballot.entered_by_id is not None:
        return "paper"
    return "proxy" if ballot.mandate_id is not None else "online"


class ResultPublished(Kind):
    """A result notice was published: the vote's electorate."""

    name = "result_published"
    label = N_("表决结果公告")
    legal = True
    owner_audience = True

    def recipients(self, event: NotificationEvent) -> list[Recipient]:
        return audiences.electorate_accounts(_vote(event))

    def audience_owners(self, event: NotificationEvent) -> list[int]:
        return audiences.electorate_owner_ids(int(event.payload["vote_id"]))

    def load(self, event: NotificationEvent) -> dict[str, Any]:
        return {**vote_context(_vote(event)), "notice_id": int(event.payload["notice_id"]),
                "passed": bool(event.payload["passed"]),
                "objection_ends_at": event.payload.get("objection_ends_at")}

    def texts(self, context: dict[str, Any], lang: str, sign: str) -> Texts:
        outcome = word("passed" if context["passed"] else "not_passed", lang)
        ends = when(context.get("objection_ends_at"), context["tz"])
        params = {"title": context["title"], "outcome": outcome, "ends": ends}
        body = text(N_("《%(title)s》的表决结果已公告：%(outcome)s。"), lang, **params)
        if ends:
            body += text(N_("如有异议，请在 %(ends)s 前提出。"), lang, **params)
        return Texts(
            title=text(N_("表决结果公告：%(title)s"), lang, **params), body=body,
            url=links.notice_path(context["slug"], int(context["notice_id"])),
            sms=fit_sms(N_("《%(title)s》表决结果已公告：%(outcome)s，详见议事。"), lang, sign,
                        **params),
            wechat=wechat_fields(context["title"], when(utcnow().isoformat(), context["tz"]),
                                 outcome))


class ObjectionPeriodEnding(Kind):
    """The objection period (异议期) of a published result ends soon: the vote's electorate."""

    name = "objection_period_ending"
    label = N_("异议期即将结束")

    def recipients(self, event: NotificationEvent) -> list[Recipient]:
        return audiences.electorate_accounts(_vote(event))

    def load(self, event: NotificationEvent) -> dict[str, Any]:
        return {**vote_context(_vote(event)), "notice_id": int(event.payload["notice_id"]),
                "objection_ends_at": event.payload["objection_ends_at"]}

    def texts(self, context: dict[str, Any], lang: str, sign: str) -> Texts:
        ends = when(context["objection_ends_at"], context["tz"])
        params = {"title": context["title"], "ends": ends}
        return Texts(
            title=text(N_("异议期即将结束：%(title)s"), lang, **params),
            body=text(N_("《%(title)s》表决结果的异议期将于 %(ends)s 结束。如对结果或您的选票记录"
                         "有异议，请在此之前提出。"), lang, **params),
            url=links.notice_path(context["slug"], int(context["notice_id"])),
            sms=fit_sms(N_("《%(title)s》结果异议期%(ends)s结束，如有异议请及时提出。"), lang,
                        sign, **params),
            wechat=wechat_fields(context["title"], ends, text(N_("如有异议请及时提出"), lang)))


def _units_of(owner_id: int) -> str:
    units = db.session.execute(select(Unit).where(Unit.owner_id == owner_id)
                               .order_by(Unit.id)).scalars().all()
    return ", ".join(u.label for u in units)


class _Mandate(Kind):
    """A proxy mandate: the mandator's accounts and the holder."""

    urgent = True

    def recipients(self, event: NotificationEvent) -> list[Recipient]:
        mandate = db.session.get(ProxyMandate, int(event.payload["mandate_id"]))
        if mandate is None:
            return []
        return audiences.unique([
            *audiences.owner_accounts(mandate.community_id, [mandate.mandator_id]),
            Recipient(mandate.holder_id)])

    def load(self, event: NotificationEvent) -> dict[str, Any]:
        mandate = db.session.get(ProxyMandate, int(event.payload["mandate_id"]))
        if mandate is None:
            raise LookupError(f"event {event.id}: no mandate")
        vote = db.session.get(Vote, mandate.vote_id) if mandate.vote_id else None
        community = db.session.get(Community, mandate.community_id)
        return {"mandate_id": mandate.id, "holder": mandate.holder.name,
                "units": _units_of(mandate.mandator_id),
                "slug": community.slug if community else "",
                "vote_title": vote.proposal.title if vote else "",
                "vote_id": vote.id if vote else None,
                "valid_from": mandate.valid_from.isoformat() if mandate.valid_from else None,
                "valid_until": mandate.valid_until.isoformat() if mandate.valid_until else None,
                "tz": community_tz()}

    @staticmethod
    def scope(context: dict[str, Any], lang: str) -> str:
        """The vote of the mandate, or its period."""
        if context["vote_title"]:
            return text(N_("表决《%(title)s》"), lang, title=context["vote_title"])
        return text(N_("%(start)s 至 %(end)s"), lang,
                    start=when(context["valid_from"], context["tz"]),
                    end=when(context["valid_until"], context["tz"]))

    def _path(self, context: dict[str, Any]) -> str:
        if context["vote_id"] and context["slug"]:
            return f"/c/{context['slug']}/votes/{context['vote_id']}/proxy"
        return f"/c/{context['slug']}/" if context["slug"] else "/"


class MandateGranted(_Mandate):
    """A mandate was recorded."""

    name = "mandate_granted"
    label = N_("代理授权登记")

    def texts(self, context: dict[str, Any], lang: str, sign: str) -> Texts:
        params = {"holder": context["holder"], "units": context["units"],
                  "scope": self.scope(context, lang)}
        return Texts(
            title=text(N_("代理授权已登记"), lang),
            body=text(N_("已登记委托书：%(holder)s 可代表业主 %(units)s 投票（%(scope)s）。如非"
                         "业主本人委托，请立即联系业委会。"), lang, **params),
            url=self._path(context),
            sms=fit_sms(N_("已登记%(holder)s代%(units)s投票的委托书，非本人委托请联系业委会"),
                        lang, sign, shrink=("units", "holder"), **params),
            wechat=wechat_fields(text(N_("代理授权已登记"), lang),
                                 when(utcnow().isoformat(), context["tz"]),
                                 f"{context['holder']} {context['units']}"))


class MandateRevoked(_Mandate):
    """A mandate was revoked."""

    name = "mandate_revoked"
    label = N_("代理授权撤销")

    def texts(self, context: dict[str, Any], lang: str, sign: str) -> Texts:
        params = {"holder": context["holder"], "units": context["units"],
                  "scope": self.scope(context, lang)}
        return Texts(
            title=text(N_("代理授权已撤销"), lang),
            body=text(N_("%(holder)s 代表业主 %(units)s 投票的委托（%(scope)s）已撤销。"), lang,
                      **params),
            url=self._path(context),
            sms=fit_sms(N_("%(holder)s代%(units)s投票的委托已撤销，详见议事。"), lang, sign,
                        shrink=("units", "holder"), **params),
            wechat=wechat_fields(text(N_("代理授权已撤销"), lang),
                                 when(utcnow().isoformat(), context["tz"]),
                                 f"{context['holder']} {context['units']}"))

