"""Amazon SES (through SNS) and Postmark report Maria's bounce and James's complaint,
each in its own documented shape, through a relay that signs what it forwards."""

from __future__ import annotations

import json

import pytest

from .bounce_support import (
    an_update_sent_to,
    becomes_supporter,
    consent_events,
    delivery_events,
    events_app,
    post_events,
    status_of,
)

MARIA = "maria.hernandez@example.org"
JAMES = "james.okafor@example.com"
SES_ID = "0000014644fe5ef6-9a483358-9170-4cb4-a269-f5dcdf415321-000000"


@pytest.fixture
def app(database_url, tmp_path):
    app = events_app(database_url, tmp_path)
    yield app
    app.extensions["engine"].dispose()


def sns(message: dict) -> dict:
    """An SNS HTTP notification (posted with Content-Type text/plain) carrying `message`."""
    return {
        "Type": "Notification",
        "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
        "TopicArn": "arn:aws:sns:us-east-1:123456789012:ses-notifications",
        "Message": json.dumps(message),
        "Timestamp": "2026-12-03T10:00:01.000Z",
        "SignatureVersion": "1",
        # SNS's own signature: the relay checks it (with the certificate), then signs ours.
        "Signature": "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7"
        "fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IK=",
        "SigningCertURL": "https://sns.us-east-1.amazonaws.com/"
        "SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
        "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe"
        "&SubscriptionArn=arn:aws:sns:us-east-1:123456789012:ses-notifications:612b1fb5",
    }


def ses_mail(to: str, message_id: str) -> dict:
    """SES's `mail` object with the original headers (SES overwrites Message-ID when sending)."""
    return {
        "timestamp": "2026-12-03T09:59:58.000Z",
        "source": "petitions@localhost",
        "sourceArn": "arn:aws:ses:us-east-1:123456789012:identity/localhost",
        "sourceIp": "127.0.3.0",
        "sendingAccountId": "123456789012",
        "messageId": SES_ID,
        "destination": [to],
        "headersTruncated": False,
        "headers": [
            {"name": "From", "value": "Groundswell petitions <petitions@localhost>"},
            {"name": "To", "value": to},
            {"name": "Subject", "value": "We delivered your signatures"},
            {"name": "Message-ID", "value": message_id},
        ],
        "commonHeaders": {
            "from": ["Groundswell petitions <petitions@localhost>"],
            "to": [to],
            "messageId": message_id,
            "subject": "We delivered your signatures",
        },
    }


def ses_bounce(bounce_type: str, recipients: list[str], mail: dict) -> dict:
    return {
        "notificationType": "Bounce",
        "bounce": {
            "bounceType": bounce_type,
            "bounceSubType": "General" if bounce_type == "Permanent" else "MailboxFull",
            "bouncedRecipients": [
                {
                    "emailAddress": r,
                    "action": "failed",
                    "status": "5.1.1",
                    "diagnosticCode": f"smtp; 550 5.1.1 <{r}>... User unknown",
                }
                for r in recipients
            ],
            "timestamp": "2026-12-03T10:00:00.237Z",
            "feedbackId": "00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa068a-000000",
            "remoteMtaIp": "127.0.2.0",
            "reportingMTA": "dsn; a8-70.smtp-out.amazonses.com",
        },
        "mail": mail,
    }


def ses_complaint(recipient: str, mail: dict, feedback_type: str = "abuse") -> dict:
    return {
        "notificationType": "Complaint",
        "complaint": {
            "userAgent": "AnyCompany Feedback Loop (V0.01)",
            "complainedRecipients": [{"emailAddress": recipient}],
            "complaintFeedbackType": feedback_type,
            "arrivalDate": "2026-12-03T10:00:00.000Z",
            "timestamp": "2026-12-03T10:00:01.000Z",
            "feedbackId": "000001378603177f-18c07c78-fa81-4a58-9dd1-fedc3cb8f49a-000000",
        },
        "mail": mail,
    }


def post_sns(client, message: dict):
    return post_events(client, sns(message), format="ses", content_type="text/plain; charset=UTF-8")


def test_ses_reports_maria_s_permanent_bounce_through_sns(app, client):
    maria = becomes_supporter(app)
    mailing_id, message_id = an_update_sent_to(app, maria)
    notification = ses_bounce("Permanent", [MARIA, "gone@example.net"], ses_mail(MARIA, message_id))

    answer = post_sns(client, notification)

    assert answer.status_code == 200, answer.get_json()
    counts = answer.get_json()
    assert (counts["received"], counts["hard_bounces"], counts["unknown_addresses"]) == (2, 1, 1)
    assert status_of(app, MARIA) == "bouncing"
    [recorded] = delivery_events(app)
    assert (recorded.source, recorded.mailing_id, recorded.permanent) == ("ses", mailing_id, True)


def test_ses_transient_and_undetermined_bounces_are_soft(app, client):
    maria = becomes_supporter(app)
    _, message_id = an_update_sent_to(app, maria)
    for bounce_type in ("Transient", "Undetermined"):
        notification = ses_bounce(bounce_type, [MARIA], ses_mail(MARIA, message_id))
        notification["bounce"]["timestamp"] = f"2026-12-03T10:0{len(bounce_type) % 10}:00Z"
        assert post_sns(client, notification).get_json()["soft_bounces"] == 1
    assert status_of(app, MARIA) == "subscribed"
    assert [e.permanent for e in delivery_events(app)] == [False, False]


def test_ses_reports_james_s_complaint_and_raw_message_delivery_works_too(app, client):
    james = becomes_supporter(app, first_name="James", last_name="Okafor", email=JAMES)
    mailing_id, message_id = an_update_sent_to(app, james)
    # SNS "raw message delivery": the SES notification itself, no envelope.
    answer = post_events(client, ses_complaint(JAMES, ses_mail(JAMES, message_id)), format="ses")
    assert answer.get_json()["complaints"] == 1
    assert status_of(app, JAMES) == "spam_complaint"
    withdrawn = consent_events(app, james)[-1]
    assert (withdrawn.action, withdrawn.source, withdrawn.mailing_id) == (
        "withdrawn", "complaint", mailing_id,
    )  # fmt: skip


def test_ses_deliveries_and_not_spam_feedback_are_counted_and_change_nothing(app, client):
    becomes_supporter(app)
    mail = ses_mail(MARIA, "<1.2.3.outbox-1@localhost>")
    delivery = {"notificationType": "Delivery", "mail": mail, "delivery": {
        "timestamp": "2026-12-03T10:00:00.000Z", "recipients": [MARIA]}}  # fmt: skip
    assert post_sns(client, delivery).get_json()["not_bounces"] == 1
    not_spam = ses_complaint(MARIA, mail, feedback_type="not-spam")
    assert post_sns(client, not_spam).get_json()["not_bounces"] == 1
    assert status_of(app, MARIA) == "subscribed"
    assert delivery_events(app) == []


def test_a_broken_ses_notification_is_told_what_is_wrong(app, client):
    notification = ses_bounce("Sometimes", [MARIA], ses_mail(MARIA, "<x@localhost>"))
    answer = post_sns(client, notification)
    assert answer.status_code == 422
    assert "bounceType must be" in answer.get_json()["error"]["message"]
    envelope = sns({}) | {"Message": "not json"}
    answer = post_events(client, envelope, format="ses")
    assert "The SNS Message is not JSON" in answer.get_json()["error"]["message"]


def postmark(record_type: str, kind: str, email: str, bounced_at: str) -> dict:
    """A Postmark webhook record as Postmark's documentation shows it."""
    return {
        "RecordType": record_type,
        "MessageStream": "outbound",
        "ID": 4323372036854775807,
        "Type": kind,
        "TypeCode": {"HardBounce": 1, "Transient": 2, "SpamComplaint": 100001}[kind],
        "Name": {
            "HardBounce": "Hard bounce",
            "Transient": "Message delayed/Undeliverable",
            "SpamComplaint": "Spam complaint",
        }[kind],
        "Tag": "update",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "petitions@localhost",
        "BouncedAt": bounced_at,
        "DumpAvailable": True,
        "Inactive": kind != "Transient",
        "CanActivate": True,
        "Subject": "We delivered your signatures",
    }


def test_postmark_reports_a_hard_bounce_a_soft_one_and_a_complaint(app, client):
    maria = becomes_supporter(app)
    becomes_supporter(app, first_name="James", last_name="Okafor", email=JAMES)

    soft = postmark("Bounce", "Transient", MARIA, "2026-12-03T10:00:00.1234567-05:00")
    assert post_events(client, soft, format="postmark").get_json()["soft_bounces"] == 1
    assert status_of(app, MARIA) == "subscribed"
    hard = postmark("Bounce", "HardBounce", MARIA, "2026-12-03T10:05:00.2735393-05:00")
    assert post_events(client, hard, format="postmark").get_json()["hard_bounces"] == 1
    assert status_of(app, MARIA) == "bouncing"
    spam = postmark("SpamComplaint", "SpamComplaint", JAMES, "2026-12-03T10:06:00Z")
    assert post_events(client, spam, format="postmark").get_json()["complaints"] == 1
    assert status_of(app, JAMES) == "spam_complaint"

    events = delivery_events(app)
    assert [(e.kind, e.permanent, e.source) for e in events] == [
        ("bounce", False, "postmark"), ("bounce", True, "postmark"),
        ("complaint", True, "postmark"),
    ]  # fmt: skip
    # Postmark names a message by its own id, so the mailing is not known.
    assert {e.mailing_id for e in events} == {None}
    assert events[0].supporter_id == maria.id


def test_postmark_records_that_are_not_bounces_are_counted_and_change_nothing(app, client):
    becomes_supporter(app)
    delivery = {"RecordType": "Delivery", "MessageID": "883953f4", "Recipient": MARIA,
                "DeliveredAt": "2026-12-03T10:00:00Z", "Details": "Test delivery"}  # fmt: skip
    auto_reply = postmark("Bounce", "HardBounce", MARIA, "2026-12-03T10:00:00Z") | {
        "Type": "AutoResponder", "TypeCode": 64}  # fmt: skip
    for record in (delivery, auto_reply):
        assert post_events(client, record, format="postmark").get_json()["not_bounces"] == 1
    assert status_of(app, MARIA) == "subscribed"
    assert delivery_events(app) == []
