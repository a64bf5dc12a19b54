"""Whoever asks for a copy of their data gets, with it, a button to what they can do
next: a supporter, their preferences page; a signer who has not confirmed yet, the
same page through the link they asked with, while it works, and a clear word on what
confirming changes; one whose link stopped working, the petition, to sign again."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from petition_api.models import Signature, utcnow

from ..conftest import database
from .support import SIGN_URL, confirm_path, mailbox, send_mail, signatures, supporter
from .supporters_support import confirm_everyone, supporter_row

MARIA = "maria.hernandez@example.org"
SITE = "http://127.0.0.1:8000"
BUTTON = re.compile(r'<a class="button" href="([^"]+)"[^>]*>([^<]+)</a>')


def pending_link(app) -> str:
    """The preferences link in the confirmation email: before confirming, the only one."""
    [confirm] = [m for m in mailbox(app) if m["Subject"].startswith("Please confirm")]
    text = confirm.get_body(("plain",)).get_content()
    return re.search(rf"{SITE}(/preferences/\S+)", text).group(1)


def copy_of_data(app, runner):
    send_mail(runner)
    [copy] = [m for m in mailbox(app) if m["Subject"] == "The data we hold about you"]
    html = copy.get_body(("html",)).get_content()
    text = " ".join(copy.get_body(("plain",)).get_content().split())
    [(address, label)] = BUTTON.findall(html)
    return address.replace("&amp;", "&"), label, text


def signed_without_confirming(client, runner) -> None:
    client.post(SIGN_URL, json=supporter())
    send_mail(runner)


def test_a_supporter_gets_a_button_to_their_preferences_page(app, client, runner):
    client.post(SIGN_URL, json=supporter())
    confirm_everyone(client, runner, lambda: mailbox(app))
    key = supporter_row(app, MARIA).link_key
    client.post(f"/preferences/{key}/copy")
    address, label, text = copy_of_data(app, runner)
    assert (address, label) == (f"{SITE}/preferences/{key}", "Your preferences and data")
    assert f"Your preferences and data: {SITE}/preferences/{key}" in text
    assert "not confirmed" not in text
    assert client.get(address.removeprefix(SITE)).status_code == 200


def test_a_signer_who_has_not_confirmed_gets_a_button_to_their_preferences_too(app, client, runner):
    signed_without_confirming(client, runner)
    link = pending_link(app)
    assert client.post(f"{link}/copy").status_code == 200
    address, label, text = copy_of_data(app, runner)
    assert (address, label) == (SITE + link, "Your preferences and data")
    assert f"Your preferences and data: {SITE}{link}" in text
    page = client.get(link)
    assert page.status_code == 200 and MARIA in page.get_data(as_text=True)
    [signature] = signatures(app)
    until = signature.confirm_expires_at
    assert f"This button works until {until:%B} {until.day}, {until.year}, as the link" in text
    assert "You have not confirmed your signature yet, so it is not counted" in text
    assert "we delete your signature 30 days after you signed" in text
    assert app.config["RETAIN_UNCONFIRMED_DAYS"] == 30


def test_a_signer_who_confirms_before_the_copy_goes_gets_the_link_that_always_works(
    app, client, runner
):
    signed_without_confirming(client, runner)
    client.post(f"{pending_link(app)}/copy")
    client.post(confirm_path(mailbox(app)[0]))  # while the copy is still queued
    key = supporter_row(app, MARIA).link_key
    address, _, text = copy_of_data(app, runner)
    assert address == f"{SITE}/preferences/{key}"
    assert "not confirmed" not in text


def test_a_signer_whose_link_stopped_working_is_told_how_to_sign_again(app, client, runner):
    signed_without_confirming(client, runner)
    client.post(f"{pending_link(app)}/copy")
    with database(app) as session:  # expired before the worker got to the copy
        session.execute(update(Signature).values(confirm_expires_at=utcnow() - timedelta(1)))
    address, label, text = copy_of_data(app, runner)
    assert (address, label) == (f"{SITE}/petitions/paid-family-leave/", "Open the petition")
    assert "/preferences/" not in text  # no button to a page that would say 404
    assert "The link you asked with no longer works" in text
    assert "sign again on the petition's page: we will email you a new link" in text
