"""What sending services report, read into our events: Amazon SES (through SNS) and Postmark.

Each reader takes the decoded JSON body and returns the events it reports
and how many records reported something else (a delivery, an open): those
are counted, never refused, so a webhook that sends every kind of record
keeps working. A body that is not shaped as the service documents it raises
ValueError with what is wrong; no message ever repeats an address.

Amazon SES, as SNS delivers it (or as "raw message delivery", the SES JSON
alone): `{"Type": "Notification", "Message": "<SES JSON as a string>", ...}`,
the SES JSON holding `notificationType` (or `eventType` from a configuration
set) `Bounce` or `Complaint`; `bounce.bounceType` Permanent is a hard bounce,
Transient and Undetermined soft; `bounce.bouncedRecipients[].emailAddress`,
`complaint.complainedRecipients[].emailAddress`; the original Message-ID from
`mail.headers`, `mail.commonHeaders.messageId` or `mail.messageId`.

Postmark: one webhook record per request (a list of them is taken too),
`RecordType` `Bounce` (its `Type`: HARD, SOFT or COMPLAINT below, others
counted and left) or `SpamComplaint`; `Email`, `MessageID`, `BouncedAt`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr

ADDRESS = re.compile(r"[^@\s<>\x00-\x1f\x7f]+@[^@\s<>\x00-\x1f\x7f]+")
OUR_MESSAGE_ID = re.compile(r"outbox-\d+-[0-9a-f]{16}@")

# Postmark's bounce types (https://postmarkapp.com/developer/api/bounce-api#bounce-types).
HARD = frozenset({"HardBounce", "BadEmailAddress"})
SOFT = frozenset({"Transient", "SoftBounce", "DnsError", "SpamNotification", "Blocked"})
COMPLAINT = frozenset({"SpamComplaint"})


@dataclass(frozen=True)
class Event:
    kind: str  # bounce, complaint
    email: str
    permanent: bool
    message_id: str | None
    occurred_at: datetime | None

    @classmethod
    def of(cls, kind, email, permanent, message_id, occurred_at, where: str) -> Event:
        """An event from a body's values, each checked; `where` names the place in errors."""
        if not isinstance(email, str) or len(email) > 254 or not ADDRESS.fullmatch(email.strip()):
            raise ValueError(f"{where}: the email must be one address (name@domain).")
        if message_id is not None and (not isinstance(message_id, str) or len(message_id) > 998):
            raise ValueError(f"{where}: the message id must be text of at most 998 characters.")
        return cls(kind, email.strip(), permanent, message_id, _time(occurred_at, where))


def _time(value, where: str) -> datetime | None:
    if value is None:
        return None
    try:
        when = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        when = None
    if when is None or when.tzinfo is None:
        raise ValueError(
            f"{where}: the time must be ISO 8601 with its offset, e.g. 2025-01-31T12:00:00Z."
        )
    return when


def _object(value, what: str) -> dict:
    if not isinstance(value, dict):
        raise ValueError(f"{what} must be a JSON object.")
    return value


def ses(payload) -> tuple[list[Event], int]:
    payload = _object(payload, "An SNS message")
    if "Message" in payload or "Type" in payload:
        kind = payload.get("Type")
        if kind == "SubscriptionConfirmation":
            raise ValueError(
                "An SNS SubscriptionConfirmation: this endpoint never visits SubscribeURL. "
                "Confirm the subscription in your relay or the AWS console."
            )
        if kind != "Notification" or not isinstance(payload.get("Message"), str):
            raise ValueError('An SNS message must be Type "Notification" with a Message string.')
        try:
            message = _object(json.loads(payload["Message"]), "The SNS Message")
        except json.JSONDecodeError:
            raise ValueError("The SNS Message is not JSON (an SES notification).") from None
    else:
        message = payload  # raw message delivery: the SES notification itself
    kind = message.get("notificationType") or message.get("eventType")
    if not isinstance(kind, str):
        raise ValueError("The SES notification has no notificationType (or eventType).")
    if kind not in ("Bounce", "Complaint"):
        return [], 1  # Delivery, Send, Open...: nothing to change
    mail = _object(message.get("mail"), "The SES notification's mail")
    message_id = _ses_message_id(mail)
    if kind == "Bounce":
        bounce = _object(message.get("bounce"), "A Bounce notification's bounce")
        bounce_type = bounce.get("bounceType")
        if bounce_type not in ("Permanent", "Transient", "Undetermined"):
            raise ValueError(
                'bounce.bounceType must be "Permanent", "Transient" or "Undetermined".'
            )
        recipients = _recipients(bounce, "bouncedRecipients", "bounce")
        return [
            Event.of("bounce", address, bounce_type == "Permanent", message_id,
                     bounce.get("timestamp"), f"bounce.bouncedRecipients[{i}]")
            for i, address in enumerate(recipients)
        ], 0  # fmt: skip
    complaint = _object(message.get("complaint"), "A Complaint notification's complaint")
    if complaint.get("complaintFeedbackType") == "not-spam":
        return [], 1  # the person said it is not spam
    recipients = _recipients(complaint, "complainedRecipients", "complaint")
    return [
        Event.of("complaint", address, True, message_id, complaint.get("timestamp"),
                 f"complaint.complainedRecipients[{i}]")
        for i, address in enumerate(recipients)
    ], 0  # fmt: skip


def _recipients(part: dict, field: str, name: str) -> list:
    recipients = part.get(field)
    if not isinstance(recipients, list) or not recipients:
        raise ValueError(f"{name}.{field} must be a non-empty list.")
    found = []
    for i, recipient in enumerate(recipients):
        address = recipient.get("emailAddress") if isinstance(recipient, dict) else None
        if not isinstance(address, str):
            raise ValueError(f"{name}.{field}[{i}].emailAddress is missing.")
        found.append(parseaddr(address)[1] or address)
    return found


def _ses_message_id(mail: dict) -> str | None:
    """Ours, wherever SES kept it (SES gives the message an id of its own when sending)."""
    headers = mail.get("headers") if isinstance(mail.get("headers"), list) else []
    common = mail.get("commonHeaders") if isinstance(mail.get("commonHeaders"), dict) else {}
    candidates = [
        *(h.get("value") for h in headers if isinstance(h, dict)
          and str(h.get("name", "")).lower() == "message-id"),
        common.get("messageId"),
        mail.get("messageId"),
    ]  # fmt: skip
    texts = [c for c in candidates if isinstance(c, str) and len(c) <= 998]
    return next((c for c in texts if OUR_MESSAGE_ID.search(c)), texts[0] if texts else None)


def postmark(payload) -> tuple[list[Event], int]:
    records = payload if isinstance(payload, list) else [payload]
    events, others = [], 0
    for i, record in enumerate(records):
        where = "The record" if records is not payload else f"record {i}"
        record = _object(record, where)
        record_type, bounce_type = record.get("RecordType"), record.get("Type")
        if not isinstance(record_type, str):
            raise ValueError(f'{where} has no RecordType ("Bounce", "SpamComplaint"...).')
        if record_type == "SpamComplaint" or (record_type == "Bounce" and bounce_type in COMPLAINT):
            kind, permanent = "complaint", True
        elif record_type == "Bounce" and bounce_type in HARD | SOFT:
            kind, permanent = "bounce", bounce_type in HARD
        elif record_type == "Bounce" and not isinstance(bounce_type, str):
            raise ValueError(f'{where}: a Bounce has a Type ("HardBounce", "Transient"...).')
        else:
            others += 1  # Delivery, Open, an AutoResponder...: nothing to change
            continue
        events.append(
            Event.of(kind, record.get("Email"), permanent, record.get("MessageID"),
                     record.get("BouncedAt"), where)
        )  # fmt: skip
    return events, others
