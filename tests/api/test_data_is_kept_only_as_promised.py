"""What the privacy notice says about keeping data is what `flask retention run` does.

Tests move the clock with `--now`, the way the mail worker's daily run moves with time.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from petition_api.bounces import events
from petition_api.mail import worker
from petition_api.models import (
    ConsentEvent,
    EmailStatus,
    Petition,
    PetitionCount,
    Signature,
    SignedAgain,
    Status,
    Supporter,
    utcnow,
)
from petition_api.retention import schedule

from ..conftest import MANIFEST, ROOT, database
from .support import PETITION, SIGN_URL, mailbox, outbox, row_count, signatures, supporter
from .supporters_support import confirm_everyone, supporter_row

PRIVACY = (ROOT / "content" / "privacy.md").read_text(encoding="utf-8")
WORDS = {30: "30 days", 730: "two years"}


def at(moment: datetime) -> list[str]:
    return ["retention", "run", "--now", moment.strftime("%Y-%m-%dT%H:%M:%S")]


def test_the_privacy_notice_and_the_settings_say_the_same(app):
    keeping = PRIVACY.split("## How long we keep it", 1)[1].split("##", 1)[0]
    assert re.search(r"Unconfirmed signatures: deleted 30 days", keeping)
    assert "IP addresses: dropped 30 days after you signed" in keeping
    assert "two years\n  after it closes" in keeping
    config = app.config
    assert (config["RETAIN_UNCONFIRMED_DAYS"], config["RETAIN_IP_DAYS"]) == (30, 30)
    assert config["ANONYMISE_AFTER_CLOSE_DAYS"] == 730


def test_the_privacy_notice_stops_updates_where_the_mail_rules_do():
    stopping = PRIVACY.split("**When we stop writing.**", 1)[1].split("\n- ", 1)[0]
    assert f"three times in {events.SOFT_WINDOW.days} days" in " ".join(stopping.split())
    assert events.SOFT_BOUNCES == 3


def test_an_unconfirmed_signature_is_deleted_30_days_after_signing(app, client, runner):
    client.post(SIGN_URL, json=supporter(email="never@example.org"))
    client.post(SIGN_URL, json=supporter(email="bot@example.org", website="x"))  # set aside
    client.post(SIGN_URL, json=supporter(email="never@example.org"))  # no worker answers it
    signed = signatures(app)[0].created_at

    day_29 = runner.invoke(args=at(signed + timedelta(days=29)))
    assert "0 unconfirmed signatures deleted" in day_29.output
    preview = runner.invoke(args=[*at(signed + timedelta(days=31)), "--dry-run"])
    assert "nothing changed: would have 2 unconfirmed signatures deleted, 0 IP" in preview.output
    assert "2 queued submissions deleted unanswered" in preview.output  # and the bot's mark
    assert len(signatures(app)) == 2 and row_count(app, SignedAgain) == 2
    day_31 = runner.invoke(args=at(signed + timedelta(days=31)))
    assert "2 unconfirmed signatures deleted" in day_31.output
    assert "2 queued submissions deleted unanswered" in day_31.output
    assert signatures(app) == [] and outbox(app) == [] and row_count(app, SignedAgain) == 0
    assert "never@example.org" not in day_31.output  # numbers, never names
    again = runner.invoke(args=at(signed + timedelta(days=31)))
    assert "0 unconfirmed signatures deleted, 0 IP addresses dropped, 0 signatures" in again.output
    assert "0 queued submissions deleted unanswered" in again.output


def test_ip_addresses_are_dropped_after_30_days_and_confirmed_signatures_stay(app, client, runner):
    client.post(SIGN_URL, json=supporter(), environ_base={"REMOTE_ADDR": "198.51.100.7"})
    with database(app) as session:
        session.execute(update(Signature).values(status=Status.VALIDATED, validated_at=utcnow()))
    signed = signatures(app)[0].created_at
    result = runner.invoke(args=at(signed + timedelta(days=31)))
    assert "1 IP addresses dropped" in result.output
    [kept] = signatures(app)
    assert (kept.ip, kept.status, kept.first_name) == (None, Status.VALIDATED, "Maria")


def test_a_signature_staff_invalidated_before_anyone_confirmed_it_goes_like_any_unconfirmed_one(
    app, client, runner
):
    client.post(SIGN_URL, json=supporter(email="confirmed@example.org"))
    client.post(SIGN_URL, json=supporter(email="never-confirmed@example.org"))
    with database(app) as session:
        session.execute(
            update(Signature)
            .where(Signature.email == "confirmed@example.org")
            .values(validated_at=utcnow())
        )
        session.execute(update(Signature).values(status=Status.INVALIDATED))
    signed = signatures(app)[0].created_at
    result = runner.invoke(args=at(signed + timedelta(days=31)))
    assert "1 unconfirmed signatures deleted" in result.output
    [kept] = signatures(app)  # confirmed once: kept, so staff can restore it
    assert (kept.email, kept.status) == ("confirmed@example.org", Status.INVALIDATED)


def test_a_petition_the_site_stops_listing_is_anonymised_two_years_after_that_day(
    app, client, runner, tmp_path
):
    client.post(SIGN_URL, json=supporter())
    with database(app) as session:
        session.execute(update(Signature).values(status=Status.VALIDATED, validated_at=utcnow()))
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    manifest["petitions"] = [p for p in manifest["petitions"] if p["slug"] != PETITION]
    (tmp_path / "petitions.json").write_text(json.dumps(manifest), encoding="utf-8")
    unlisted = runner.invoke(args=["petitions", "sync", str(tmp_path / "petitions.json")])
    assert unlisted.exit_code == 0, unlisted.output
    day = utcnow()

    assert "0 signatures anonymised" in runner.invoke(args=at(day + timedelta(days=729))).output
    assert "1 signatures anonymised" in runner.invoke(args=at(day + timedelta(days=731))).output
    assert signatures(app)[0].email == ""


def test_a_large_run_goes_in_short_batches_and_misses_nothing(app, client, runner, monkeypatch):
    monkeypatch.setattr(schedule, "BATCH", 2)
    for i in range(5):
        client.post(SIGN_URL, json=supporter(email=f"s{i}@example.org"))
    signed = signatures(app)[0].created_at
    result = runner.invoke(args=at(signed + timedelta(days=31)))
    assert "5 unconfirmed signatures deleted, 0 IP addresses dropped" in result.output
    assert signatures(app) == [] and outbox(app) == []


def test_two_years_after_a_petition_closes_only_counts_by_state_and_district_remain(
    app, client, runner
):
    for i, (state, zip_code) in enumerate([("NY", "10118"), ("NY", "10118"), ("VT", "05401")]):
        client.post(SIGN_URL, json=supporter(email=f"s{i}@example.org", state=state, zip=zip_code))
    closes = datetime(2027, 1, 31, tzinfo=UTC)
    with database(app) as session:
        session.execute(update(Signature).values(status=Status.VALIDATED, validated_at=utcnow()))
        session.execute(update(Petition).where(Petition.slug == PETITION).values(closes_at=closes))
    runner.invoke(args=["petitions", "recount"])
    before = client.get(f"/api/petitions/{PETITION}").get_json()["by_state"]
    districts = sorted((s.state, s.district) for s in signatures(app))

    early = runner.invoke(args=at(closes + timedelta(days=729)))
    assert "0 signatures anonymised" in early.output
    late = runner.invoke(args=at(closes + timedelta(days=731)))
    assert "3 signatures anonymised" in late.output

    rows = signatures(app)
    assert {(s.first_name, s.email, s.zip, s.comment, s.street, s.city) for s in rows} == {
        ("", "", "", None, None, None)
    }
    assert sorted((s.state, s.district) for s in rows) == districts
    runner.invoke(args=["petitions", "recount"])
    assert (
        client.get(f"/api/petitions/{PETITION}").get_json()["by_state"]
        == before
        == {
            "NY": 2,
            "VT": 1,
        }
    )
    with database(app) as session:
        assert sum(session.scalars(select(PetitionCount.validated))) == 3


def test_a_supporter_without_updates_goes_with_their_signatures_and_a_subscriber_stays(
    app, client, runner
):
    for email, box in (("gets@example.org", True), ("never@example.org", None)):
        client.post(SIGN_URL, json=supporter(email=email, email_updates=box))
    client.post(SIGN_URL, json=supporter(email="stopped@example.org"))
    confirm_everyone(client, runner, lambda: mailbox(app))
    stopped = supporter_row(app, "stopped@example.org")
    client.post(f"/unsubscribe/{stopped.link_key}", data={"List-Unsubscribe": "One-Click"})
    assert supporter_row(app, "stopped@example.org").status == EmailStatus.UNSUBSCRIBED
    closes = datetime(2027, 1, 31, tzinfo=UTC)
    with database(app) as session:
        session.execute(update(Petition).where(Petition.slug == PETITION).values(closes_at=closes))

    # While their signatures keep their names, so do their supporter records.
    early = runner.invoke(args=at(closes + timedelta(days=729)))
    assert "0 supporters without updates deleted" in early.output
    preview = runner.invoke(args=[*at(closes + timedelta(days=731)), "--dry-run"])
    assert "3 signatures anonymised" in preview.output
    late = runner.invoke(args=at(closes + timedelta(days=731)))
    assert "3 signatures anonymised" in late.output
    assert "2 supporters without updates deleted" in late.output
    with database(app) as session:
        left = session.scalars(select(Supporter.email)).all()
        histories = session.scalars(select(ConsentEvent.supporter_id)).all()
    assert left == ["gets@example.org"]
    assert set(histories) == {supporter_row(app, "gets@example.org").id}
    again = runner.invoke(args=at(closes + timedelta(days=732)))
    assert "0 supporters without updates deleted" in again.output


def test_the_running_mail_worker_keeps_the_schedule_by_itself(app, client, caplog):
    client.post(SIGN_URL, json=supporter(email="long-ago@example.org", website="x"))
    with database(app) as session:  # set aside 40 days ago: due for deletion
        session.execute(update(Signature).values(created_at=utcnow() - timedelta(days=40)))
    stop = threading.Event()

    def work():
        with app.app_context():
            worker.run(once=False, poll_seconds=0.05, stop=stop)

    caplog.set_level(logging.INFO, logger="petition_api.mail.worker")
    running = threading.Thread(target=work, daemon=True)
    running.start()
    deadline = time.monotonic() + 20
    while signatures(app) and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    running.join(10)
    assert signatures(app) == []
    assert "retention: 1 unconfirmed signatures deleted" in caplog.text
    assert "long-ago" not in caplog.text
