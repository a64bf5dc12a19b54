"""Staff take a bad batch out of the count, see how many first, and can put it back."""

from __future__ import annotations

from sqlalchemy import update

from petition_api.models import AuditEntry, Signature, Status

from ..conftest import database
from .support import PETITION, SIGN_URL, signatures, supporter


def sign_and_confirm(app, client, email: str, ip: str, state: str = "NY", zip_code="10118"):
    client.post(
        SIGN_URL,
        json=supporter(email=email, state=state, zip=zip_code),
        environ_base={"REMOTE_ADDR": ip},
    )
    with database(app) as session:
        session.execute(
            update(Signature)
            .where(Signature.status == Status.PENDING)
            .values(status=Status.VALIDATED, validated_at=Signature.created_at)
        )


def count(client) -> int:
    return client.get(f"/api/petitions/{PETITION}").get_json()["count"]


def audit(app) -> list[AuditEntry]:
    from sqlalchemy import select

    with database(app) as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_staff_preview_a_fraudulent_batch_then_invalidate_it_and_the_count_drops(
    app, client, runner
):
    for i in range(3):
        sign_and_confirm(app, client, f"farm{i}@example.org", "203.0.113.7")
    sign_and_confirm(app, client, "maria@example.org", "198.51.100.2")
    assert count(client) == 4

    args = ["signatures", "invalidate", "--ip-prefix", "203.0.113.", "--reason", "click farm"]
    said_no = runner.invoke(args=args, input="n\n")
    assert "3 signatures would be invalidated (3 of them counted now)" in said_no.output
    assert "nothing changed" in said_no.output and count(client) == 4

    done = runner.invoke(args=args, input="y\n")
    assert done.exit_code == 0, done.output
    assert count(client) == 1
    assert [s.status for s in signatures(app)] == [Status.INVALIDATED] * 3 + [Status.VALIDATED]
    [entry] = audit(app)
    assert (entry.action, entry.rows, entry.filters["reason"]) == (
        "signatures.invalidate",
        3,
        "click farm",
    )
    assert entry.filters["by"] == ["ip_prefix"] and "203.0.113" not in str(entry.filters)


def test_restore_puts_an_invalidated_batch_back_as_it_was(app, client, runner):
    sign_and_confirm(app, client, "ana@example.org", "192.0.2.1")
    client.post(SIGN_URL, json=supporter(email="pending@example.org"))  # not confirmed
    ids = [str(s.id) for s in signatures(app)]
    runner.invoke(args=["signatures", "invalidate", *ids, "--reason", "mistake?", "--yes"])
    assert count(client) == 0

    back = runner.invoke(args=["signatures", "restore", *ids, "--reason", "it was fine", "--yes"])
    assert "restored 2 signatures" in back.output
    assert [s.status for s in signatures(app)] == [Status.VALIDATED, Status.PENDING]
    assert count(client) == 1
    assert [e.action for e in audit(app)] == ["signatures.invalidate", "signatures.restore"]


def test_staff_invalidate_by_email_whatever_its_spelling(app, client, runner):
    sign_and_confirm(app, client, "Jane.Doe+petition@gmail.com", "192.0.2.9")
    result = runner.invoke(
        args=[
            "signatures",
            "invalidate",
            "--email",
            "janedoe@gmail.com",
            "--reason",
            "asked",
            "--yes",
        ]
    )
    assert "invalidated 1 signatures" in result.output
    assert signatures(app)[0].status == Status.INVALIDATED


def test_invalidating_needs_a_reason_and_a_choice_of_signatures(app, runner):
    assert (
        "Missing option '--reason'" in runner.invoke(args=["signatures", "invalidate", "1"]).output
    )
    nothing = runner.invoke(args=["signatures", "invalidate", "--reason", "x"])
    assert (
        nothing.exit_code != 0
        and "IDs, or an email, name, ZIP, district, email domain or IP prefix" in nothing.output
    )
