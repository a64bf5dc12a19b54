"""The sending service reports bounces and complaints to POST /api/mail/events, signed.

Maria's mailbox is gone (a hard bounce), James marks an update as spam (a
complaint), Wei's mailbox is full for a while (soft bounces). Deliveries that are
unsigned, badly signed, stale or replayed change nothing.
"""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import update

from petition_api.models import EventReceipt, Supporter, utcnow

from ..conftest import database
from .bounce_support import (
    EVENTS_URL,
    an_update_sent_to,
    becomes_supporter,
    consent_events,
    delivery_events,
    event,
    events_app,
    post_events,
    receipts,
    signature,
    status_of,
    supporter_row,
)

MARIA = "maria.hernandez@example.org"
JAMES = "james.okafor@example.com"
WEI = "wei.chen@gmail.com"


def now() -> str:
    return utcnow().isoformat()


@pytest.fixture
def app(database_url, tmp_path):
    app = events_app(database_url, tmp_path)
    yield app
    app.extensions["engine"].dispose()


def test_maria_s_mailbox_is_gone_so_she_is_bouncing(app, client):
    maria = becomes_supporter(app)
    mailing_id, message_id = an_update_sent_to(app, maria)

    answer = post_events(client, {"events": [event(email=MARIA, message_id=message_id)]})

    assert answer.status_code == 200
    assert answer.get_json() == {
        "received": 1, "hard_bounces": 1, "soft_bounces": 0, "complaints": 0,
        "unknown_addresses": 0, "repeated": 0, "not_bounces": 0,
    }  # fmt: skip
    assert status_of(app, MARIA) == "bouncing"
    [recorded] = delivery_events(app)
    assert (recorded.kind, recorded.permanent, recorded.source) == ("bounce", True, "generic")
    assert (recorded.supporter_id, recorded.mailing_id) == (maria.id, mailing_id)
    assert consent_events(app, maria)[-1].action == "given"  # a bounce withdraws no consent


def test_james_complains_and_is_never_mailed_an_update_again(app, client):
    james = becomes_supporter(app, first_name="James", last_name="Okafor", email=JAMES)
    mailing_id, message_id = an_update_sent_to(app, james)

    answer = post_events(client, {"events": [event("complaint", JAMES, message_id=message_id)]})

    assert answer.get_json()["complaints"] == 1
    assert status_of(app, JAMES) == "spam_complaint"
    withdrawn = consent_events(app, james)[-1]
    assert (withdrawn.action, withdrawn.source, withdrawn.mailing_id) == (
        "withdrawn", "complaint", mailing_id
    )  # fmt: skip
    # A later bounce is recorded but never turns the complaint into something milder.
    post_events(client, {"events": [event(email=JAMES)]})
    assert status_of(app, JAMES) == "spam_complaint"
    assert [e.kind for e in delivery_events(app)] == ["complaint", "bounce"]
    # The complaint is recorded once, however often it is reported.
    post_events(client, {"events": [event("complaint", JAMES)]})
    assert [e.source for e in consent_events(app, james)] == ["signature", "complaint"]


def test_wei_s_full_mailbox_bounces_three_times_in_thirty_days_before_she_is_bouncing(app, client):
    wei = becomes_supporter(app, first_name="Wei", last_name="Chen", email=WEI)
    for expected in ("subscribed", "subscribed", "bouncing"):
        # Each its own moment (not one event reported twice), after she subscribed.
        soft = event(email="Wei.Chen+petitions@gmail.com", permanent=False, occurred_at=now())
        answer = post_events(client, {"events": [soft]})  # her address, as a provider wrote it
        assert answer.get_json()["soft_bounces"] == 1
        assert status_of(app, WEI) == expected
    assert [(e.permanent, e.supporter_id) for e in delivery_events(app)] == [(False, wei.id)] * 3


def test_three_soft_bounces_in_one_delivery_make_wei_bouncing_and_leave_maria_be(app, client):
    becomes_supporter(app)
    becomes_supporter(app, first_name="Wei", last_name="Chen", email=WEI)
    softs = [event(email=WEI, permanent=False, occurred_at=now()) for _ in range(3)]
    answer = post_events(client, {"events": [*softs, event(email=MARIA, permanent=False)]})
    assert answer.get_json()["soft_bounces"] == 4
    assert (status_of(app, WEI), status_of(app, MARIA)) == ("bouncing", "subscribed")


def test_soft_bounces_older_than_thirty_days_do_not_count(app, client):
    becomes_supporter(app, first_name="Wei", last_name="Chen", email=WEI)
    with database(app) as session:  # she subscribed long ago
        session.execute(update(Supporter).values(status_changed_at=utcnow() - timedelta(days=90)))
    days_ago = [45, 44, 2]
    post_events(client, {"events": [
        event(email=WEI, permanent=False, occurred_at=(utcnow() - timedelta(days=n)).isoformat())
        for n in days_ago
    ]})  # fmt: skip
    assert status_of(app, WEI) == "subscribed"
    post_events(client, {"events": [event(email=WEI, permanent=False, occurred_at=now())]})
    assert status_of(app, WEI) == "subscribed"  # two within the window
    post_events(client, {"events": [event(email=WEI, permanent=False, occurred_at=now())]})
    assert status_of(app, WEI) == "bouncing"
    assert len(delivery_events(app)) == 5


def test_an_event_reported_twice_is_applied_once(app, client):
    becomes_supporter(app, first_name="Wei", last_name="Chen", email=WEI)
    soft = event(email=WEI, permanent=False, occurred_at="2026-12-01T08:00:00Z")
    signed = int(time.time()) - 5
    post_events(client, {"events": [soft]}, t=signed)
    # A provider's retry, signed afresh (a second later: the same bytes signed in the same
    # second are the same delivery, refused as a replay).
    again = post_events(client, {"events": [soft]}, t=signed + 1)
    assert again.get_json()["repeated"] == 1
    assert len(delivery_events(app)) == 1


def refused(app, client, answer, code: int, words: str) -> None:
    assert answer.status_code == code, answer.get_json()
    assert words in answer.get_json()["error"]["message"]
    assert status_of(app, MARIA) == "subscribed"
    assert delivery_events(app) == []


def test_an_unsigned_delivery_is_refused_and_changes_nothing(app, client):
    becomes_supporter(app)
    answer = client.post(EVENTS_URL, json={"events": [event(email=MARIA)]})
    refused(app, client, answer, 401, "Unsigned: send a Groundswell-Signature header")


@pytest.mark.parametrize(
    ("signing", "words"),
    [
        ({"secret": "someone-else-s-secret"}, "does not match"),
        ({"t": -302}, "seconds from ours, and at most 300 (MAIL_EVENTS_MAX_AGE) is accepted"),
        ({"t": +400}, "seconds from ours, and at most 300 (MAIL_EVENTS_MAX_AGE) is accepted"),
    ],
    ids=["wrong secret", "stale", "from the future"],
)
def test_a_badly_signed_or_stale_delivery_is_refused_and_changes_nothing(
    app, client, signing, words
):
    becomes_supporter(app)
    if "t" in signing:
        signing = {"t": int(time.time()) + signing["t"]}
    answer = post_events(client, {"events": [event(email=MARIA)]}, **signing)
    refused(app, client, answer, 401, words)
    assert receipts(app) == []


@pytest.mark.parametrize(
    "header",
    ["t=1,v1=abc", "v1=" + "0" * 64, "sha256=" + "0" * 64, "t=now,v1=" + "0" * 64],
)
def test_a_malformed_signature_header_is_refused(app, client, header):
    becomes_supporter(app)
    answer = client.post(
        EVENTS_URL,
        json={"events": [event(email=MARIA)]},
        headers={"Groundswell-Signature": header},
    )
    refused(app, client, answer, 401, "must read t=<unix seconds>,v1=<64 hex digits>")


def test_a_body_changed_after_signing_is_refused(app, client):
    becomes_supporter(app)
    signed = json.dumps({"events": [event("complaint", "someone@example.org")]}).encode()
    changed = json.dumps({"events": [event("complaint", MARIA)]}).encode()
    answer = client.post(
        EVENTS_URL, data=changed, headers={"Groundswell-Signature": signature(signed)}
    )
    refused(app, client, answer, 401, "does not match")


def test_a_replayed_delivery_is_refused(app, client):
    becomes_supporter(app)
    body = json.dumps({"events": [event(email=MARIA, permanent=False)]}).encode()
    headers = {"Groundswell-Signature": signature(body)}
    assert client.post(EVENTS_URL, data=body, headers=headers).status_code == 200
    replay = client.post(EVENTS_URL, data=body, headers=headers)
    assert replay.status_code == 409
    assert "already received (a replay)" in replay.get_json()["error"]["message"]
    assert len(delivery_events(app)) == 1


def test_a_refused_delivery_cannot_be_replayed_under_another_format(app, client):
    becomes_supporter(app)
    body = json.dumps({"events": [event("complaint", MARIA, permanent=True)]}).encode()
    headers = {"Groundswell-Signature": signature(body)}
    first = client.post(f"{EVENTS_URL}?format=postmark", data=body, headers=headers)
    assert first.status_code == 422  # not a Postmark record
    again = client.post(EVENTS_URL, data=body, headers=headers)  # the URL is not signed
    assert again.status_code == 409
    assert delivery_events(app) == [] and status_of(app, MARIA) == "subscribed"


def test_receipts_are_kept_only_while_a_replay_could_pass(app, client):
    with database(app) as session:
        session.add(EventReceipt(digest="f" * 64, at=utcnow() - timedelta(seconds=301)))
        session.add(EventReceipt(digest="e" * 64, at=utcnow() - timedelta(seconds=200)))
    post_events(client, {"events": [event(email="nobody@example.net")]})
    kept = {r.digest for r in receipts(app)}
    assert "e" * 64 in kept and "f" * 64 not in kept  # older than MAIL_EVENTS_MAX_AGE: gone
    assert len(kept) == 2  # and the new one


def test_with_no_secret_set_every_delivery_is_refused_and_the_answer_says_why(
    database_url, tmp_path
):
    app = events_app(database_url, tmp_path, MAIL_EVENTS_SECRET="")
    try:
        answer = post_events(app.test_client(), {"events": [event()]}, secret="")
        assert answer.status_code == 403
        assert "GROUNDSWELL_MAIL_EVENTS_SECRET is not set" in answer.get_json()["error"]["message"]
    finally:
        app.extensions["engine"].dispose()


def test_events_for_addresses_we_do_not_know_are_counted_never_named(app, client, caplog):
    becomes_supporter(app)
    strangers = [event(email="nobody@example.net"), event("complaint", "else@example.net")]
    with caplog.at_level("DEBUG"):
        answer = post_events(client, {"events": [*strangers, event(email=MARIA)]})
    assert answer.status_code == 200
    counts = answer.get_json()
    assert (counts["received"], counts["unknown_addresses"], counts["hard_bounces"]) == (3, 2, 1)
    assert "@" not in answer.get_data(as_text=True)
    assert "@" not in caplog.text
    assert [e.supporter_id for e in delivery_events(app)] == [supporter_row(app, MARIA).id]


MALFORMED = [
    pytest.param(b"{not json", None, 400, "The body is not JSON", id="not json"),
    pytest.param({"events": []}, None, 422, 'non-empty "events" list', id="no events"),
    pytest.param([event()], None, 422, 'non-empty "events" list', id="a bare list"),
    pytest.param(
        {"events": [{"type": "open", "email": MARIA}]},
        None,
        422,
        'events[0].type must be "bounce" or "complaint"',
        id="unknown type",
    ),
    pytest.param(
        {"events": [event(), {"type": "bounce", "email": MARIA}]},
        None,
        422,
        "events[1].permanent must be true (a hard bounce) or false",
        id="a bounce without permanent",
    ),
    pytest.param(
        {"events": [event(email="not an address")]},
        None,
        422,
        "events[0]: the email must be one address",
        id="not an address",
    ),
    pytest.param(
        {"events": [event(occurred_at="yesterday")]},
        None,
        422,
        "events[0]: the time must be ISO 8601 with its offset",
        id="not a time",
    ),
    pytest.param(
        {"events": [event(occurred_at="2026-12-01T08:00:00")]},
        None,
        422,
        "with its offset",
        id="a time without offset",
    ),
    pytest.param(
        {"events": [event()]},
        "mailgun",
        400,
        "format must be one of generic, ses, postmark",
        id="unknown format",
    ),
    pytest.param(
        {"Type": "SubscriptionConfirmation", "SubscribeURL": "https://sns.example/confirm"},
        "ses",
        422,
        "never visits SubscribeURL",
        id="an SNS subscription",
    ),
    pytest.param(
        {"RecordType": "Bounce", "Email": MARIA},
        "postmark",
        422,
        "a Bounce has a Type",
        id="a Postmark bounce without Type",
    ),
]


@pytest.mark.parametrize(("body", "format", "code", "words"), MALFORMED)
def test_a_malformed_delivery_is_told_what_is_wrong_and_changes_nothing(
    app, client, body, format, code, words
):
    becomes_supporter(app)
    answer = post_events(client, body, format)
    refused(app, client, answer, code, words)
    assert len(receipts(app)) <= 1  # at most its own receipt: it cannot come back changed
    assert MARIA not in answer.get_data(as_text=True)  # errors never repeat an address


def test_a_body_larger_than_an_sns_notification_is_refused(app, client):
    answer = post_events(client, b" " * (256 * 1024 + 1))
    assert answer.status_code == 413


def test_the_openapi_document_explains_how_to_sign(client):
    post = client.get("/api/openapi.json").get_json()["paths"]["/api/mail/events"]["post"]
    assert "Groundswell-Signature" in post["description"]
    assert {p["name"] for p in post["parameters"]} == {"format", "Groundswell-Signature"}
