"""A supporter signs twice: one signature stands, and nobody learns it from the answer."""

from __future__ import annotations

import json
import re
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import delete, event, select, update

from petition_api.email_addresses import canonical_email
from petition_api.mail import worker
from petition_api.models import Outbox, Petition, Signature, SignedAgain, Status, utcnow

from ..conftest import database, environment_for, prepared_app, start_gunicorn, test_settings
from .support import (
    PETITION,
    confirm_path,
    mailbox,
    outbox,
    row_count,
    send_mail,
    signatures,
    supporter,
)

# Every answer carries a fresh referral code, a new signature's or not (signing/referrals.py).
CODE = re.compile(rb'"ref":"[\w-]{12}"')


def without_code(body: bytes) -> bytes:
    return CODE.sub(b'"ref":"(a code)"', body)


def test_a_supporter_signs_twice_with_the_same_email_and_gets_the_same_answer(app, sign, runner):
    first = sign()
    second = sign(first_name="Mary")

    assert (first.status_code, first.get_json().keys()) == (second.status_code, {"status", "ref"})
    assert (first.headers, without_code(first.data)) == (second.headers, without_code(second.data))
    send_mail(runner)  # the worker answers the second submission, after the response
    [signature] = signatures(app)
    assert signature.first_name == "Mary"  # not confirmed yet: the newest words stand


def test_once_confirmed_the_confirmed_words_stand(app, sign, runner, client):
    sign()
    send_mail(runner)
    client.post(confirm_path(mailbox(app)[0]))
    sign(first_name="Impostor", comment="Words the signer never wrote.")
    send_mail(runner)
    [signature] = signatures(app)
    assert (signature.first_name, signature.status) == ("Maria", Status.VALIDATED)


def test_a_victim_never_confirms_the_words_of_someone_who_used_their_address_first(
    app, sign, runner, client
):
    sign(first_name="Mallory", last_name="Spoof", city="Albany", comment="I oppose this!")
    sign()  # Maria herself, days later
    send_mail(runner)
    link = confirm_path(mailbox(app)[-1])

    page = client.get(link).get_data(as_text=True)
    assert "Maria Hernandez" in page and "My daughter needed WIC" in page
    assert "Mallory" not in page and "I oppose this" not in page
    assert page.index("Maria Hernandez") < page.index("Confirm my signature")
    client.post(link)
    [signature] = signatures(app)
    assert (signature.first_name, signature.comment, signature.status) == (
        "Maria",
        "My daughter needed WIC when she was born.",
        Status.VALIDATED,
    )


def test_past_the_notice_cap_the_newest_words_are_still_what_gets_confirmed(
    app, sign, runner, client
):
    cap = app.config["DUPLICATE_NOTICE_CAP"]
    sign(first_name="Maria")
    for _ in range(cap):
        sign(first_name="Mallory")  # every notice used up, with someone else's words
    sign()  # Maria again: no new email, but her words replace Mallory's
    send_mail(runner)
    assert len(mailbox(app)) == 1 + cap
    page = client.get(confirm_path(mailbox(app)[-1])).get_data(as_text=True)
    assert "Maria Hernandez" in page and "Mallory" not in page


def test_an_expired_link_can_always_be_renewed_even_past_the_notice_cap(app, sign, runner):
    cap = app.config["DUPLICATE_NOTICE_CAP"]
    for _ in range(cap + 1):
        sign()
    send_mail(runner)
    with database(app) as session:
        session.execute(update(Signature).values(confirm_expires_at=utcnow() - timedelta(days=1)))
    sign()
    send_mail(runner)
    assert len(mailbox(app)) == 2 + cap
    assert app.test_client().post(confirm_path(mailbox(app)[-1])).status_code == 200
    assert signatures(app)[0].status == Status.VALIDATED


@pytest.mark.parametrize(
    ("again_as"),
    ["MARIA.HERNANDEZ@EXAMPLE.ORG", " maria.hernandez@example.org "],
)
def test_the_same_address_in_other_capitals_or_spacing_is_the_same_person(app, sign, again_as):
    sign()
    sign(email=again_as)
    assert len(signatures(app)) == 1


def test_gmail_dots_and_plus_tags_fold_to_one_signer(app, sign):
    sign(email="maria.hernandez@gmail.com")
    sign(email="MariaHernandez+petitions@gmail.com")
    sign(email="m.a.r.i.a.hernandez@googlemail.com")
    assert len(signatures(app)) == 1


def test_dots_matter_at_providers_that_deliver_them_separately(app, sign):
    sign(email="maria.hernandez@example.org")
    sign(email="mariahernandez@example.org")
    assert len(signatures(app)) == 2


@pytest.mark.parametrize(
    ("address", "canonical"),
    [
        ("Maria.Hernandez+WIC@Gmail.com", "mariahernandez@gmail.com"),
        ("maria+x@outlook.com", "maria@outlook.com"),
        ("first.last+tag@example.org", "first.last+tag@example.org"),
        ("Ana@Example.ORG", "ana@example.org"),
    ],
)
def test_canonical_addresses(address, canonical):
    assert canonical_email(address) == canonical


def test_signing_again_before_confirming_sends_a_fresh_confirmation_link(app, sign, runner):
    sign()
    sign()
    send_mail(runner)

    first, second = mailbox(app)
    title = "Guarantee paid family leave"  # the subject runs past 78 characters: not folded
    assert second["Subject"] == f"You already signed: please confirm your signature: {title}"
    assert confirm_path(first) != confirm_path(second)
    # The newest link is the one that works.
    client = app.test_client()
    assert client.post(confirm_path(first)).status_code == 404
    assert client.post(confirm_path(second)).status_code == 200
    assert signatures(app)[0].status == Status.VALIDATED


def test_signing_again_after_confirming_says_you_already_signed(app, sign, runner, client):
    title = "Pass paid family and medical leave for every worker"
    with database(app) as session:  # a subject of 70-78 characters: once folded whole
        session.execute(update(Petition).values(title=title))
    sign()
    send_mail(runner)
    client.post(confirm_path(mailbox(app)[0]))
    send_mail(runner)  # the thank-you message

    sign()
    send_mail(runner)
    last = mailbox(app)[-1]
    assert last["Subject"] == f"You have already signed: {title}"  # no leading space
    assert "/confirm/" not in last.get_body(("plain",)).get_content()
    assert len(signatures(app)) == 1


def test_already_signed_notices_are_capped_so_nobody_can_flood_an_inbox(app, sign, runner):
    cap = app.config["DUPLICATE_NOTICE_CAP"]
    for _ in range(cap + 5):
        sign()
    send_mail(runner)
    assert len(outbox(app)) == 1 + cap
    assert signatures(app)[0].duplicate_notices == cap


def test_a_real_signer_is_not_locked_out_by_a_bot_that_used_their_address_first(app, sign, runner):
    sign(first_name="Bot", website="http://spam.example")
    assert signatures(app)[0].status == Status.FRAUDULENT

    sign()
    send_mail(runner)
    [signature] = signatures(app)
    assert (signature.status, signature.first_name, signature.fraud_reason) == (
        Status.PENDING,
        "Maria",
        None,
    )
    assert [m.kind for m in outbox(app)] == ["confirm"]


def test_fifty_simultaneous_submissions_of_one_email_leave_exactly_one_signature(
    database_url, tmp_path
):
    """Four gunicorn worker processes, fifty threads, one address: the database decides."""
    limits = {"LIMIT_IP_SOFT": "1000 per minute", "LIMIT_IP_HARD": "1000 per minute"}
    settings = test_settings(database_url, tmp_path, **limits)
    app = prepared_app(database_url, tmp_path, **limits)
    server, port = start_gunicorn(environment_for(settings), workers=4)
    try:
        body = json.dumps(supporter()).encode()

        def submit(_):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/petitions/{PETITION}/signatures",
                data=body,
                headers={"Content-Type": "application/json"},
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
                return response.status, response.read()

        with ThreadPoolExecutor(max_workers=50) as pool:
            answers = list(pool.map(submit, range(50)))
    finally:
        server.terminate()
        server.wait(timeout=10)

    assert {(status, without_code(body)) for status, body in answers} == {
        (201, b'{"status":"pending","ref":"(a code)"}\n')
    }
    send_mail(app.test_cli_runner())
    assert len(signatures(app)) == 1
    # The other 49 were answered by "already signed" notices, capped.
    assert len(outbox(app)) == 1 + app.config["DUPLICATE_NOTICE_CAP"]
    app.extensions["engine"].dispose()


def test_words_changed_while_the_confirmation_page_was_open_are_not_confirmed(
    app, sign, runner, client
):
    cap = app.config["DUPLICATE_NOTICE_CAP"]
    sign()
    for _ in range(cap):
        sign()  # the notices are used up: the link in hand stays the one that works
    send_mail(runner)
    link = confirm_path(mailbox(app)[-1])
    page = client.get(link).get_data(as_text=True)
    shown = re.search(r'name="shown" value="([0-9a-f]{64})"', page).group(1)
    assert "Email updates</dt><dd>Yes" in page and "Congressional district" in page

    sign(first_name="Mallory", comment="Words Maria never wrote.")  # while she reads
    send_mail(runner)
    pressed = client.post(link, data={"shown": shown})
    assert pressed.status_code == 200
    text = pressed.get_data(as_text=True)
    assert "Nothing was confirmed" in text and "Mallory" in text
    assert signatures(app)[0].status == Status.PENDING

    sign()  # Maria signs again: her words are back, and this time she confirms them
    send_mail(runner)
    again = client.get(link).get_data(as_text=True)
    shown = re.search(r'name="shown" value="([0-9a-f]{64})"', again).group(1)
    client.post(link, data={"shown": shown})
    [signature] = signatures(app)
    assert (signature.status, signature.first_name) == (Status.VALIDATED, "Maria")


def session_rows(app, model) -> list:
    with database(app) as session:
        return list(session.scalars(select(model)))


def statements_while(app, action) -> list[str]:
    """The SQL statements `action` runs, each as its verb and table."""
    seen: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        words = statement.split()
        table = next((w for i, w in enumerate(words) if words[i - 1] in ("INTO", "FROM")), "")
        seen.append(f"{words[0]} {table}".strip())

    engine = app.extensions["engine"]
    event.listen(engine, "before_cursor_execute", note)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return seen


def test_signing_again_costs_the_request_what_a_first_signature_costs(app, sign):
    """Timing cannot tell whether an address has signed: both requests run the same
    statements, the second only queueing its answer for the mail worker (make bench
    measures the times: sign.timing)."""
    sign(email="someone.else@example.org")  # the petition and its limits are warm
    first = statements_while(app, lambda: sign())
    again = statements_while(app, lambda: sign(first_name="Mary"))
    assert [s for s in first if "outbox" not in s] == [s for s in again if "signed_again" not in s]
    assert "INSERT outbox" in first and "INSERT signed_again" in again
    assert len(first) == len(again)


def test_second_signatures_wait_for_the_worker_and_staff_can_see_how_many(app, sign, runner):
    sign()
    sign()
    sign()
    assert "signed again, to answer\t2" in runner.invoke(args=["mail", "status"]).output
    send_mail(runner)
    assert "signed again, to answer\t0" in runner.invoke(args=["mail", "status"]).output
    assert [m.kind for m in outbox(app)] == ["confirm", "confirm_again", "confirm_again"]


def test_an_old_link_pressed_before_the_worker_answers_a_newer_submission_confirms_nothing(
    app, sign, runner, client
):
    sign(first_name="Mallory", comment="I oppose this!")  # with Maria's address
    send_mail(runner)
    old_link = confirm_path(mailbox(app)[-1])  # in Maria's inbox, Mallory's words behind it
    sign()  # Maria signs herself; the worker has not answered yet

    # The page answers her newer submission itself: the old link is replaced, not shown.
    opened = client.get(old_link)
    assert opened.status_code == 409 and "replaced by a newer one" in opened.get_data(True)
    assert "Confirm my signature" not in opened.get_data(True)
    assert client.post(old_link).status_code == 404
    [signature] = signatures(app)
    assert (signature.first_name, signature.status) == ("Maria", Status.PENDING)

    send_mail(runner)  # the new link, queued by that answer
    assert client.post(confirm_path(mailbox(app)[-1])).status_code == 200
    assert signatures(app)[0].status == Status.VALIDATED


def test_signing_again_and_again_cannot_hold_a_link_off(app, sign, runner, client):
    cap = app.config["DUPLICATE_NOTICE_CAP"]
    for _ in range(cap + 1):
        sign()
    send_mail(runner)  # every notice used: the newest link stays the one that works
    link = confirm_path(mailbox(app)[-1])
    for _ in range(5):
        sign(first_name="Mallory")  # queued faster than any worker answers
        shown = client.get(link)
        assert shown.status_code == 200 and "Mallory" in shown.get_data(True)
    sign()  # Maria again: her words back, through the same link, pressed at once
    assert client.post(link).status_code == 200
    assert (signatures(app)[0].first_name, signatures(app)[0].status) == ("Maria", "validated")


def test_a_bots_probe_costs_the_same_whether_or_not_the_address_signed(app, sign, runner):
    """A honeypot or a forged form token sets a submission aside; it runs the same two
    statements either way, or the answer's time would tell (make bench:
    sign.timing.set_aside.*)."""
    sign(email="someone.else@example.org")
    sign()
    new = statements_while(app, lambda: sign(email="new@example.org", website="x"))
    again = statements_while(app, lambda: sign(website="x"))
    assert new == again == ["INSERT signatures", "INSERT signed_again"]
    send_mail(runner)  # the mark is dropped: no mail, nothing kept, the signature untouched
    assert row_count(app, SignedAgain) == 0
    assert [m.kind for m in outbox(app)] == ["confirm", "confirm"]
    assert signatures(app, email="maria.hernandez@example.org")[0].status == Status.PENDING


def test_one_submission_that_cannot_be_answered_never_holds_up_the_rest(app, sign, runner, caplog):
    sign()
    petition_id = signatures(app)[0].petition_id
    with database(app) as session:  # say, queued by an older release in another shape
        session.add(
            SignedAgain(petition_id=petition_id, email_canonical="x", submission={"token": "t"})
        )
    sign(first_name="Mary")
    send_mail(runner)
    assert signatures(app)[0].first_name == "Mary"
    assert [m.kind for m in outbox(app)] == ["confirm", "confirm_again"]
    [stuck] = session_rows(app, SignedAgain)
    assert (stuck.attempts, stuck.last_error) == (5, "KeyError")
    status = runner.invoke(args=["mail", "status"]).output
    assert "signed again, to answer\t0" in status
    assert "signed again, could not be answered\t1" in status
    assert "maria" not in caplog.text.lower()


def test_a_second_submission_is_kept_even_if_the_first_is_deleted_before_its_answer(
    app, sign, runner, client
):
    sign(first_name="Old")
    sign()  # queued; before the worker answers, retention deletes the first (unconfirmed)
    with database(app) as session:
        session.execute(delete(Outbox))
        session.execute(delete(Signature))
    send_mail(runner)
    [signature] = signatures(app)
    assert (signature.first_name, signature.status) == ("Maria", Status.PENDING)
    assert client.post(confirm_path(mailbox(app)[-1])).status_code == 200


def test_two_mail_workers_answer_each_second_submission_once(app, sign):
    app.config["MAIL_BATCH"] = 3  # many small turns, so the two workers interleave
    addresses = [f"signer{n}@example.org" for n in range(15)]
    for _ in range(3):  # a first signature and two more from each address
        for address in addresses:
            sign(email=address)

    def answer_until_empty():
        with app.app_context():
            while row_count(app, SignedAgain):
                worker.answer_signed_again()

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda _: answer_until_empty(), range(2)))

    kinds = Counter(m.kind for m in outbox(app))
    assert kinds == {"confirm": 15, "confirm_again": 30}
    assert {s.duplicate_notices for s in signatures(app)} == {2}
