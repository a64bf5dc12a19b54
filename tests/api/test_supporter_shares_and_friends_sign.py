"""A supporter shares the petition and friends sign through the link: each share link a
signer gets carries their referral code, and the friend's signature records whose it
was and how far the share travelled (generation), while staff see counts only."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select, update

from petition_api.models import Signature, Status, utcnow
from petition_api.petitions import sharing
from petition_api.retention import schedule
from petition_api.signing.referrals import CODE

from ..conftest import ROOT, database
from .console_support import console_client
from .support import PETITION, SIGN_URL, mailbox, send_mail, supporter

CONFIRM = re.compile(r"(/confirm/[A-Za-z0-9_-]+)")


def signature_of(app, email: str) -> Signature:
    with database(app) as session:
        return session.scalar(select(Signature).where(Signature.email == email))


def message_to(app, email: str, words: str):
    """The newest message to `email` whose plain text has `words`."""
    found = [
        m
        for m in mailbox(app)
        if m["To"].addresses[0].addr_spec == email and words in m.get_body(("plain",)).get_content()
    ]
    return found[-1]


def confirm(app, client, email: str) -> str:
    """The signer presses the emailed button; returns the confirmed page."""
    send_mail(app.test_cli_runner())
    text = message_to(app, email, "/confirm/").get_body(("plain",)).get_content()
    pressed = client.post(CONFIRM.search(text).group(1))
    assert pressed.status_code == 200
    return pressed.get_data(as_text=True)


def link_to_copy(confirmed_page: str) -> str:
    return unescape(re.search(r'id="petition-link"[^>]*value="([^"]+)"', confirmed_page).group(1))


def sign_through(client, link: str, email: str, **more):
    """A friend opens the link, and the site's form sends what it carries (petition.js)."""
    carried = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    response = client.post(SIGN_URL, json=supporter(email=email, **carried, **more))
    assert response.status_code == 201
    return response


def test_a_friend_signs_through_a_supporters_link_and_their_friend_through_theirs(app, client):
    client.post(SIGN_URL, json=supporter(email="maria@example.org"))
    marias_link = link_to_copy(confirm(app, client, "maria@example.org"))
    maria = signature_of(app, "maria@example.org")
    assert CODE.fullmatch(maria.referral_code) and maria.generation == 0
    assert parse_qs(urlsplit(marias_link).query)["ref"] == [maria.referral_code]

    sign_through(client, marias_link, "ana@example.org", first_name="Ana")
    ana = signature_of(app, "ana@example.org")
    assert (ana.referrer_id, ana.generation) == (maria.id, 1)
    assert (ana.utm_source, ana.utm_medium, ana.utm_content) == ("link", "share", "confirmed")
    assert ana.referral_code not in (None, maria.referral_code)

    anas_link = link_to_copy(confirm(app, client, "ana@example.org"))
    sign_through(client, anas_link, "li@example.org", first_name="Li")
    li = signature_of(app, "li@example.org")
    assert (li.referrer_id, li.generation) == (ana.id, 2)


def test_a_link_shared_from_one_petition_still_counts_on_another(app, client):
    client.post(SIGN_URL, json=supporter(email="maria@example.org"))
    link = link_to_copy(confirm(app, client, "maria@example.org"))
    ref = parse_qs(urlsplit(link).query)["ref"][0]
    answer = client.post("/api/petitions/fund-wic/signatures", json=supporter(ref=ref))
    assert answer.status_code == 201
    maria = signature_of(app, "maria@example.org")
    with database(app) as session:
        friend = session.scalar(select(Signature).where(Signature.petition_id != maria.petition_id))
    assert (friend.referrer_id, friend.generation) == (maria.id, 1)


def test_an_unknown_or_mangled_code_never_costs_a_signature_and_is_not_kept(app, client):
    mangled = {
        "nobody@example.org": "AAAAAAAAAAAA",  # well formed, but nobody's
        "short@example.org": "abc",
        "long@example.org": "x" * 5000,
        "odd@example.org": "<b>hello</b>",
        "spaced@example.org": "abc def ghij",
    }
    for email, ref in mangled.items():
        assert client.post(SIGN_URL, json=supporter(email=email, ref=ref)).status_code == 201
    assert (
        client.post(SIGN_URL, data=supporter(email="form@example.org", ref="!!")).status_code == 303
    )
    with database(app) as session:
        rows = session.scalars(select(Signature)).all()
    assert len(rows) == 6
    for row in rows:
        assert (row.referrer_id, row.generation) == (None, 0)
        kept = {c.key: getattr(row, c.key) for c in Signature.__table__.columns}
        assert not set(mangled.values()) & {str(v) for v in kept.values()}


def test_signing_again_keeps_the_first_link_and_the_code_already_shared(app, client):
    client.post(SIGN_URL, json=supporter(email="maria@example.org"))
    link = link_to_copy(confirm(app, client, "maria@example.org"))
    sign_through(client, link, "ana@example.org")
    first = signature_of(app, "ana@example.org")
    # Ana signs again, from a plain link: her words change, not who brought her.
    client.post(SIGN_URL, json=supporter(email="ana@example.org", city="Brooklyn"))
    send_mail(app.test_cli_runner())
    again = signature_of(app, "ana@example.org")
    assert again.city == "Brooklyn"
    assert (again.referral_code, again.referrer_id, again.generation) == (
        first.referral_code,
        first.referrer_id,
        1,
    )


def test_a_bot_that_used_rosas_address_first_leaves_her_neither_its_code_nor_its_referrer(
    app, client
):
    """A set-aside submission is answered like any other, with a code: the bot knows
    it. Rosa's own submission replaces the bot's row, and her share links must carry
    the code she was given, not one a stranger holds (it would tie her posts to her
    address), nor the referrer the bot claimed."""
    client.post(SIGN_URL, json=supporter(email="maria@example.org"))
    marias = parse_qs(urlsplit(link_to_copy(confirm(app, client, "maria@example.org"))).query)
    bot = client.post(
        SIGN_URL,
        json=supporter(
            email="rosa@example.org",
            website="http://spam.example",
            **{k: v[0] for k, v in marias.items()},
        ),
    )
    assert bot.status_code == 201
    assert signature_of(app, "rosa@example.org").status == Status.FRAUDULENT
    rosas = client.post(SIGN_URL, json=supporter(email="rosa@example.org", first_name="Rosa"))
    page = confirm(app, client, "rosa@example.org")
    rosa = signature_of(app, "rosa@example.org")
    assert rosa.status == Status.VALIDATED
    assert rosa.referral_code == rosas.get_json()["ref"] != bot.get_json()["ref"]
    assert (rosa.referrer_id, rosa.generation) == (None, 0)
    assert parse_qs(urlsplit(link_to_copy(page)).query)["ref"] == [rosa.referral_code]


def test_the_confirmed_page_and_the_thank_you_email_carry_the_code(app, client):
    client.post(SIGN_URL, json=supporter(email="maria@example.org"))
    page = confirm(app, client, "maria@example.org")
    code = signature_of(app, "maria@example.org").referral_code
    shares = [unescape(h) for h in re.findall(r'href="([^"]+)"', page) if "utm_medium" in h]
    assert len(shares) == 5  # Facebook, WhatsApp, X, email, and the link to copy
    assert all(f"ref={code}" in h or f"ref%3D{code}" in h for h in shares)
    send_mail(app.test_cli_runner())
    thanks = message_to(app, "maria@example.org", "Ask your friends")
    for part in ("plain", "html"):
        body = thanks.get_body((part,)).get_content()
        assert body.count(code) >= 5, part


def test_links_offered_before_signing_carry_no_code():
    """The site's build draws its static lists (before signing, and the thank-you
    page's, which its script tags) without one: only a signer has a code."""
    petition = type("Shown", (), {"page": "/p/", "title": "T", "ask": "A"})
    for signed in (False, True):
        links = sharing.share_links(petition, "https://example.org", "petition-page", signed)
        assert not any("ref" in link.url for link in links)


def test_a_signature_waiting_from_before_codes_gets_one_when_confirmed(app, client):
    client.post(SIGN_URL, json=supporter(email="maria@example.org"))
    with database(app) as session:  # as revision 0012 leaves a row made before it
        session.execute(update(Signature).values(referral_code=None))
    page = confirm(app, client, "maria@example.org")
    code = signature_of(app, "maria@example.org").referral_code
    assert CODE.fullmatch(code) and f"ref={code}" in link_to_copy(page)


def back_in_time(app) -> None:
    """The dashboard's tallies count up to two minutes ago: all of this was earlier."""
    now = utcnow()
    with database(app) as session:
        session.execute(update(Signature).values(created_at=now - timedelta(minutes=10)))
        session.execute(
            update(Signature)
            .where(Signature.status == Status.VALIDATED)
            .values(validated_at=now - timedelta(minutes=9))
        )


def table(page: str, title: str) -> dict[str, list[str]]:
    part = page.split(f"{title} as a table")[1].split("</table>")[0]
    rows = re.findall(r"<tr><th scope=\"row\">([^<]+)</th>((?:<td[^>]*>[^<]*</td>)+)", part)
    return {unescape(name): re.findall(r">([^<]*)</td>", tds) for name, tds in rows}


def test_an_organiser_sees_signatures_by_share_network_and_generation_and_nobody_by_name(
    app, client
):
    client.post(SIGN_URL, json=supporter(email="maria@example.org"))
    link = link_to_copy(confirm(app, client, "maria@example.org"))
    whatsapp = link.replace("utm_source=link", "utm_source=whatsapp")
    sign_through(client, link, "ana@example.org")
    anas = link_to_copy(confirm(app, client, "ana@example.org"))
    sign_through(client, whatsapp, "bo@example.org")  # never confirms
    sign_through(client, anas, "li@example.org")
    confirm(app, client, "li@example.org")
    sign_through(client, anas, "cheat@example.org")
    confirm(app, client, "cheat@example.org")
    runner = app.test_cli_runner()
    invalidated = runner.invoke(
        args=["signatures", "invalidate", "--email", "cheat@example.org", "--yes", "--reason", "t"]
    )
    assert invalidated.exit_code == 0, invalidated.output
    back_in_time(app)

    page = console_client(app, "editor").get(f"/admin/?petition={PETITION}").get_data(as_text=True)
    assert table(page, "Signatures by referral generation") == {
        "0 (no share)": ["1", "1", "100%"],
        "1": ["2", "1", "50%"],
        "2": ["2", "1", "50%"],
        "3 or more": ["0", "0", "-"],
    }
    assert table(page, "Signatures through a share link, by network") == {
        "link": ["3", "2", "67%"],
        "whatsapp": ["1", "0", "0%"],
    }
    signers = ("maria", "ana", "bo", "li", "cheat")
    assert not any(f"{name}@example.org" in page for name in signers)
    with database(app) as session:
        codes = session.scalars(select(Signature.referral_code)).all()
    assert len(codes) == 5 and not any(code in page for code in codes)


def test_retention_and_forgetting_take_the_codes_and_the_links_and_keep_the_generation(app, client):
    client.post(SIGN_URL, json=supporter(email="maria@example.org"))
    marias = link_to_copy(confirm(app, client, "maria@example.org"))
    sign_through(client, marias, "ana@example.org")
    anas = link_to_copy(confirm(app, client, "ana@example.org"))
    sign_through(client, anas, "li@example.org")  # Li never confirms
    runner = app.test_cli_runner()

    shown = runner.invoke(args=["supporters", "show", "ana@example.org"])
    [held] = json.loads(shown.output)["signatures"]
    ana = signature_of(app, "ana@example.org")
    assert (held["referral_code"], held["generation"]) == (ana.referral_code, 1)
    assert "referrer_id" not in held  # someone else's signature: not Ana's data

    # Ana asks to be forgotten: her code and both her links go, her generation stays.
    assert runner.invoke(args=["supporters", "forget", "ana@example.org", "--yes"]).exit_code == 0
    with database(app) as session:
        rows = {s.first_name or s.email_canonical: s for s in session.scalars(select(Signature))}
    forgotten = rows[f"anonymised-{ana.id}"]
    assert (forgotten.referral_code, forgotten.referrer_id, forgotten.generation) == (None, None, 1)
    li = signature_of(app, "li@example.org")
    assert (li.referrer_id, li.generation) == (None, 2)
    # Nobody can sign through Ana's link any more: it counts as no link.
    sign_through(client, anas, "late@example.org")
    assert signature_of(app, "late@example.org").generation == 0


def test_a_referrer_who_never_confirms_is_deleted_on_schedule_and_the_friend_still_counts(
    app, client
):
    # The thank-you page's links carry the code before anyone confirms.
    code = client.post(SIGN_URL, json=supporter(email="maria@example.org")).get_json()["ref"]
    link = f"https://example.org/p/?utm_source=x&utm_medium=share&ref={code}"
    sign_through(client, link, "ana@example.org")
    confirm(app, client, "ana@example.org")
    later = utcnow() + timedelta(days=app.config["RETAIN_UNCONFIRMED_DAYS"] + 1)
    ran = app.test_cli_runner().invoke(
        args=["retention", "run", "--now", later.strftime("%Y-%m-%dT%H:%M:%S")]
    )
    assert ran.exit_code == 0, ran.output
    assert signature_of(app, "maria@example.org") is None
    ana = signature_of(app, "ana@example.org")
    assert (ana.referrer_id, ana.generation) == (None, 1)


def test_the_form_shown_again_after_a_mistake_keeps_the_code(app, client):
    code = client.post(SIGN_URL, json=supporter(email="maria@example.org")).get_json()["ref"]
    answer = client.post(SIGN_URL, data=supporter(email="not an address", ref=code))
    assert answer.status_code == 422
    assert f'<input type="hidden" name="ref" value="{code}">' in answer.get_data(as_text=True)


def test_the_privacy_notice_says_what_a_referral_keeps_and_retention_does_it():
    notice = " ".join((ROOT / "content" / "privacy.md").read_text(encoding="utf-8").split())
    assert "A referral code of your own (random letters and digits, nothing about you)" in notice
    assert "never who brought whom" in notice
    assert "with your referral code and any link between your signature and whoever" in notice
    assert {"referral_code", "referrer_id"} <= schedule.ANONYMOUS.keys()
    assert "generation" not in schedule.ANONYMOUS
