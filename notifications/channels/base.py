"""The one small interface every channel implements: `send(message) -> Result`.

A channel never raises for a refusal: a refused or unreachable gateway is a `Result` with
`ok=False` and the gateway's answer, which the delivery records (no fake success).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from notifications.models import ChannelName
from notifications.texts import Texts


@dataclass(frozen=True)
class Attachment:
    """A file sent with an e-mail (an .ics calendar entry)."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Message:
    """One message to one address on one channel."""

    channel: ChannelName
    #: the verified address: e-mail, phone number or WeChat openid
    address: str
    #: a kind's name ("verify" for a verification code)
    kind: str
    lang: str
    texts: Texts
    #: unique per delivery ("delivery-123"): the gateways' idempotency key, the Message-ID
    reference: str
    vote_id: int | None = None
    #: the signed one-click unsubscribe URL (e-mail), if the kind may be unsubscribed
    unsubscribe_url: str = ""
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Result:
    """What the gateway answered."""

    ok: bool
    #: SMTP reply, or HTTP status and the start of the body, or the connection error
    answer: str
    #: retrying cannot change it (a refused recipient, a malformed request)
    permanent: bool = False


class Channel(Protocol):
    """Sends one message and says what the gateway answered."""

    name: ChannelName

    def send(self, message: Message) -> Result:
        """Send the message; never raise for the gateway's refusal."""
        ...


#: longest gateway answer kept on a delivery
ANSWER_CHARS = 500


def excerpt(answer: str) -> str:
    """The answer as stored: at most ANSWER_CHARS characters."""
    return answer if len(answer) <= ANSWER_CHARS else answer[:ANSWER_CHARS - 1] + "…"
