"""A supporter signs a petition: the happy paths and the answers they get."""

from __future__ import annotations

from petition_api.models import Outbox, Signature, Status

from ..conftest import database
from .support import PETITION, SIGN_URL, outbox, row_count, signatures, supporter


def test_a_supporter_signs_with_javascript_and_is_asked_to_check_their_email(app, sign):
    response = sign()

    assert response.status_code == 201
    [signature] = signatures(app)
    assert response.get_json() == {"status": "pending", "ref": signature.referral_code}
    assert signature.status == Status.PENDING
    assert (signature.first_name, signature.last_name) == ("Maria", "Hernandez")
    assert (signature.state, signature.zip, signature.city) == ("NY", "10118", "New York")
    assert signature.petition_version
    assert signature.updates_consent_id is not None
    [message] = outbox(app)
    assert (message.kind, message.signature_id, message.status) == (
        "confirm",
        signature.id,
        "queued",
    )


def test_a_supporter_without_javascript_posts_the_form_and_lands_on_the_thank_you_page(app, client):
    form = supporter(email_updates="y")
    response = client.post(SIGN_URL, data=form)

    assert response.status_code == 303
    [signature] = signatures(app)
    assert response.headers["Location"] == (
        f"http://127.0.0.1:8000/petitions/paid-family-leave/thanks/?ref={signature.referral_code}"
    )


def test_the_email_updates_box_left_unticked_records_no_consent(app, sign):
    sign(email_updates=False)
    assert signatures(app)[0].updates_consent_id is None


def test_the_consent_wording_the_supporter_saw_is_recorded(app, sign):
    from petition_api.models import ConsentWording

    sign(email_updates=True)
    [signature] = signatures(app)
    with database(app) as session:
        wording = session.get(ConsentWording, signature.updates_consent_id)
    assert wording.text == (
        "Yes, email me updates about paid family leave. I can unsubscribe at any time."
    )


def test_campaign_attribution_is_carried_into_the_signature(app, sign):
    page = "/petitions/paid-family-leave/v/twelve-weeks/"
    sign(utm_source="facebook", utm_campaign="mothers-day", variant="twelve-weeks", page=page)
    [signature] = signatures(app)
    assert (signature.utm_source, signature.utm_campaign) == ("facebook", "mothers-day")
    assert (signature.variant, signature.page) == ("twelve-weeks", page)


def test_an_overlong_tracking_value_is_cut_rather_than_refused(app, sign):
    response = sign(utm_content="x" * 500)
    assert response.status_code == 201
    assert signatures(app)[0].utm_content == "x" * 200


def test_fields_the_api_does_not_know_are_ignored(app, sign):
    response = sign(favourite_colour="green", status="validated", id=99)
    assert response.status_code == 201
    [signature] = signatures(app)
    assert signature.status == Status.PENDING
    assert signature.id != 99


def test_a_zip_plus_four_is_stored_in_its_usual_form(app, sign):
    sign(zip="101180001")
    assert signatures(app)[0].zip == "10118-0001"


def test_a_signer_who_chose_their_district_has_it_recorded(app, sign):
    sign(district="ny-12")
    assert signatures(app)[0].district == "NY-12"


def test_signing_a_petition_that_does_not_exist_is_a_404(app, client):
    response = client.post("/api/petitions/no-such-thing/signatures", json=supporter())
    assert response.status_code == 404
    assert "no-such-thing" in response.get_json()["error"]["message"]
    assert row_count(app, Signature) == 0


def test_signing_a_closed_petition_is_a_410_and_stores_nothing(app, client):
    response = client.post("/api/petitions/closed-petition/signatures", json=supporter())
    assert response.status_code == 410
    assert "closed" in response.get_json()["error"]["message"]
    assert row_count(app, Signature) == 0


def test_a_body_too_large_is_refused_with_413_before_it_is_read(app, client):
    response = client.post(SIGN_URL, json=supporter(comment="x" * 20_000))
    assert response.status_code == 413
    assert row_count(app, Signature) == 0


def test_a_body_that_is_neither_json_nor_a_form_is_a_415(app, client):
    response = client.post(SIGN_URL, data="first_name=Maria", content_type="text/plain")
    assert response.status_code == 415
    assert row_count(app, Signature) == 0


def test_a_json_body_that_is_not_an_object_is_a_400(app, client):
    response = client.post(SIGN_URL, json=["Maria", "Hernandez"])
    assert response.status_code == 400
    assert row_count(app, Signature) == 0


def test_a_field_sent_as_a_list_is_named_in_the_error(app, client):
    response = client.post(SIGN_URL, json=supporter(first_name=["Maria"]))
    assert response.status_code == 400
    assert "first_name" in response.get_json()["error"]["message"]


def test_the_open_petitions_are_listed_with_their_counts(app, client):
    response = client.get("/api/petitions")
    assert response.status_code == 200
    listed = {p["slug"]: p for p in response.get_json()["petitions"]}
    assert set(listed) == {PETITION, "fund-wic"}  # the closed one is not listed
    assert listed[PETITION]["goal"] == 250000
    assert listed[PETITION]["count"] == 0


def test_the_form_token_is_fresh_for_every_form_and_never_cached(app, client):
    response = client.get(f"/api/petitions/{PETITION}/form-token")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json()["form_token"]


def test_mail_is_queued_with_the_signature_not_sent_during_the_request(app, sign, tmp_path):
    sign()
    assert row_count(app, Outbox) == 1
    assert not (tmp_path / "mail").exists() or not list((tmp_path / "mail").glob("*.eml"))
