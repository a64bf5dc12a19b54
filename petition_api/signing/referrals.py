"""Shares that bring signatures back: each signature's referral code, and whose link
a new signature came through.

Every signature gets a random code when it is made (Signature.new_referral_code):
72 bits from `secrets`, 12 URL-safe characters, nothing derived from the signer. Each share
link its signer is given carries it as `?ref=` (petitions/sharing.py), and the
site's form sends it back as the `ref` field when a friend signs through it.

What `ref` may carry, and what happens:

- a code we issued: the new signature records that signature as its referrer,
  and its generation is the referrer's + 1, whichever petition the referrer
  signed (a share of one petition that brings a signature on another still
  brought it: the campaign is one);
- a well-formed code nobody holds (erased by retention, mistyped, made up): the
  signature is generation 0, as if it came with none;
- anything else (too long, other characters): dropped like the above. A share
  link never costs a supporter their signature, and junk is never stored: the
  code itself is not kept on the new signature, only whose it was.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.engine import Connection

from ..models import Signature
from ..models.signatures import REFERRAL_CODE_LENGTH

REF_PARAMETER = "ref"  # the share link's query parameter and the form's field
CODE = re.compile(rf"[A-Za-z0-9_-]{{{REFERRAL_CODE_LENGTH}}}")
NOBODY = {"referrer_id": None, "generation": 0}


def well_formed(value) -> str | None:
    """The code `value` carries, or None when it cannot be one of ours."""
    value = str(value or "").strip()
    return value if CODE.fullmatch(value) else None


def referred(connection: Connection, code: str | None) -> dict:
    """The referrer_id and generation a signature arriving with `code` records."""
    if code is None:
        return NOBODY
    found = connection.execute(
        select(Signature.id, Signature.generation).where(Signature.referral_code == code)
    ).first()
    if found is None:
        return NOBODY
    return {"referrer_id": found.id, "generation": found.generation + 1}
