"""`flask mail bounces FILE`: the mailbox where returned mail lands, read by staff.

Maria's mailbox is gone (an RFC 3464 DSN, failed 5.1.1), Wei's is full (one DSN
delayed, one failed 4.2.2: both soft), James reports an update as spam (an ARF
report from his provider's feedback loop), Ana unsubscribes by mail (the
List-Unsubscribe mailto), a stranger's address bounces, and an auto-reply is
none of these. Someone who wants Maria off the list mails forged reports: they
are ignored, as they quote no Message-ID of a message we sent her.
"""

from __future__ import annotations

import mailbox
import re
import time
from email.utils import formatdate

import pytest

from .bounce_support import (
    an_update_sent_to,
    becomes_supporter,
    consent_events,
    delivery_events,
    events_app,
    status_of,
    supporter_row,
)

MARIA = "maria.hernandez@example.org"
JAMES = "james.okafor@example.com"
WEI = "wei.chen@gmail.com"
ANA = "ana.lopez@example.net"


@pytest.fixture
def app(database_url, tmp_path):
    app = events_app(database_url, tmp_path)
    yield app
    app.extensions["engine"].dispose()


def dsn(recipient: str, action: str, status: str, message_id: str, date: str) -> bytes:
    """A delivery status notification as Postfix writes one (RFC 3464, RFC 6522)."""
    return f"""\
Return-Path: <>
From: Mail Delivery System <MAILER-DAEMON@mx.example.net>
To: petitions@localhost
Subject: Undelivered Mail Returned to Sender
Date: {date}
Message-ID: <dsn-{status}-{action}@mx.example.net>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="B0UNDARY"

This is a MIME-encapsulated message.

--B0UNDARY
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.example.net.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

--B0UNDARY
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net
X-Postfix-Queue-ID: 4F2A31C0042
Arrival-Date: {date}

Final-Recipient: rfc822; {recipient}
Original-Recipient: rfc822;{recipient}
Action: {action}
Status: {status}
Remote-MTA: dns; mail.example.org
Diagnostic-Code: smtp; 550 {status} <{recipient}>: Recipient address rejected

--B0UNDARY
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

From: Groundswell petitions <petitions@localhost>
To: {recipient}
Subject: We delivered your signatures
Date: {date}
Message-ID: {message_id}

--B0UNDARY--
""".encode()


def arf(recipient: str, message_id: str, date: str) -> bytes:
    """An abuse report from a feedback loop (RFC 5965), the reported message attached."""
    return f"""\
From: Feedback Loop <fbl@feedback.example.com>
To: abuse@localhost
Subject: FW: We delivered your signatures
Date: {date}
Message-ID: <arf-1@feedback.example.com>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report; boundary="ARF"

--ARF
Content-Type: text/plain; charset=us-ascii

This is an email abuse report for an email message received from IP
192.0.2.1 on {date}.

--ARF
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: ExampleFBL/1.0
Version: 1
Original-Mail-From: <bounces@localhost>
Original-Rcpt-To: <{recipient}>
Arrival-Date: {date}
Source-IP: 192.0.2.1

--ARF
Content-Type: message/rfc822
Content-Disposition: inline

From: Groundswell petitions <petitions@localhost>
To: {recipient}
Subject: We delivered your signatures
Date: {date}
Message-ID: {message_id}

Hello James, we delivered 230,000 signatures this week.
--ARF--
""".encode()


def plain(sender: str, to: str, subject: str, date: str, body: str = "") -> bytes:
    return f"From: {sender}\nTo: {to}\nSubject: {subject}\nDate: {date}\n\n{body}\n".encode()


def write_mbox(path, messages: list[bytes]) -> None:
    box = mailbox.mbox(path)
    for message in messages:
        box.add(message)
    box.flush()
    box.close()


def read(runner, path) -> dict[str, int]:
    result = runner.invoke(args=["mail", "bounces", str(path)])
    assert result.exit_code == 0, result.output
    assert "@" not in result.output  # counts, never an address
    return {
        label: int(count)
        for label, count in (line.rsplit("\t", 1) for line in result.output.splitlines())
    }


def test_staff_read_a_mailbox_of_bounces_a_complaint_and_an_unsubscribe(app, runner, tmp_path):
    maria = becomes_supporter(app)
    james = becomes_supporter(app, first_name="James", last_name="Okafor", email=JAMES)
    wei = becomes_supporter(app, first_name="Wei", last_name="Chen", email=WEI)
    ana = becomes_supporter(app, first_name="Ana", last_name="Lopez", email=ANA)
    mailing_id, to_maria = an_update_sent_to(app, maria)
    _, to_james = an_update_sent_to(app, james)
    _, to_wei = an_update_sent_to(app, wei)
    now, earlier = formatdate(), formatdate(time.time() - 60)
    box = tmp_path / "returned.mbox"
    write_mbox(box, [
        dsn(MARIA, "failed", "5.1.1", to_maria, now),
        dsn("Wei.Chen@gmail.com", "delayed", "4.4.7", to_wei, earlier),
        dsn(WEI, "failed", "4.2.2", to_wei, now),
        arf(JAMES, to_james, now),
        plain(f"Ana Lopez <{ANA}>", "unsubscribe@localhost", f"unsubscribe-{ana.link_key}", now,
              "unsubscribe"),
        dsn("someone@example.net", "failed", "5.1.1", "<x@elsewhere.example>", now),
        plain(f"Ana Lopez <{ANA}>", "petitions@localhost", "Out of office", now, "Back Monday."),
        # Forged: Ana's complaint quoting the Message-ID of James's copy; Maria's bounce
        # naming her message's row with a made-up tag; Ana's with no Message-ID of ours.
        arf(ANA, to_james, now),
        dsn(MARIA, "failed", "5.1.1", re.sub(r"-\w{16}@", "-0123456789abcdef@", to_maria), earlier),
        dsn(ANA, "failed", "5.1.1", "<made-up@localhost>", now),
    ])  # fmt: skip

    counts = read(runner, box)

    assert counts == {
        "messages read": 10,
        "hard bounces": 1,
        "soft bounces": 2,
        "complaints": 1,
        "unsubscribes": 1,
        "already applied": 0,
        "ignored: not about a message we sent to that address (no Message-ID of ours)": 4,
        "unknown addresses or keys (not our supporters)": 0,
        "not recognised (no bounce, complaint or unsubscribe request)": 1,
    }
    assert status_of(app, MARIA) == "bouncing"
    assert status_of(app, WEI) == "subscribed"  # two soft bounces: not yet
    assert status_of(app, JAMES) == "spam_complaint"
    assert status_of(app, ANA) == "unsubscribed"
    events = {(e.supporter_id, e.kind, e.permanent, e.mailing_id) for e in delivery_events(app)}
    assert events == {
        (maria.id, "bounce", True, mailing_id),
        (wei.id, "bounce", False, mailing_id + 2),
        (james.id, "complaint", True, mailing_id + 1),
    }
    assert {(e.kind, e.source) for e in delivery_events(app)} == {
        ("bounce", "dsn"), ("complaint", "arf"),
    }  # fmt: skip
    assert [(e.action, e.source) for e in consent_events(app, ana)][-1] == ("withdrawn", "mail")
    assert [(e.action, e.source) for e in consent_events(app, james)][-1] == (
        "withdrawn", "complaint",
    )  # fmt: skip

    # Read again (the mailbox was not emptied): nothing is applied twice.
    again = read(runner, box)
    assert again["already applied"] == 5  # and Ana's unsubscribe
    assert again["unsubscribes"] == 0
    assert (again["hard bounces"], again["soft bounces"], again["complaints"]) == (0, 0, 0)
    assert len(delivery_events(app)) == 4
    assert status_of(app, WEI) == "subscribed"
    assert len(consent_events(app, ana)) == 2


def test_a_maildir_folder_is_read_too(app, runner, tmp_path):
    _, to_maria = an_update_sent_to(app, becomes_supporter(app))
    folder = mailbox.Maildir(tmp_path / "Maildir")
    folder.add(dsn(MARIA, "failed", "5.1.1", to_maria, formatdate()))
    folder.close()
    counts = read(runner, tmp_path / "Maildir")
    assert (counts["messages read"], counts["hard bounces"]) == (1, 1)
    assert status_of(app, MARIA) == "bouncing"


def test_an_unknown_link_key_unsubscribes_nobody(app, runner, tmp_path):
    becomes_supporter(app)
    box = tmp_path / "unsubscribe.mbox"
    write_mbox(
        box, [plain(MARIA, "unsubscribe@localhost", "unsubscribe-" + "x" * 32, formatdate())]
    )
    counts = read(runner, box)
    assert counts["unknown addresses or keys (not our supporters)"] == 1
    assert supporter_row(app, MARIA).status == "subscribed"


def test_a_file_that_is_not_a_mailbox_is_refused_with_a_reason(app, runner, tmp_path):
    not_mail = tmp_path / "bounces.csv"
    not_mail.write_text("email,reason\nmaria@example.org,bounced\n")
    result = runner.invoke(args=["mail", "bounces", str(not_mail)])
    assert result.exit_code != 0
    assert "no messages found" in result.output and "mbox" in result.output
    folder = tmp_path / "folder"
    folder.mkdir()
    result = runner.invoke(args=["mail", "bounces", str(folder)])
    assert result.exit_code != 0
    assert "not a Maildir" in result.output
