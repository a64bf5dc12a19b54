"""Every email a supporter gets (confirm, confirm again, thanks, already signed, a copy of
their data, a story's confirmation and permission request, an update) comes from the
campaign's name, wears its header band and colours, names the petition, has one
button, and a plain-text part that reads well: as it arrives at a real SMTP server."""

from __future__ import annotations

import re

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from petition_api.models import Signature, Story, utcnow
from petition_api.updates import updates

from ..conftest import database, free_port
from .conftest import Inbox
from .every_email_support import (
    KINDS,
    POSTAL,
    POSTAL_LINES,
    TITLE,
    UPDATE,
    campaign_app,
    every_email,
    html_of,
    text_of,
)
from .support import confirm_path, mailbox, send_mail, supporter
from .supporters_support import update_file

NAMING_THE_PETITION = [k for k in KINDS if k not in ("your_data", "update")]
BUTTON = re.compile(r'<a class="button" href="([^"]+)"[^>]*>([^<]+)</a>')
ADDRESS = re.compile(r"(https?://|mailto:)\S+")


@pytest.fixture(scope="module")
def emails(tmp_path_factory):
    """One of each kind, through the worker and a real SMTP exchange (SQLite: what is
    checked here is what the messages say, not how they are stored)."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    tmp_path = tmp_path_factory.mktemp("every-email")
    app = campaign_app(
        f"sqlite:///{tmp_path / 'groundswell.db'}",
        tmp_path,
        MAIL_BACKEND="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=controller.port,
        SMTP_SECURITY="none",
        **POSTAL,
    )
    try:
        yield every_email(app, tmp_path, lambda: inbox.messages)
    finally:
        app.extensions["engine"].dispose()
        controller.stop()


@pytest.mark.parametrize("kind", KINDS)
def test_every_email_comes_from_the_campaigns_name(emails, kind):
    [sender] = emails[kind]["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Families First", "petitions@localhost")


@pytest.mark.parametrize("kind", KINDS)
def test_every_email_wears_the_campaigns_header_band_and_colours(emails, kind):
    html = html_of(emails[kind])
    assert re.search(
        r'<td style="background:#4051b5;color:#ffffff;[^"]*">Families First</td>', html
    )
    assert "font-family:" in html and "serif" not in html.replace("sans-serif", "")
    assert "-- \nFamilies First\n" in text_of(emails[kind])


@pytest.mark.parametrize("kind", KINDS)
def test_every_email_ends_with_the_campaigns_name_and_postal_address(emails, kind):
    html = html_of(emails[kind])
    [footer] = re.findall(r'<p class="postal" [^>]*>(.*?)</p>', html)
    assert footer.split("<br>") == POSTAL_LINES
    assert html.index('class="postal"') > html.index("</h1>" if "</h1>" in html else "<body")
    text = text_of(emails[kind]).rstrip("\n")
    assert text.endswith("\n\n" + "\n".join(POSTAL_LINES)), text[-300:]


def test_a_campaign_that_names_no_address_sends_no_empty_one(database_url, tmp_path):
    """The organisation alone is not an address: without GROUNDSWELL_CAMPAIGN_ADDRESS the
    footer stays as it was; with an address and no organisation, the site's name signs."""
    for settings, first_line in (
        ({"CAMPAIGN_ORGANISATION": "Families First Coalition"}, None),
        ({"CAMPAIGN_ADDRESS": POSTAL["CAMPAIGN_ADDRESS"]}, "Families First"),
    ):
        folder = tmp_path / str(first_line)
        folder.mkdir()
        app = campaign_app(database_url, folder, **settings)
        try:
            app.test_client().post("/api/petitions/paid-family-leave/signatures", json=supporter())
            send_mail(app.test_cli_runner())
            [message] = mailbox(app)
        finally:
            app.extensions["engine"].dispose()
        text = text_of(message)
        if first_line is None:
            assert 'class="postal"' not in html_of(message)
            assert "Families First Coalition" not in text and "Springfield" not in text
            assert "/preferences/" in text.rstrip("\n").rsplit("\n", 1)[1]  # the last line
        else:
            assert text.rstrip("\n").endswith("\n".join([first_line, *POSTAL_LINES[1:]]))


@pytest.mark.parametrize("kind", NAMING_THE_PETITION)
def test_every_email_about_a_petition_names_it(emails, kind):
    assert re.search(f"<h1 [^>]*>{TITLE}</h1>", html_of(emails[kind]))
    assert text_of(emails[kind]).startswith(f"{TITLE}\n{'=' * len(TITLE)}\n")


@pytest.mark.parametrize("kind", KINDS)
def test_every_email_has_one_button_and_its_address_on_a_line_of_its_own(emails, kind):
    [(address, label)] = BUTTON.findall(html_of(emails[kind]))
    lines = text_of(emails[kind]).split("\n")
    assert f"{label}:" in lines and address.replace("&amp;", "&") in lines
    assert lines.index(address.replace("&amp;", "&")) == lines.index(f"{label}:") + 1


@pytest.mark.parametrize("kind", KINDS)
def test_every_plain_text_part_is_wrapped_with_its_addresses_whole(emails, kind):
    text = text_of(emails[kind])
    for line in text.split("\n"):
        assert len(line) <= 72 or ADDRESS.search(line), line
    assert not re.search(r"</?[a-z][^>]*>|&(amp|lt|gt|quot|#\d+);", text)  # no HTML left
    for markdown in ("**", "##", "](", "{.button}"):
        assert markdown not in text


@pytest.mark.parametrize("kind", KINDS)
def test_every_address_shown_as_text_breaks_rather_than_run_past_a_phone(emails, kind):
    html = html_of(emails[kind])
    shown = re.findall(r'<a href="[^"]+" style="([^"]*)">(?:https?://|mailto:)[^<]*</a>', html)
    for style in shown:
        assert "overflow-wrap:anywhere;word-break:break-word" in style


def test_an_update_reads_as_plain_text_without_its_markdown(emails):
    text = " ".join(text_of(emails["update"]).split())
    assert "We delivered 230,000 signatures to Congress this week." in text
    assert (
        "Read what the offices said "
        "(https://example.org/news/2026/12/03/what-the-offices-said-about-paid-leave)."
    ) in text
    lines = text_of(emails["update"]).split("\n")
    assert lines[lines.index("What comes next") + 1] == "-" * len("What comes next")
    assert "- Calls to every office that has not answered" in lines
    assert "- A town hall in each state with a co-sponsor" in lines
    assert "Most House offices | They will read the stories of constituents" in lines
    assert lines[0] == "Hello Maria,"


def test_a_copy_of_ones_data_has_an_html_part_and_keeps_its_attachment(emails):
    message = emails["your_data"]
    [attachment] = message.iter_attachments()
    assert attachment.get_filename() == "your-data.json"
    assert "everything we hold about this email address" in " ".join(html_of(message).split())


def test_an_operators_own_sender_name_wins_and_a_bare_address_gets_the_sites_name(
    database_url, tmp_path
):
    for configured, shown in (
        ("Moms for Paid Leave <hello@example.org>", "Moms for Paid Leave"),
        ("hello@example.org", "Families First"),
    ):
        folder = tmp_path / shown.replace(" ", "-")
        folder.mkdir()
        app = campaign_app(database_url, folder, MAIL_FROM=configured)
        try:
            app.test_client().post("/api/petitions/paid-family-leave/signatures", json=supporter())
            send_mail(app.test_cli_runner())
            [sender] = mailbox(app)[-1]["From"].addresses
        finally:
            app.extensions["engine"].dispose()
        assert (sender.display_name, sender.addr_spec) == (shown, "hello@example.org")


def test_a_site_name_beyond_ascii_reaches_the_inbox_as_written(database_url, tmp_path):
    look = {"name": "Familias Unidas, Peñuelas", "colors": {"primary": "#4051b5"}}
    app = campaign_app(database_url, tmp_path, SITE_LOOK=look)
    try:
        client, runner = app.test_client(), app.test_cli_runner()
        client.post("/api/petitions/paid-family-leave/signatures", json=supporter())
        send_mail(runner)
        client.post(confirm_path(mailbox(app)[-1]))
        sent = runner.invoke(args=["mailings", "send", str(update_file(tmp_path, UPDATE)), "--yes"])
        assert sent.exit_code == 0, sent.output
        send_mail(runner)
        for message in mailbox(app):
            assert message["From"].addresses[0].display_name == "Familias Unidas, Peñuelas"
    finally:
        app.extensions["engine"].dispose()


def test_staff_are_told_an_update_has_one_button_at_most(app, runner, tmp_path):
    two = UPDATE.replace(
        "(https://example.org/news/2026/12/03/what-the-offices-said-about-paid-leave)",
        "(https://example.org/news/){.button}",
    )
    result = runner.invoke(args=["mailings", "preview", str(update_file(tmp_path, two))])
    assert result.exit_code != 0
    assert "body: 2 links are written as a button ({.button}); an update has one button" in (
        result.output
    )


EVERY_FEATURE = """Hello {{ first_name }},

On *Tuesday* we delivered **your signature**.[^1] Write to <maria@example.org> or
[reply by email](mailto:maria@example.org), and read <https://example.org/news/>.

### Who answered

1. Most House offices
2. Three Senate offices, who said:
    - they would read the stories
    - they asked for a meeting

> We will read every story from our district, a staff member told us on the phone.

Line one of an address<br>
line two

![A crowd at the Capitol](https://example.org/crowd.jpg)

    flask mailings status

---

[^1]: With 230,000 others.
"""


def test_staff_write_an_update_with_every_markdown_feature_and_its_text_reads_well(app):
    shown = {"sha256": "f" * 64, "subject": "Delivered", "body": EVERY_FEATURE,
             "preheader": None, "from_name": "Maria at the campaign"}  # fmt: skip
    with app.test_request_context():
        message = updates.sample(shown)
    text = text_of(message)
    assert message["From"].addresses[0].display_name == "Maria at the campaign"
    assert text.startswith(
        "Hello Alex,\n\nOn Tuesday we delivered your signature.[1] Write to maria@example.org or\n"
        "reply by email (maria@example.org), and read https://example.org/news/.\n\n"
        "Who answered\n------------\n\n"
        "1. Most House offices\n2. Three Senate offices, who said:\n"
        "   - they would read the stories\n   - they asked for a meeting\n\n"
        "> We will read every story from our district, a staff member told us on\n"
        "> the phone.\n\nLine one of an address\nline two\n\n"
        "A crowd at the Capitol\n\n    flask mailings status\n\n----\n\n"
    )
    assert "1. With 230,000 others." in text and "↩" not in text


def days_left(moment) -> int:
    return round((moment - utcnow()).total_seconds() / 86400)


def test_the_days_each_link_is_said_to_work_are_the_days_it_works(database_url, tmp_path):
    app = campaign_app(database_url, tmp_path)
    try:
        emails = every_email(app, tmp_path, lambda: mailbox(app))
        with database(app) as session:
            signature = session.scalars(select(Signature)).one()
            story = session.scalars(select(Story)).one()
            signed_days = (signature.confirm_expires_at - signature.created_at).days
            asked_days = days_left(story.confirm_expires_at)
    finally:
        app.extensions["engine"].dispose()
    said = {kind: " ".join(text_of(message).split()) for kind, message in emails.items()}
    assert signed_days == app.config["CONFIRM_TOKEN_DAYS"] == 14
    assert "It works for 14 days." in said["confirm"]
    assert "It replaces any earlier one and works for 14 days." in said["confirm_again"]
    assert asked_days == 30 and "The link works for 30 days." in said["story_permission"]
    assert "It works for 14 days." in said["story_confirm"]
    assert "nothing is kept for more than 30 days" in said["story_confirm"]
    assert app.config["RETAIN_UNCONFIRMED_DAYS"] == 30
