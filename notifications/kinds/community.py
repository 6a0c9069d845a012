"""Kinds about the community: a meeting noticed, replies in a discussion, an account linked to
its owner, and the daily digest that carries the messages of a day."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.accounts.models import ClaimCode, User
from app.db import utcnow
from app.extensions import db
from app.i18n import community_tz
from app.law.words import N_, text
from app.register.models import Community, Unit
from meetings.models import Meeting
from meetings.rules import MeetingKind
from notifications import audiences, links
from notifications.calendar import calendar, meeting_entry
from notifications.kinds.base import Kind, Recipient
from notifications.models import ChannelName, NotificationEvent
from notifications.texts import Texts, fit_sms, shorten, wechat_fields, when
from proposals.comment_models import Comment
from proposals.models import Proposal

MEETING_KINDS = {MeetingKind.OWNERS_ASSEMBLY.value: N_("业主大会"),
                 MeetingKind.COMMITTEE_MEETING.value: N_("业委会会议"),
                 MeetingKind.DELIBERATION_MEETING.value: N_("议事会")}
#: characters of a comment quoted in a message
EXCERPT = 120
INBOX_AND_EMAIL = (ChannelName.INBOX, ChannelName.EMAIL)


class MeetingNoticed(Kind):
    """A meeting's notice was published: an owners' assembly reaches every owner, a committee
    meeting the committee, a deliberation meeting every member. E-mails carry an .ics."""

    name = "meeting_noticed"
    label = N_("会议通知")
    legal = True
    owner_audience = True

    def _meeting(self, event: NotificationEvent) -> Meeting:
        meeting = db.session.get(Meeting, int(event.payload["meeting_id"]))
        if meeting is None:
            raise LookupError(f"event {event.id}: no meeting")
        return meeting

    def recipients(self, event: NotificationEvent) -> list[Recipient]:
        meeting = self._meeting(event)
        if meeting.kind == MeetingKind.OWNERS_ASSEMBLY:
            return audiences.community_owner_accounts(meeting.community_id)
        staff = meeting.kind == MeetingKind.COMMITTEE_MEETING
        return audiences.community_members(meeting.community_id, staff_only=staff)

    def audience_owners(self, event: NotificationEvent) -> list[int]:
        meeting = self._meeting(event)
        if meeting.kind != MeetingKind.OWNERS_ASSEMBLY:
            return []
        return audiences.community_owner_ids(meeting.community_id)

    def load(self, event: NotificationEvent) -> dict[str, Any]:
        meeting = self._meeting(event)
        return {"meeting_id": meeting.id, "title": meeting.title, "kind": meeting.kind.value,
                "community": meeting.community.name, "slug": meeting.community.slug,
                "starts_at": meeting.starts_at.isoformat(),
                "place": meeting.place or meeting.online_url,
                "agenda": [item.proposal.title for item in meeting.agenda],
                "tz": community_tz()}

    def texts(self, context: dict[str, Any], lang: str, sign: str) -> Texts:
        starts = when(context["starts_at"], context["tz"])
        agenda = "；".join(context["agenda"]) or "—"
        params = {"title": context["title"], "community": context["community"],
                  "starts": starts, "place": context["place"], "agenda": agenda,
                  "kind": text(MEETING_KINDS[context["kind"]], lang)}
        return Texts(
            title=text(N_("会议通知：%(title)s"), lang, **params),
            body=text(N_("%(community)s将于 %(starts)s 召开%(kind)s《%(title)s》，地点：%(place)s。"
                         "议程：%(agenda)s"), lang, **params),
            url=links.meeting_notice_path(context["slug"], int(context["meeting_id"])),
            sms=fit_sms(N_("%(community)s%(starts)s召开《%(title)s》，地点%(place)s，详见议事。"),
                        lang, sign, shrink=("title", "place", "community"), **params),
            wechat=wechat_fields(context["title"], starts, context["place"]))

    def calendar(self, context: dict[str, Any], lang: str) -> bytes | None:
        from datetime import datetime

        entry = meeting_entry(
            meeting_id=int(context["meeting_id"]), title=context["title"],
            starts_at=datetime.fromisoformat(context["starts_at"]), place=context["place"],
            url=links.absolute(links.meeting_notice_path(context["slug"],
                                                         int(context["meeting_id"]))),
            description="；".join(context["agenda"]))
        return calendar([entry])


def _excerpt(body: str) -> str:
    return shorten(" ".join(body.split()), EXCERPT)


def _comment_context(comment: Comment) -> dict[str, Any]:
    proposal = db.session.get(Proposal, comment.proposal_id)
    if proposal is None:
        raise LookupError(f"comment {comment.id}: no proposal")
    return {"comment_id": comment.id, "proposal_id": proposal.id, "title": proposal.title,
            "slug": proposal.community.slug, "author": comment.author.name if comment.author
            else "", "excerpt": _excerpt(comment.body), "tz": community_tz(),
            "at": comment.created_at.isoformat()}


def _comment(event: NotificationEvent) -> Comment:
    comment = db.session.get(Comment, int(event.payload["comment_id"]))
    if comment is None:
        raise LookupError(f"event {event.id}: no comment")
    return comment


class CommentReply(Kind):
    """Someone replied to my comment."""

    name = "comment_reply"
    label = N_("评论回复")
    default_channels = INBOX_AND_EMAIL

    def recipients(self, event: NotificationEvent) -> list[Recipient]:
        comment = _comment(event)
        parent = db.session.get(Comment, comment.parent_id) if comment.parent_id else None
        if parent is None or parent.author_id is None or parent.author_id == comment.author_id:
            return []
        return [Recipient(parent.author_id)]

    def load(self, event: NotificationEvent) -> dict[str, Any]:
        return _comment_context(_comment(event))

    def texts(self, context: dict[str, Any], lang: str, sign: str) -> Texts:
        params = {"author": context["author"], "title": context["title"],
                  "excerpt": context["excerpt"]}
        return Texts(
            title=text(N_("%(author)s 回复了您的评论"), lang, **params),
            body=text(N_("%(author)s 在《%(title)s》的讨论中回复了您：%(excerpt)s"), lang,
                      **params),
            url=links.proposal_path(context["slug"], int(context["proposal_id"]),
                                    f"comment-{context['comment_id']}"),
            sms=fit_sms(N_("%(author)s在《%(title)s》回复了您，详见议事。"), lang, sign,
                        shrink=("title", "author"), **params),
            wechat=wechat_fields(context["title"], when(context["at"], context["tz"]),
                                 context["excerpt"]))


class OfficialReply(Kind):
    """The committee posted an official reply on a proposal I commented on."""

    name = "official_reply"
    label = N_("业委会官方回复")
    default_channels = INBOX_AND_EMAIL

    def recipients(self, event: NotificationEvent) -> list[Recipient]:
        comment = _comment(event)
        authors = db.session.execute(
            select(Comment.author_id).distinct()
            .where(Comment.proposal_id == comment.proposal_id, Comment.author_id.is_not(None),
                   Comment.author_id != comment.author_id, Comment.id != comment.id)
            .order_by(Comment.author_id)).scalars()
        return [Recipient(author_id) for author_id in authors if author_id is not None]

    def load(self, event: NotificationEvent) -> dict[str, Any]:
        return _comment_context(_comment(event))

    def texts(self, context: dict[str, Any], lang: str, sign: str) -> Texts:
        params = {"title": context["title"], "excerpt": context["excerpt"]}
        return Texts(
            title=text(N_("业委会官方回复：%(title)s"), lang, **params),
            body=text(N_("业委会在您参与讨论的《%(title)s》中发布了官方回复：%(excerpt)s"), lang,
                      **params),
            url=links.proposal_path(context["slug"], int(context["proposal_id"]),
                                    f"comment-{context['comment_id']}"),
            sms=fit_sms(N_("业委会在《%(title)s》发布了官方回复，详见议事。"), lang, sign,
                        **params),
            wechat=wechat_fields(context["title"], when(context["at"], context["tz"]),
                                 context["excerpt"]))


class ClaimConfirmed(Kind):
    """The committee confirmed my claim: my account now votes for my owner."""

    name = "claim_confirmed"
    label = N_("业主身份确认")
    default_channels = INBOX_AND_EMAIL

    def recipients(self, event: NotificationEvent) -> list[Recipient]:
        claim = db.session.get(ClaimCode, int(event.payload["claim_id"]))
        if claim is None or claim.claimed_by_id is None:
            return []
        return [Recipient(claim.claimed_by_id, claim.owner_id)]

    def load(self, event: NotificationEvent) -> dict[str, Any]:
        claim = db.session.get(ClaimCode, int(event.payload["claim_id"]))
        if claim is None:
            raise LookupError(f"event {event.id}: no claim")
        community = db.session.get(Community, claim.community_id)
        units = db.session.execute(select(Unit).where(Unit.owner_id == claim.owner_id)
                                   .order_by(Unit.id)).scalars().all()
        return {"community": community.name if community else "",
                "slug": community.slug if community else "",
                "units": ", ".join(u.label for u in units), "tz": community_tz(),
                "at": (claim.confirmed_at or utcnow()).isoformat()}

    def texts(self, context: dict[str, Any], lang: str, sign: str) -> Texts:
        params = {"community": context["community"], "units": context["units"]}
        return Texts(
            title=text(N_("账户已关联业主身份"), lang),
            body=text(N_("业委会已确认：您的账户已关联%(community)s的业主 %(units)s，现在可以参加"
                         "表决。"), lang, **params),
            url=f"/c/{context['slug']}/",
            sms=fit_sms(N_("您的账户已关联%(community)s业主%(units)s，可参加表决。"), lang, sign,
                        shrink=("units", "community"), **params),
            wechat=wechat_fields(text(N_("账户已关联业主身份"), lang),
                                 when(context["at"], context["tz"]), context["units"]))


class Digest(Kind):
    """The daily digest: one message per person and day carrying what waited for it."""

    name = "digest"
    label = N_("每日摘要")
    urgent = True
    selectable = False
    default_channels = (ChannelName.EMAIL, ChannelName.SMS, ChannelName.WECHAT)

    def recipients(self, event: NotificationEvent) -> list[Recipient]:
        user = db.session.get(User, int(event.payload["user_id"]))
        return [Recipient(user.id)] if user is not None else []

    def load(self, event: NotificationEvent) -> dict[str, Any]:
        from notifications.kinds import get_kind

        carried = db.session.execute(select(NotificationEvent).where(
            NotificationEvent.id.in_([int(i) for i in event.payload["event_ids"]]))
            .order_by(NotificationEvent.id)).scalars().all()
        items = []
        for other in carried:
            kind = get_kind(other.kind)
            items.append({lang: {"title": kind.texts(other.context, lang, "").title,
                                 "url": kind.texts(other.context, lang, "").url}
                          for lang in ("zh", "en")})
        return {"items": items, "count": len(items), "day": event.payload["day"],
                "tz": community_tz()}

    def texts(self, context: dict[str, Any], lang: str, sign: str) -> Texts:
        count = int(context["count"])
        lines = [f"· {item[lang]['title']} — {links.absolute(item[lang]['url'])}"
                 for item in context["items"]]
        return Texts(
            title=text(N_("议事每日摘要：%(count)s 条新通知"), lang, count=count),
            body="\n".join(lines), url="/notifications",
            sms=fit_sms(N_("您今天有%(count)s条新通知，请登录议事查看。"), lang, sign, count=count),
            wechat=wechat_fields(text(N_("每日摘要"), lang), str(context["day"]),
                                 text(N_("%(count)s 条新通知"), lang, count=count)))
