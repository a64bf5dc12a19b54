"""Helpers for the API stories: a valid supporter, looks into the database and the mailbox."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from pathlib import Path

from sqlalchemy import func, select

from petition_api.models import Outbox, Signature

from ..conftest import database

PETITION = "paid-family-leave"
SIGN_URL = f"/api/petitions/{PETITION}/signatures"
CONFIRM_LINK = re.compile(r"http://127\.0\.0\.1:8000(/confirm/[A-Za-z0-9_-]+)")


def supporter(**overrides) -> dict:
    """A valid signature from a supporter in Manhattan."""
    fields = {
        "first_name": "Maria",
        "last_name": "Hernandez",
        "email": "maria.hernandez@example.org",
        "street": "350 Fifth Avenue",
        "city": "New York",
        "state": "NY",
        "zip": "10118",
        "comment": "My daughter needed WIC when she was born.",
        "email_updates": True,
    }
    fields.update(overrides)
    return {k: v for k, v in fields.items() if v is not None}


def signatures(app, **where) -> list[Signature]:
    with database(app) as session:
        query = select(Signature).order_by(Signature.id)
        for field, value in where.items():
            query = query.where(getattr(Signature, field) == value)
        return list(session.scalars(query))


def outbox(app) -> list[Outbox]:
    with database(app) as session:
        return list(session.scalars(select(Outbox).order_by(Outbox.id)))


def row_count(app, model) -> int:
    with database(app) as session:
        return session.scalar(select(func.count()).select_from(model))


def send_mail(runner) -> None:
    result = runner.invoke(args=["mail", "send", "--once"])
    assert result.exit_code == 0, (result.output, result.exc_info)


def mailbox(app) -> list:
    """The messages the file backend wrote, oldest first."""
    return [
        message_from_bytes(path.read_bytes(), policy=policy.default)
        for path in sorted(Path(app.config["MAIL_DIR"]).glob("*.eml"))
    ]


def confirm_path(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return CONFIRM_LINK.search(text).group(1)
