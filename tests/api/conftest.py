"""Fixtures for the petition API stories."""

from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from ..conftest import free_port, prepared_app
from .support import SIGN_URL, supporter


@pytest.fixture
def sign(client):
    def sign(**overrides):
        return client.post(SIGN_URL, json=supporter(**overrides))

    return sign


class Inbox:
    """An aiosmtpd handler that keeps every message; can be told to refuse."""

    def __init__(self):
        self.messages = []
        self.refuse_with: str | None = None
        self.refuse_recipients_with: str | None = None  # {address} is the recipient

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_recipients_with:
            return self.refuse_recipients_with.format(address=address)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_with:
            return self.refuse_with
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


@pytest.fixture
def smtp_app(database_url, tmp_path, smtp_server):
    controller, _ = smtp_server
    app = prepared_app(
        database_url,
        tmp_path,
        MAIL_BACKEND="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=controller.port,
        SMTP_SECURITY="none",
        SMTP_TIMEOUT=5.0,
    )
    yield app
    app.extensions["engine"].dispose()
