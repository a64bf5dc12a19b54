"""A supporter stops, changes or restarts their updates, from any email, years later."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

from sqlalchemy import select, update

from petition_api.models import (
    ConsentEvent,
    ConsentWording,
    EmailStatus,
    Outbox,
    Signature,
    Supporter,
    utcnow,
)

from ..conftest import database
from .support import SIGN_URL, mailbox, send_mail, supporter
from .supporters_support import confirm_everyone, links, supporter_row

MARIA = "maria.hernandez@example.org"


def history(app, email: str = MARIA) -> list[tuple[str, str]]:
    found = supporter_row(app, email)
    with database(app) as session:
        events = session.scalars(
            select(ConsentEvent)
            .where(ConsentEvent.supporter_id == found.id)
            .order_by(ConsentEvent.id)
        )
        return [(str(e.action), e.source) for e in events]


def test_confirming_with_the_box_ticked_makes_a_subscribed_supporter_with_the_wording(
    app, client, runner
):
    client.post(SIGN_URL, json=supporter(page="/stories/maria/"))
    confirm_everyone(client, runner, lambda: mailbox(app))
    maria = supporter_row(app, MARIA)
    assert maria.status == EmailStatus.SUBSCRIBED
    assert history(app) == [("given", "signature")]
    with database(app) as session:
        event, wording = session.execute(
            select(ConsentEvent, ConsentWording.text).join(ConsentWording)
        ).one()
    assert wording.startswith("Yes, email me updates about paid family leave.")
    assert event.page == "/stories/maria/" and event.petition_id is not None


def test_confirming_without_the_box_makes_a_supporter_who_gets_no_updates(app, client, runner):
    client.post(SIGN_URL, json=supporter(email_updates=None))
    confirm_everyone(client, runner, lambda: mailbox(app))
    assert supporter_row(app, MARIA).status == EmailStatus.UNSUBSCRIBED
    assert history(app) == []


def test_a_pending_signer_is_no_supporter_yet(app, client, runner):
    client.post(SIGN_URL, json=supporter())
    send_mail(runner)
    assert supporter_row(app, MARIA) is None


def test_a_mail_provider_unsubscribes_with_one_click(app, client, runner):
    client.post(SIGN_URL, json=supporter())
    confirm_everyone(client, runner, lambda: mailbox(app))
    key = supporter_row(app, MARIA).link_key
    # RFC 8058: a POST with this body, no cookie, no Origin, no page.
    answer = client.post(
        f"/unsubscribe/{key}?m=7",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status_code == 200
    assert supporter_row(app, MARIA).status == EmailStatus.UNSUBSCRIBED
    assert history(app) == [("given", "signature"), ("withdrawn", "one-click")]
    again = client.post(
        f"/unsubscribe/{key}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert again.status_code == 200 and len(history(app)) == 2  # idempotent


def test_the_unsubscribe_page_asks_first_and_shows_nothing_more_than_the_address(
    app, client, runner
):
    client.post(SIGN_URL, json=supporter())
    confirm_everyone(client, runner, lambda: mailbox(app))
    key = supporter_row(app, MARIA).link_key
    page = client.get(f"/unsubscribe/{key}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and html.count("<button") == 1
    assert MARIA in html and "Hernandez" not in html and "10118" not in html
    assert supporter_row(app, MARIA).status == EmailStatus.SUBSCRIBED  # opening changed nothing
    pressed = client.post(f"/unsubscribe/{key}", headers={"Sec-Fetch-Mode": "navigate"})
    assert "You are unsubscribed" in pressed.get_data(as_text=True)
    assert history(app)[-1] == ("withdrawn", "unsubscribe")


def test_a_guessed_unsubscribe_link_changes_nothing_and_says_nothing(app, client):
    for method in (client.get, client.post):
        answer = method("/unsubscribe/not-a-key-of-anyone-at-all-0123456789")
        assert answer.status_code == 404
        assert "We don't recognise this link" in answer.get_data(as_text=True)


def test_a_supporter_chooses_only_their_petitions_then_none_then_everything(app, client, runner):
    client.post(SIGN_URL, json=supporter())
    confirm_everyone(client, runner, lambda: mailbox(app))
    key = supporter_row(app, MARIA).link_key
    page = client.get(f"/preferences/{key}").get_data(as_text=True)
    assert "Email me updates about the petitions I signed" in page
    saved = client.post(f"/preferences/{key}", data={"updates": "signed"})
    assert "You will get updates about the petitions you signed." in saved.get_data(as_text=True)
    assert supporter_row(app, MARIA).scope == "signed"
    client.post(f"/preferences/{key}", data={"updates": "none"})
    assert supporter_row(app, MARIA).status == EmailStatus.UNSUBSCRIBED
    client.post(f"/preferences/{key}", data={"updates": "all"})
    maria = supporter_row(app, MARIA)
    assert (maria.status, maria.scope) == (EmailStatus.SUBSCRIBED, "all")
    assert [action for action, _ in history(app)] == ["given", "given", "withdrawn", "given"]
    wrong = client.post(f"/preferences/{key}", data={"updates": "daily"})
    assert wrong.status_code == 422  # the same page again, saying what to do
    assert 'role="alert"' in wrong.get_data(as_text=True)
    assert "Choose one of the options, then save." in wrong.get_data(as_text=True)
    assert "Save my choice" in wrong.get_data(as_text=True)


def test_a_supporter_who_complained_can_resubscribe_only_themselves(app, client, runner):
    client.post(SIGN_URL, json=supporter())
    confirm_everyone(client, runner, lambda: mailbox(app))
    maria = supporter_row(app, MARIA)
    with database(app) as session:
        session.execute(Supporter.mark(maria.id, EmailStatus.SPAM_COMPLAINT, utcnow()))
    # Signing another petition with the box ticked does not lift a complaint ...
    client.post("/api/petitions/fund-wic/signatures", json=supporter())
    confirm_everyone(client, runner, lambda: mailbox(app))
    assert supporter_row(app, MARIA).status == EmailStatus.SPAM_COMPLAINT
    # ... the person choosing updates on their own page does.
    client.post(f"/preferences/{supporter_row(app, MARIA).link_key}", data={"updates": "all"})
    assert supporter_row(app, MARIA).status == EmailStatus.SUBSCRIBED


def test_a_supporter_asks_for_a_copy_of_their_data_and_it_goes_to_their_address(
    app, client, runner
):
    client.post(SIGN_URL, json=supporter())
    confirm_everyone(client, runner, lambda: mailbox(app))
    key = supporter_row(app, MARIA).link_key
    answer = client.post(f"/preferences/{key}/copy")
    assert answer.status_code == 200 and "on its way" in answer.get_data(as_text=True)
    send_mail(runner)
    message = mailbox(app)[-1]
    assert message["To"] == MARIA and message["Subject"] == "The data we hold about you"
    [attachment] = list(message.iter_attachments())
    data = attachment.get_content()
    data = data.decode() if isinstance(data, bytes) else data
    assert '"last_name": "Hernandez"' in data and '"petition": "paid-family-leave"' in data
    with database(app) as session:  # the copy left the database with the message
        assert all(row.payload is None for row in session.scalars(select(Outbox)))


def test_pressing_copy_again_and_again_sends_one_copy_a_day(app, client, runner):
    client.post(SIGN_URL, json=supporter())
    confirm_everyone(client, runner, lambda: mailbox(app))
    key = supporter_row(app, MARIA).link_key
    pages = [client.post(f"/preferences/{key}/copy").get_data(as_text=True) for _ in range(5)]
    assert "in the last\n24 hours" in pages[-1] and "in the last" not in pages[0]
    with database(app) as session:
        copies = session.scalars(select(Outbox).where(Outbox.kind == "your_data")).all()
        assert len(copies) == 1
        session.execute(update(Outbox).values(created_at=utcnow() - timedelta(days=1, minutes=1)))
    client.post(f"/preferences/{key}/copy")
    with database(app) as session:
        assert len(session.scalars(select(Outbox).where(Outbox.kind == "your_data")).all()) == 2


def test_every_email_links_to_the_persons_preferences_and_data(app, client, runner):
    client.post(SIGN_URL, json=supporter())
    confirm_everyone(client, runner, lambda: mailbox(app))
    send_mail(runner)
    confirm, thanks = mailbox(app)[:2]
    pending_link = [link for link in links(confirm) if link.startswith("/preferences/")]
    assert pending_link, "the confirmation email links to a preferences page"
    assert client.get(pending_link[0]).status_code == 200
    key = supporter_row(app, MARIA).link_key
    thanked = thanks.get_body(("plain",)).get_content()
    assert f"/preferences/{key}" in thanked
    # ... and the thank-you says who receives it and how to share (no congress data here).
    assert "both of your senators" in thanked and "whatsapp" in thanked.lower()
    assert message_from_bytes(bytes(thanks), policy=policy.default)["To"] == MARIA
    # The confirmation email's link lasts as long as its link to confirm; the key, always.
    with database(app) as session:
        session.execute(update(Signature).values(confirm_expires_at=utcnow()))
    assert client.get(pending_link[0]).status_code == 404
    assert client.post(f"{pending_link[0]}/forget").status_code == 404
    assert client.get(f"/preferences/{key}").status_code == 200
