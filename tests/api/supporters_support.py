"""Supporters made the way people become supporters: they sign, and press the emailed button."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from petition_api.models import Supporter

from ..conftest import database
from .support import SIGN_URL, send_mail, supporter

LINK = re.compile(r"http://127\.0\.0\.1:8000(/[a-z]+/[A-Za-z0-9_-]+)")

UPDATE = """---
subject: We delivered your signatures
preheader: What the offices said
audience: all
---
Hello {{ first_name }},

We delivered **230,000 signatures** to Congress this week.
"""


def links(message) -> list[str]:
    return LINK.findall(message.get_body(("plain",)).get_content())


def confirm_everyone(client, runner, messages) -> None:
    """Send what is queued, then press the button in every confirmation email.
    `messages`: an SMTP inbox's list, or a function that reads the mail folder."""
    send_mail(runner)
    for message in list(messages() if callable(messages) else messages):
        for link in links(message):
            if link.startswith("/confirm/"):
                client.post(link)


def becomes_supporter(client, runner, messages, sign_url: str = SIGN_URL, **person) -> None:
    client.post(sign_url, json=supporter(**person))
    confirm_everyone(client, runner, messages)


def supporter_row(app, email: str) -> Supporter | None:
    with database(app) as session:
        return session.scalar(select(Supporter).where(Supporter.email == email))


def update_file(tmp_path: Path, text: str = UPDATE, name: str = "2026-12-03-delivered.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path
