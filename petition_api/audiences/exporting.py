"""One export, the same from the command line and over HTTP: the rows, the file's
default name, what was left out, and the audit row that follows it to the end."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from flask import current_app
from sqlalchemy import null, select, union_all

from .. import audit, db, site_look
from ..models import SuppressedEmail, utcnow
from . import selection
from .formats import FORMATS, Format
from .selection import Choice

NOT_A_NAME = re.compile(r"[^a-z0-9]+")
WORDS = {
    "no_consent": "without consent",
    "unsubscribed": "unsubscribed",
    "bouncing": "bouncing",
    "complained": "complained",
    "only_petitions_signed": "wanting only updates about petitions they signed",
}


@dataclass
class Export:
    format: Format
    choice: Choice
    plain: bool = False

    @property
    def action(self) -> str:
        return f"audiences.{self.format.name}"

    def filename(self) -> str:
        """The campaign (the site's name) and the day, never a petition: an ad audience
        named after a petition's topic ("WIC", "paid leave") may suggest health or
        financial status, which Meta restricts (docs/pages/audiences.md)."""
        campaign = NOT_A_NAME.sub("-", site_look.current().name.lower()).strip("-") or "campaign"
        return f"{campaign}-{utcnow():%Y-%m-%d}-{self.format.name}.{self.format.extension}"

    @cached_property
    def left_out(self) -> dict[str, int]:
        """Who the list leaves out and why (nothing for a suppression list)."""
        if self.format.suppression:
            return {}
        with db.reading() as session:
            return selection.left_out(session, self.choice)

    def recorded(self) -> dict:
        """What the audit row says was asked: filters, plain, how many were left out."""
        found = {**self.choice.as_dict(), "plain": self.plain}
        if self.left_out:
            found["left_out"] = sum(self.left_out.values())
        return found

    def chunks(self, actor: str) -> Iterator[str]:
        """The file's text. The audit row is written now, before a byte is sent (so a
        request that never reads the body, such as HEAD, is recorded too), and completed
        with the row count when the last chunk is out or the reader goes away."""
        with db.writing() as session:
            entry = audit.add(session, self.action, None, actor, self.recorded(), "started")
        return self._stream(entry.id)

    def _stream(self, entry: int) -> Iterator[str]:
        counter = [0]
        outcome = "incomplete"
        rows = db.stream(self._query())
        try:
            yield from self.format.write(
                rows,
                counter,
                plain=self.plain,
                site_url=current_app.config["SITE_URL"].rstrip("/"),
            )
            outcome = "ok"
        finally:
            rows.close()  # the server-side cursor, also when the client went away
            audit.finish(entry, outcome, counter[0])

    def _query(self):
        if not self.format.suppression:
            person = self.format.name == "osdi"
            return selection.subscribed(self.choice, self.format.petitions, person)
        gone = selection.withdrawn().subquery()
        people = select(gone.c.email, null().label("email_sha256"))
        hashed = select(null().label("email"), SuppressedEmail.email_sha256)
        return union_all(people, hashed)


def described(left_out: dict[str, int]) -> str:
    """For people: "12 without consent, 3 unsubscribed, 0 bouncing, ..."."""
    return ", ".join(f"{left_out[key]} {word}" for key, word in WORDS.items())


__all__ = ["FORMATS", "Export", "described"]
