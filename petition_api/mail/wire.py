"""Updates in their wire form: a mailing of 200,000 without building 200,000 EmailMessages.

The email package is right for a message at a time (confirmations, thank-yous),
but building and flattening an EmailMessage costs more CPU than handing it to
the mail server, so a worker sending updates would spend most of its time
there. Each copy of an update differs only in a few known places: the address,
its Message-ID, Date, the person's links and their escaped name in the body.
So the headers they share are made once per mailing by the email package
(encoded-word subjects and names included), and each copy is those bytes plus
its own few headers and its two parts, quoted-printable (binascii, in C).
updates/updates.py's message() builds the same message with the email package: previews and
test sends use it, and tests/api/test_staff_send_an_update.py checks that the
two read back alike.
"""

from __future__ import annotations

import binascii
import secrets
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from functools import lru_cache


@dataclass(frozen=True)
class Prepared:
    """A message already as bytes, with its envelope."""

    sender: str
    recipient: str
    data: bytes


@lru_cache(maxsize=16)
def _shared(
    mailing_id: int, sha256: str, headers: tuple[tuple[str, str], ...]
) -> tuple[bytes, str]:
    """The headers every copy of a mailing shares, as bytes, and its MIME boundary."""
    message = EmailMessage(policy=policy.SMTP)
    for name, value in headers:
        message[name] = value
    head = message.as_bytes().split(b"\r\n\r\n", 1)[0]
    return head, f"=_groundswell_{secrets.token_hex(12)}"


def _part(content_type: str, text: str) -> bytes:
    if not text.endswith("\n"):
        text += "\n"  # as the email package ends a part
    body = binascii.b2a_qp(text.encode("utf-8"), istext=True)
    body = body.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    return (
        f'Content-Type: {content_type}; charset="utf-8"\r\n'
        "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
    ).encode() + body


def prepared(
    mailing_id: int,
    sha256: str,
    shared: tuple[tuple[str, str], ...],
    *,
    idstring: str,
    envelope_from: str,
    to: str,
    domain: str,
    own_headers: tuple[tuple[str, str], ...],
    text: str,
    html: str,
) -> Prepared:
    """One copy: the shared headers, its own (ASCII) headers, and its two parts."""
    head, boundary = _shared(mailing_id, sha256, shared)
    own = [
        ("To", to),
        ("Date", formatdate(localtime=False)),
        ("Message-ID", make_msgid(idstring=idstring, domain=domain)),
        *own_headers,
        ("MIME-Version", "1.0"),
        ("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
    ]
    separator = f"--{boundary}\r\n".encode()
    data = b"".join(
        [
            head,
            b"\r\n",
            "".join(f"{name}: {value}\r\n" for name, value in own).encode("ascii"),
            b"\r\n",
            separator,
            _part("text/plain", text),
            b"\r\n",
            separator,
            _part("text/html", html),
            b"\r\n",
            f"--{boundary}--\r\n".encode(),
        ]
    )
    return Prepared(envelope_from, to, data)
