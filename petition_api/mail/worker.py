"""The worker that empties the outbox: `flask mail send`, and a thread under `make run`.

Confirmations go before bulk mail (outbox.claim); several worker processes share
the outbox on PostgreSQL, each sending on MAIL_CONNECTIONS connections at
MAIL_RATE messages a second at most, MAIL_DOMAIN_CONCURRENCY at once per
recipient domain (pacing.py).

It also answers second signatures from one address (signed_again.py), which
requests only queue, keeps the privacy notice's schedule once a day, and runs the
rounds other features register (`register_round`: updates/ checks its subject tests).

Each step is its own short write transaction (claim; mark sending; record the
outcome), each one call into the outbox, which decides what becomes of the rows;
nothing is held open while a mail server is being talked to.
"""

from __future__ import annotations

import logging
import os
import secrets
import smtplib
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from sqlalchemy.exc import DBAPIError

from .. import db
from ..models import OutboxStatus, utcnow
from ..retention import schedule as retention
from . import outbox, signed_again
from .compose import Skip, compose_many
from .pacing import DomainSlots, Rate
from .transports import PermanentFailure, described, recipient, transport

log = logging.getLogger(__name__)
RECOVER_SECONDS = 60.0
RETENTION_SECONDS = 86_400.0  # the privacy notice's schedule, kept once a day
ONCE_GIVES_UP_AFTER = 10  # `--once` rounds in a row with a database error, then it stops


# Work another feature asks the worker to do between batches: name -> (what to run, the
# setting of its interval in seconds). Registered by the feature's init_app, since
# sending must not import what is sent through it (as mail/compose.py's composers).
ROUNDS: dict[str, tuple[Callable[[], object], str]] = {}


def register_round(name: str, work: Callable[[], object], every_setting: str) -> None:
    ROUNDS[name] = (work, every_setting)


class GaveUp(RuntimeError):
    """`flask mail send --once` met a database it could not use, round after round."""


@dataclass
class Crew:
    """What one worker process's sending connections share: its name on the claims it
    holds, its rate and its per-domain limit."""

    owner: str = field(
        default_factory=lambda: f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"
    )
    rate: Rate = field(default_factory=lambda: Rate(0))
    domains: DomainSlots = field(default_factory=lambda: DomainSlots(0))

    @classmethod
    def configured(cls, config) -> Crew:
        return cls(
            rate=Rate(config["MAIL_RATE"]), domains=DomainSlots(config["MAIL_DOMAIN_CONCURRENCY"])
        )


def deliver(row_id: int, sender, crew: Crew) -> str:
    """Send one claimed message; returns its new status ("gone" if it was erased meanwhile)."""
    return deliver_group([row_id], sender, crew)[row_id]


def deliver_group(ids: list[int], sender, crew: Crew) -> dict[int, str]:
    """Send a group of claimed messages; each one's new status.

    Composed in one read (before any write, so rendering never holds SQLite's
    write lock), marked `sending` in one write, handed over one by one, and their
    outcomes recorded in one write: three transactions for the group, not three a
    message, and in each write the outbox decides what becomes of every row
    (outbox.start_group, outbox.record). A worker killed meanwhile leaves at most
    the group `unknown`.
    """
    with db.reading() as session:
        composed = compose_many(session, ids)
    ready = [i for i, m in composed.items() if not isinstance(m, Exception)]
    skipped = [i for i, m in composed.items() if isinstance(m, Skip)]
    # A message that cannot be written (a title an email header refuses, a row
    # deleted meanwhile) fails alone, and the group goes on.
    unwritable = {
        i: f"could not compose: {type(m).__name__}"
        for i, m in composed.items()
        if isinstance(m, Exception) and not isinstance(m, Skip)
    }
    with db.writing() as session:
        mine, statuses = outbox.start_group(session, crew.owner, ready, skipped, unwritable)
    for row_id, reason in unwritable.items():
        if statuses[row_id] == OutboxStatus.FAILED:
            log.warning("outbox %s: %s; marked failed", row_id, reason)
    statuses.update((i, outbox.GONE) for i in ids if i not in composed)  # forgotten meanwhile
    outcomes = {i: _hand_over(i, composed[i], sender, crew) for i in ready if i in mine}
    with db.writing() as session:
        statuses.update(outbox.record(session, outcomes, current_app.config["MAIL_MAX_ATTEMPTS"]))
    return statuses


def _hand_over(row_id: int, message, sender, crew: Crew) -> tuple[OutboxStatus | None, str | None]:
    """(status, error) of one handing over; a status of None means "try again later"."""
    crew.rate.wait()
    try:
        with crew.domains.held(recipient(message)):
            sender.send(row_id, message)
    except PermanentFailure as error:
        return OutboxStatus.FAILED, str(error)
    except (TimeoutError, smtplib.SMTPException, OSError) as error:
        return None, described(error)
    return OutboxStatus.SENT, None


def answer_signed_again() -> int:
    """Answer queued second signatures (signed_again.py) before sending what they queue."""
    config = current_app.config
    with db.writing() as session:
        return signed_again.answer(
            session, config["MAIL_BATCH"], config["DUPLICATE_NOTICE_CAP"], utcnow()
        )


def recover_stranded() -> None:
    timeout = timedelta(seconds=current_app.config["MAIL_CLAIM_TIMEOUT"])
    with db.writing() as session:
        outbox.recover(session, timeout)


def _step(name: str, work, otherwise):
    """(what `work` returned, True), or (`otherwise`, False) when the database was busy
    or away: logged, and tried again next time round."""
    try:
        return work(), True
    except DBAPIError as error:
        log.warning(
            "%s: database busy or unreachable (%s); trying again", name, type(error.orig).__name__
        )
        return otherwise, False


def _rounds(done_at: dict[str, float]) -> None:
    """The registered rounds that are due. One that fails is logged and tried again next
    time: another feature's trouble never stops the mail."""
    for name, (work, every_setting) in ROUNDS.items():
        if time.monotonic() - done_at.get(name, float("-inf")) < current_app.config[every_setting]:
            continue
        try:
            _, ran = _step(name, work, None)
        except Exception:
            log.exception("%s failed; trying again later", name)
            ran = True
        if ran:
            done_at[name] = time.monotonic()


def send_batch(senders: list, crew: Crew, pool: ThreadPoolExecutor | None) -> Counter[str]:
    """Claim a batch and send it, spread over the process's connections."""
    with db.writing() as session:
        claimed = outbox.claim(session, current_app.config["MAIL_BATCH"], crew.owner)
    group = max(1, current_app.config["MAIL_SENDING_GROUP"])

    def share(sender, ids: list[int]) -> Counter[str]:
        done: Counter[str] = Counter()
        for start in range(0, len(ids), group):
            done.update(deliver_group(ids[start : start + group], sender, crew).values())
        return done

    if pool is None:
        return share(senders[0], claimed)
    app = current_app._get_current_object()

    def share_in_thread(sender, ids: list[int]) -> Counter[str]:
        with app.app_context():
            return share(sender, ids)

    # Interleaved, so personal mail at the head of the batch goes out first everywhere.
    shares = [claimed[i :: len(senders)] for i in range(len(senders))]
    totals: Counter[str] = Counter()
    for done in pool.map(share_in_thread, senders, shares):
        totals.update(done)
    return totals


def run(once: bool, poll_seconds: float = 1.0, stop: threading.Event | None = None) -> Counter[str]:
    """Deliver until stopped (or, with `once`, until nothing is due).

    It also keeps the privacy notice's schedule (retention/schedule.py) once a
    day. The worker never exits on its own: a database that is busy (SQLite while
    signatures pour in) or away is waited out (only `once` gives up, after
    ONCE_GIVES_UP_AFTER rounds, raising GaveUp), and rows stranded by a worker
    that died are recovered every RECOVER_SECONDS, not only at start, so a
    worker that crashes and restarts quickly strands nothing.
    """
    stop = stop or threading.Event()
    config = current_app.config
    crew = Crew.configured(config)
    senders = [transport(config) for _ in range(max(1, config["MAIL_CONNECTIONS"]))]
    pool = ThreadPoolExecutor(len(senders)) if len(senders) > 1 else None
    totals: Counter[str] = Counter()
    recovered_at = kept_at = float("-inf")
    rounds_at: dict[str, float] = {}
    troubled = 0
    try:
        while not stop.is_set():
            due = time.monotonic() - recovered_at >= RECOVER_SECONDS
            if due and _step("recovery", recover_stranded, None)[1]:
                recovered_at = time.monotonic()
            if not once and time.monotonic() - kept_at >= RETENTION_SECONDS:
                report, kept = _step("retention", lambda: retention.run(utcnow()), None)
                if kept:
                    log.info("retention: %s", report)
                    kept_at = time.monotonic()
            _rounds(rounds_at)
            # Each its own step: second signatures that cannot be answered now
            # never hold up the confirmations already queued, nor the other way round.
            answered, answering = _step("signed again", answer_signed_again, 0)
            sent, sending = _step("outbox", lambda: send_batch(senders, crew, pool), Counter())
            totals.update(sent)
            if sent or answered:
                troubled = 0
                continue
            if once and answering and sending:
                break
            troubled = troubled + 1 if not (answering and sending) else 0
            if once and troubled >= ONCE_GIVES_UP_AFTER:
                raise GaveUp(f"the database failed {troubled} times in a row; see the log")
            for sender in senders:
                sender.close()  # don't hold an idle SMTP connection open
            stop.wait(poll_seconds)
    finally:
        if pool is not None:
            pool.shutdown()
        for sender in senders:
            sender.close()
    return totals
