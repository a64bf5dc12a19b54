"""Bots, floods and other sites: set aside quietly, slowed down, or turned away."""

from __future__ import annotations

import time

import pytest
from itsdangerous import TimestampSigner

from petition_api.models import Signature, Status

from ..conftest import prepared_app
from .support import PETITION, SIGN_URL, outbox, row_count, signatures, supporter


def test_a_bot_fills_the_honeypot_and_is_quietly_set_aside(app, sign):
    honest = sign(email="honest@example.org")
    bot = sign(website="http://cheap-pills.example")

    # The same answer, each with a referral code of its own for the share links.
    assert bot.status_code == honest.status_code
    assert bot.get_json().keys() == honest.get_json().keys() == {"status", "ref"}
    assert bot.get_json()["status"] == honest.get_json()["status"]
    bot_row = signatures(app, email="maria.hernandez@example.org")[0]
    assert (bot_row.status, bot_row.fraud_reason) == (Status.FRAUDULENT, "honeypot")
    assert [m.signature_id for m in outbox(app)] == [
        signatures(app, email="honest@example.org")[0].id
    ]


def test_a_bot_that_puts_a_list_in_the_honeypot_is_set_aside_too(app, sign):
    bot = sign(website=["http://cheap-pills.example"])

    assert (bot.status_code, bot.get_json()["status"]) == (201, "pending")
    [row] = signatures(app)
    assert (row.status, row.fraud_reason) == (Status.FRAUDULENT, "honeypot")
    assert outbox(app) == []


def test_attribution_sent_as_a_list_is_dropped_not_refused(app, sign):
    # The signer cannot fix what the page's script sent, so it never costs a signature.
    response = sign(utm_source=["newsletter"], variant={"a": 1})

    assert response.status_code == 201
    [row] = signatures(app)
    assert (row.status, row.utm_source, row.variant) == (Status.PENDING, None, None)


def form_token(client) -> str:
    return client.get(f"/api/petitions/{PETITION}/form-token").get_json()["form_token"]


@pytest.fixture
def patient_app(database_url, tmp_path):
    """Forms must take at least two seconds to fill, as people need."""
    app = prepared_app(database_url, tmp_path, FORM_TOKEN_MIN_SECONDS=2.0)
    yield app
    app.extensions["engine"].dispose()


def test_a_bot_that_submits_the_form_faster_than_a_person_could_is_set_aside(patient_app):
    client = patient_app.test_client()
    response = client.post(SIGN_URL, json=supporter(form_token=form_token(client)))

    assert response.status_code == 201
    [row] = signatures(patient_app)
    assert (row.status, row.fraud_reason) == (Status.FRAUDULENT, "too_fast")
    assert outbox(patient_app) == []


def test_a_person_who_takes_their_time_signs_normally(patient_app):
    client = patient_app.test_client()
    token = form_token(client)
    time.sleep(2.1)
    client.post(SIGN_URL, json=supporter(form_token=token))
    assert signatures(patient_app)[0].status == Status.PENDING


def test_a_form_token_older_than_a_day_is_treated_as_suspicious(app, client):
    class Yesterday(TimestampSigner):
        def get_timestamp(self):
            return int(time.time()) - 2 * 86400

    stale = Yesterday(app.config["SECRET_KEY"], salt="groundswell.form-token").sign(PETITION)
    client.post(SIGN_URL, json=supporter(form_token=stale.decode()))
    assert signatures(app)[0].fraud_reason == "stale_token"


def test_a_forged_or_borrowed_form_token_is_treated_as_suspicious(app, client):
    other = client.get("/api/petitions/fund-wic/form-token").get_json()["form_token"]
    client.post(SIGN_URL, json=supporter(form_token=other))
    client.post(SIGN_URL, json=supporter(email="b@example.org", form_token="paid-family-leave.x.y"))
    assert [s.fraud_reason for s in signatures(app)] == ["bad_token", "bad_token"]


def test_a_supporter_with_javascript_off_sends_no_token_and_signs_normally(app, client):
    client.post(SIGN_URL, data=supporter(email_updates="y"))
    assert signatures(app)[0].status == Status.PENDING


def test_the_default_limits_let_a_campus_sign_behind_one_address(app, client):
    """An office, a campus or a mobile carrier puts many people behind one IP."""
    for i in range(30):
        response = client.post(SIGN_URL, json=supporter(email=f"student{i}@example.edu"))
        assert response.status_code == 201
    assert {s.status for s in signatures(app)} == {Status.PENDING}


@pytest.fixture
def strict_app(database_url, tmp_path):
    app = prepared_app(
        database_url,
        tmp_path,
        LIMIT_IP_SOFT="3 per minute",
        LIMIT_IP_HARD="5 per minute",
        LIMIT_PETITION="1000 per minute",
    )
    yield app
    app.extensions["engine"].dispose()


def test_past_the_soft_limit_a_shared_address_still_gets_its_confirmations_flagged_for_review(
    strict_app,
):
    # A campus or a phone carrier puts many real people behind one address: they are
    # told to check their email, so an email must come.
    client = strict_app.test_client()
    answers = {
        client.post(SIGN_URL, json=supporter(email=f"p{i}@example.org")).status_code
        for i in range(5)
    }

    assert answers == {201}
    rows = signatures(strict_app)
    assert [s.status for s in rows] == [Status.PENDING] * 5
    assert [s.fraud_reason for s in rows] == [None] * 3 + ["over_ip_limit"] * 2
    assert sorted(m.signature_id for m in outbox(strict_app)) == [s.id for s in rows]


def test_one_address_beyond_the_hard_limit_is_told_when_to_come_back(strict_app):
    client = strict_app.test_client()
    for i in range(5):
        client.post(SIGN_URL, json=supporter(email=f"p{i}@example.org"))
    response = client.post(SIGN_URL, json=supporter(email="late@example.org"))

    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert "try again" in response.get_json()["error"]["message"]
    assert row_count(strict_app, Signature) == 5


def test_one_ipv6_household_counts_as_one_address_however_it_rotates(strict_app):
    # A /64 is one subscriber; every address in it is theirs to use.
    client = strict_app.test_client()
    codes = [
        client.post(
            SIGN_URL,
            json=supporter(email=f"v6-{i}@example.org"),
            environ_base={"REMOTE_ADDR": f"2001:db8:1234:5678::{i + 1:x}"},
        ).status_code
        for i in range(6)
    ]
    assert codes == [201] * 5 + [429]
    other = client.post(
        SIGN_URL,
        json=supporter(email="neighbour@example.org"),
        environ_base={"REMOTE_ADDR": "2001:db8:1234:9999::1"},
    )
    assert other.status_code == 201  # the next /64 is someone else
    assert signatures(strict_app, email="v6-0@example.org")[0].ip == "2001:db8:1234:5678::1"


def test_form_tokens_confirmation_presses_and_staff_downloads_are_limited_per_address(
    database_url, tmp_path
):
    app = prepared_app(database_url, tmp_path, LIMIT_IP_OTHER="4 per minute")
    client = app.test_client()
    answers = [
        client.get(f"/api/petitions/{PETITION}/form-token").status_code,
        client.post("/confirm/" + "x" * 43).status_code,
        client.get(f"/api/petitions/{PETITION}/signatures.csv").status_code,
        client.get(f"/api/petitions/{PETITION}/delivery").status_code,
        client.get(f"/api/petitions/{PETITION}/form-token").status_code,
    ]
    assert answers == [200, 404, 401, 401, 429]  # one budget for all of them
    assert int(client.get("/confirm/" + "x" * 43).headers["Retry-After"]) >= 1
    app.extensions["engine"].dispose()


def test_a_mail_provider_unsubscribing_many_people_from_one_address_has_its_own_budget(
    database_url, tmp_path
):
    app = prepared_app(
        database_url, tmp_path, LIMIT_IP_OTHER="4 per minute", LIMIT_ONE_CLICK="8 per minute"
    )
    client = app.test_client()
    one_click = {"List-Unsubscribe": "One-Click"}
    link = f"/unsubscribe/{'k' * 32}"
    answers = [client.post(f"{link}{i}", data=one_click).status_code for i in range(9)]
    assert answers == [404] * 8 + [429]  # unknown keys, answered, until its own budget ends
    pages = [client.get(f"{link}{i}").status_code for i in range(5)]
    assert pages == [404] * 4 + [429]  # people's pages and presses keep theirs
    assert client.post(link, data={}).status_code == 429
    app.extensions["engine"].dispose()


def test_another_address_is_not_slowed_by_the_first(strict_app):
    client = strict_app.test_client()
    for i in range(6):
        client.post(SIGN_URL, json=supporter(email=f"p{i}@example.org"))
    response = client.post(
        SIGN_URL,
        json=supporter(email="elsewhere@example.org"),
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert response.status_code == 201


def test_a_flood_on_one_petition_is_braked(database_url, tmp_path):
    app = prepared_app(database_url, tmp_path, LIMIT_PETITION="3 per minute")
    client = app.test_client()
    codes = [
        client.post(
            SIGN_URL,
            json=supporter(email=f"p{i}@example.org"),
            environ_base={"REMOTE_ADDR": f"198.51.100.{i}"},
        ).status_code
        for i in range(4)
    ]
    assert codes == [201, 201, 201, 429]
    # Other petitions are not braked by it.
    other = client.post("/api/petitions/fund-wic/signatures", json=supporter())
    assert other.status_code == 201
    app.extensions["engine"].dispose()


def test_a_page_on_another_site_cannot_post_signatures(app, client):
    response = client.post(SIGN_URL, json=supporter(), headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert "evil.example" in response.get_json()["error"]["message"]
    assert row_count(app, Signature) == 0


def test_a_sandboxed_frame_on_any_site_cannot_post_signatures(app, client):
    # <iframe sandbox> pages post with "Origin: null", whoever's site they sit on.
    for body in ({"json": supporter()}, {"data": supporter(email_updates="y")}):
        response = client.post(SIGN_URL, headers={"Origin": "null"}, **body)
        assert response.status_code == 403
    assert "Origin: null" in response.get_data(as_text=True)
    assert row_count(app, Signature) == 0


def test_a_page_of_our_own_that_sends_no_referrer_may_still_post(app, client):
    # Browsers post as "Origin: null" from a page with Referrer-Policy no-referrer,
    # and say Sec-Fetch-Site: same-origin when that is all it is.
    response = client.post(
        SIGN_URL,
        json=supporter(),
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 201


def test_the_campaign_site_may_post_across_origins_and_read_the_answer(app, client):
    origin = "http://localhost:8000"  # in the default allowlist
    preflight = client.options(
        SIGN_URL,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == origin
    assert "content-type" in preflight.headers["Access-Control-Allow-Headers"].lower()

    response = client.post(SIGN_URL, json=supporter(), headers={"Origin": origin})
    assert response.status_code == 201
    assert response.headers["Access-Control-Allow-Origin"] == origin


def test_another_site_gets_no_cors_permission(app, client):
    response = client.options(
        SIGN_URL,
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 403
    assert "Access-Control-Allow-Origin" not in response.headers
