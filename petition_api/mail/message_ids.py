"""Our Message-IDs: unique, naming the outbox row a message went out from, with a tag
only we can make.

    <175...@...outbox-42-3f9a0c1d2e4b5a69@example.org>

A bounce or complaint that quotes one leads back to its row (the mailing, the
person it was sent to). The tag (HMAC-SHA256 of the row under SECRET_KEY) is
what lets a returned message be believed: anyone can mail a forged DSN to
MAIL_FROM naming any address, but only mail we sent carries a Message-ID that
verifies, and it names the row, so the bounce must be about that row's recipient.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from flask import current_app

OUTBOX_ROW = re.compile(r"outbox-(\d{1,18})-([0-9a-f]{16})@")


def _tag(row_id: int) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, f"outbox-{row_id}".encode(), hashlib.sha256).hexdigest()[:16]


def idstring(row_id: int) -> str:
    """What make_msgid's idstring is for the message from outbox row `row_id`."""
    return f"outbox-{row_id}-{_tag(row_id)}"


def outbox_row(message_id: str | None) -> int | None:
    """The outbox row a Message-ID names, if we made it; None for anything else."""
    found = OUTBOX_ROW.search(message_id or "")
    if found is None:
        return None
    row_id = int(found.group(1))
    return row_id if hmac.compare_digest(found.group(2), _tag(row_id)) else None
