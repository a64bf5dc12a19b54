"""Helpers for the bounce and complaint stories: supporters made by signing and confirming,
a sent update to bounce, signed deliveries, and looks at what changed."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from sqlalchemy import select

from petition_api.mail import message_ids
from petition_api.models import (
    ConsentEvent,
    DeliveryEvent,
    EventReceipt,
    Mailing,
    Outbox,
    OutboxStatus,
    Priority,
    Supporter,
)

from ..conftest import database, prepared_app
from .support import SIGN_URL, confirm_path, mailbox, send_mail, supporter

SECRET = "a-shared-secret-between-the-relay-and-us-0123456789"
EVENTS_URL = "/api/mail/events"


def events_app(database_url, tmp_path, **settings):
    """An app that takes delivery events signed with SECRET."""
    settings = {"MAIL_EVENTS_SECRET": SECRET, "MAIL_EVENTS_MAX_AGE": 300} | settings
    return prepared_app(database_url, tmp_path, **settings)


def becomes_supporter(app, **person) -> Supporter:
    """They sign with the updates box ticked and press the button in their email."""
    client, runner = app.test_client(), app.test_cli_runner()
    fields = supporter(**person)
    assert client.post(SIGN_URL, json=fields).status_code in (200, 201)
    send_mail(runner)
    [message] = [m for m in mailbox(app) if m["To"] == fields["email"]]
    assert client.post(confirm_path(message)).status_code == 200
    found = supporter_row(app, fields["email"])
    assert found.status == "subscribed"
    return found


def supporter_row(app, email: str) -> Supporter | None:
    with database(app) as session:
        return session.scalar(select(Supporter).where(Supporter.email == email))


def status_of(app, email: str) -> str:
    return str(supporter_row(app, email).status)


def an_update_sent_to(app, person: Supporter) -> tuple[int, str]:
    """A mailing and its sent message to `person`: the mailing's id and the Message-ID
    our messages carry (message_ids.py: `<time.pid.random.outbox-<row>-<tag>@domain>`)."""
    with database(app) as session:
        mailing = Mailing(
            name="2026-12-03-delivered",
            sha256="0" * 64,
            subject="We delivered your signatures",
            body="Hello {{ first_name }}",
            audience="all",
            queued_by="staff",
        )
        session.add(mailing)
        session.flush()
        row = Outbox(
            kind="update",
            supporter_id=person.id,
            mailing_id=mailing.id,
            priority=Priority.BULK,
            status=OutboxStatus.SENT,
        )
        session.add(row)
        session.flush()
        with app.app_context():
            idstring = message_ids.idstring(row.id)
        return mailing.id, f"<1764756000.4242.987654321.{idstring}@localhost>"


def delivery_events(app) -> list[DeliveryEvent]:
    with database(app) as session:
        return list(session.scalars(select(DeliveryEvent).order_by(DeliveryEvent.id)))


def consent_events(app, person: Supporter) -> list[ConsentEvent]:
    with database(app) as session:
        return list(
            session.scalars(
                select(ConsentEvent)
                .where(ConsentEvent.supporter_id == person.id)
                .order_by(ConsentEvent.id)
            )
        )


def receipts(app) -> list[EventReceipt]:
    with database(app) as session:
        return list(session.scalars(select(EventReceipt)))


def signature(body: bytes, secret: str = SECRET, t: int | None = None) -> str:
    """What a relay sends: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">."""
    t = int(time.time()) if t is None else t
    v1 = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={v1}"


def post_events(client, payload, format: str | None = None, content_type="application/json",
                **signing):  # fmt: skip
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    url = EVENTS_URL + (f"?format={format}" if format else "")
    headers = {"Groundswell-Signature": signature(body, **signing), "Content-Type": content_type}
    return client.post(url, data=body, headers=headers)


def event(kind: str = "bounce", email: str = "maria.hernandez@example.org", **more) -> dict:
    fields = {"type": kind, "email": email}
    if kind == "bounce":
        fields["permanent"] = True
    return fields | more
