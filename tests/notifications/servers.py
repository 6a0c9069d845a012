"""Real local servers the notification tests talk to: an SMTP server (aiosmtpd) and an HTTP
receiver (http.server in a thread) standing in for the SMS and WeChat gateways. Each keeps
what it received and lets a test wait for a condition with a deadline (never a sleep)."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

DEADLINE = 20.0


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Inbox:
    """Things received, and a condition to wait on until a predicate holds."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._changed = threading.Condition()

    def add(self, item: Any) -> None:
        with self._changed:
            self.items.append(item)
            self._changed.notify_all()

    def wait_for(self, predicate: Callable[[list[Any]], bool], timeout: float = DEADLINE) -> None:
        """Wait until `predicate(items)` holds; fail the test at the deadline."""
        with self._changed:
            if not self._changed.wait_for(lambda: predicate(self.items), timeout):
                raise AssertionError(f"not received within {timeout} s: {len(self.items)} "
                                     "items so far")


@dataclass
class Mail:
    """One message as the SMTP server received it."""

    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class SmtpHandler:
    """aiosmtpd handler: keeps every message; refuses the recipients listed in `refuse`."""

    received: Inbox = field(default_factory=Inbox)
    refuse: set[str] = field(default_factory=set)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        if address in self.refuse:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.add(Mail(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 2.0.0 Message accepted for delivery"


@contextmanager
def smtp_server() -> Iterator[tuple[str, SmtpHandler]]:
    """A running SMTP server: its URL (smtp://127.0.0.1:port) and its handler."""
    handler = SmtpHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield f"smtp://127.0.0.1:{port}", handler
    finally:
        controller.stop()


@dataclass
class Post:
    """One JSON POST as the gateway received it."""

    path: str
    body: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Gateway:
    """What the HTTP receiver answers: a status and a JSON body (per path prefix)."""

    received: Inbox = field(default_factory=Inbox)
    status: int = 200
    answer: dict[str, Any] = field(default_factory=lambda: {"code": "OK", "message": "accepted"})

    def posts(self, prefix: str) -> list[Post]:
        """What was posted under a path prefix (/sms or /wechat)."""
        return [p for p in self.received.items if p.path.startswith(prefix)]


@contextmanager
def http_gateway() -> Iterator[tuple[str, Gateway]]:
    """A running HTTP receiver: its base URL and its state."""
    gateway = Gateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            reply = json.dumps(gateway.answer).encode()
            gateway.received.add(Post(self.path, body, dict(self.headers)))
            self.send_response(gateway.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", gateway
    finally:
        server.shutdown()
        server.server_close()
