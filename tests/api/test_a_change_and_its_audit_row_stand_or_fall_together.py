"""Staff change something and the audit log says so, or nothing changed at all.

The database fails here just after the audit row is written (as a full disk or a
lost connection would): the change made before it in the same transaction must
go too. Then, with nothing failing, the change and its row are both kept.
"""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from petition_api.models import ApiToken, AuditEntry, StaffAccount, Status
from petition_api.staff import tokens

from ..conftest import database
from .console_support import console_client, make_staff, post, sign_in
from .support import signatures
from .test_staff_invalidate_signatures import sign_and_confirm


class AuditRowLost(RuntimeError):
    """The failure these tests cause once an audit row is written."""


@contextmanager
def failing_after_the_audit_row():
    """Every flush that writes an audit row fails once it has written it, so the
    transaction it is in rolls back."""

    def fail(session, _context):
        if any(isinstance(thing, AuditEntry) for thing in session.new):
            raise AuditRowLost("the database went away after the audit row was written")

    event.listen(Session, "after_flush", fail)
    try:
        yield
    finally:
        event.remove(Session, "after_flush", fail)


def audit_rows(app, action: str) -> int:
    with database(app) as session:
        return session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)
        )


def test_a_token_revoked_at_the_command_line_stays_working_when_its_record_fails(app, runner):
    with database(app) as session:
        tokens.create(session, "CRM sync", ["export"])
        token_id = session.scalar(select(ApiToken.id))

    with failing_after_the_audit_row():
        failed = runner.invoke(args=["tokens", "revoke", str(token_id)])
    assert isinstance(failed.exception, AuditRowLost)
    with database(app) as session:
        assert session.get(ApiToken, token_id).revoked_at is None
    assert audit_rows(app, "token.revoke") == 0

    done = runner.invoke(args=["tokens", "revoke", str(token_id)])
    assert done.exit_code == 0, done.output
    with database(app) as session:
        assert session.get(ApiToken, token_id).revoked_at is not None
    assert audit_rows(app, "token.revoke") == 1


def test_signatures_invalidated_at_the_command_line_stay_valid_when_the_record_fails(
    app, client, runner
):
    for i in range(2):
        sign_and_confirm(app, client, f"farm{i}@example.org", "203.0.113.7")
    args = ["signatures", "invalidate", "--ip-prefix", "203.0.113.", "--reason", "farm", "--yes"]

    with failing_after_the_audit_row():
        failed = runner.invoke(args=args)
    assert isinstance(failed.exception, AuditRowLost)
    assert [s.status for s in signatures(app)] == [Status.VALIDATED] * 2
    assert audit_rows(app, "signatures.invalidate") == 0

    done = runner.invoke(args=args)
    assert done.exit_code == 0, done.output
    assert [s.status for s in signatures(app)] == [Status.INVALIDATED] * 2
    assert audit_rows(app, "signatures.invalidate") == 1


def test_an_account_an_admin_disables_at_the_console_still_signs_in_when_the_record_fails(app):
    admin = console_client(app, "admin")
    console_client(app, "organiser", "olu@example.org")
    with database(app) as session:
        olu = session.scalar(select(StaffAccount.id).where(StaffAccount.email == "olu@example.org"))
    disabling = f"/admin/staff/{olu}/disable"

    with failing_after_the_audit_row():
        failed = post(admin, disabling, token_from="/admin/staff")
    assert failed.status_code == 500
    assert sign_in(app.test_client(), "olu@example.org").status_code == 302
    assert audit_rows(app, "staff.disable") == 0

    done = post(admin, disabling, token_from="/admin/staff")
    assert done.status_code == 302
    assert sign_in(app.test_client(), "olu@example.org").status_code == 401
    assert audit_rows(app, "staff.disable") == 1


def test_a_sign_in_that_cannot_be_recorded_signs_nobody_in(app):
    make_staff(app, "olu@example.org", "organiser")
    olu = app.test_client()

    with failing_after_the_audit_row():
        failed = sign_in(olu, "olu@example.org")
    assert failed.status_code == 500
    assert olu.get("/admin/").status_code == 302  # sent to sign in: the 500 kept no session
    assert audit_rows(app, "staff.sign-in") == 0

    assert sign_in(olu, "olu@example.org").status_code == 302
    assert olu.get("/admin/").status_code == 200
    assert audit_rows(app, "staff.sign-in") == 1
