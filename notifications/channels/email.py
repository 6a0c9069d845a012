"""E-mail over SMTP with the standard library (`YISHI_SMTP_URL`, `YISHI_MAIL_FROM`): multipart
text + HTML, the kind and vote in `X-Yishi-*` headers, RFC 8058 one-click unsubscribe, an .ics
attachment where the message has a date. One connection serves a batch of messages."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formataddr, formatdate, make_msgid
from html import escape
from types import TracebackType
from urllib.parse import unquote, urlsplit

from notifications.channels.base import Message, Result, excerpt
from notifications.models import ChannelName

#: seconds an SMTP exchange may take
TIMEOUT = 20.0


@dataclass(frozen=True)
class SmtpServer:
    """Where to send: host, port, TLS from the start (smtps) and the login, if any."""

    host: str
    port: int
    tls: bool = False
    username: str = ""
    password: str = ""

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        """`smtp://host:port` or `smtps://user:pass@host:port`."""
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError(f"YISHI_SMTP_URL must be smtp://host:port or smtps://..., not {url!r}")
        tls = parts.scheme == "smtps"
        return cls(parts.hostname, parts.port or (465 if tls else 25), tls,
                   unquote(parts.username or ""), unquote(parts.password or ""))


def build_email(message: Message, sender: str, html: str) -> EmailMessage:
    """The e-mail: text and HTML alternatives, Yishi's headers, attachments."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = formataddr(("", message.address))
    mail["Subject"] = message.texts.title
    mail["Date"] = formatdate(localtime=False)
    mail["Message-ID"] = make_msgid(idstring=message.reference, domain="yishi")
    mail["X-Yishi-Kind"] = message.kind
    if message.vote_id is not None:
        mail["X-Yishi-Vote"] = str(message.vote_id)
    if message.unsubscribe_url:
        mail["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    mail.set_content(plain_text(message), cte="quoted-printable")
    mail.add_alternative(html, subtype="html", cte="quoted-printable")
    for attachment in message.attachments:
        maintype, subtype = attachment.content_type.split("/", 1)
        mail.add_attachment(attachment.data, maintype=maintype, subtype=subtype,
                            filename=attachment.filename)
    # last: set_content and each multipart step move the Content-* headers set before them
    mail["Content-Language"] = "zh-CN" if message.lang == "zh" else "en"
    return mail


def plain_text(message: Message) -> str:
    """The text part: the body, then the link."""
    from notifications.links import absolute

    return f"{message.texts.body}\n\n{absolute(message.texts.url)}\n"


def simple_html(message: Message) -> str:
    """A minimal HTML part (the app renders a template instead; see `notifications.render`)."""
    return f"<p>{escape(message.texts.body)}</p>"


@dataclass
class SmtpChannel:
    """Sends over one SMTP connection, opened on first use and reconnected once if dropped."""

    server: SmtpServer
    sender: str
    render_html: Callable[[Message], str] | None = None
    name: ChannelName = ChannelName.EMAIL
    _smtp: smtplib.SMTP | None = field(default=None, repr=False)

    def __enter__(self) -> SmtpChannel:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        if self._smtp is None:
            if self.server.tls:
                self._smtp = smtplib.SMTP_SSL(self.server.host, self.server.port,
                                              timeout=TIMEOUT,
                                              context=ssl.create_default_context())
            else:
                self._smtp = smtplib.SMTP(self.server.host, self.server.port, timeout=TIMEOUT)
            self._smtp.ehlo()
            if self.server.username:
                self._smtp.login(self.server.username, self.server.password)
        return self._smtp

    def close(self) -> None:
        """End the SMTP session."""
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def _html(self, message: Message) -> str:
        render = self.render_html
        return render(message) if render is not None else simple_html(message)

    def send(self, message: Message) -> Result:
        """MAIL, RCPT, DATA; the server's reply to DATA is the answer recorded."""
        mail = build_email(message, self.sender, self._html(message))
        for attempt in (1, 2):
            try:
                return self._exchange(mail, message.address)
            except smtplib.SMTPServerDisconnected as error:
                self._smtp = None
                if attempt == 2:
                    return Result(False, excerpt(f"disconnected: {error}"))
            except (smtplib.SMTPException, OSError) as error:
                self.close()
                return Result(False, excerpt(f"{type(error).__name__}: {error}"))
        return Result(False, "not sent")  # pragma: no cover - the loop always returns

    def _exchange(self, mail: EmailMessage, address: str) -> Result:
        smtp = self._connect()
        code, reply = smtp.mail(self.sender_address())
        if code != 250:
            smtp.rset()
            return Result(False, excerpt(f"{code} {reply.decode(errors='replace')}"),
                          permanent=500 <= code < 600)
        code, reply = smtp.rcpt(address)
        if code not in (250, 251):
            smtp.rset()
            return Result(False, excerpt(f"{code} {reply.decode(errors='replace')}"),
                          permanent=500 <= code < 600)
        code, reply = smtp.data(mail.as_bytes(policy=SMTP))
        answer = excerpt(f"{code} {reply.decode(errors='replace')}")
        return Result(code == 250, answer, permanent=500 <= code < 600)

    def sender_address(self) -> str:
        """The bare address of `YISHI_MAIL_FROM` (which may carry a display name)."""
        from email.utils import parseaddr

        return parseaddr(self.sender)[1] or self.sender
