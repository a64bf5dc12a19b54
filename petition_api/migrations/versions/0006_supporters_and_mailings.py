"""supporters, their consent history, mailings, delivery events

A supporter is one person across petitions (issue 10). People who confirmed a
signature before this revision become supporters here, with their newest
confirmed signature's details: subscribed if any of their confirmed signatures
ticked the updates box (as confirming does from now on), with each of those
consents in their history, otherwise unsubscribed (never asked). The outbox learns priorities
(confirmations before bulk mail), which worker holds a claim, and `skipped`.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

OLD_STATUSES = "'queued', 'claimed', 'sending', 'sent', 'failed', 'unknown'"
NEW_STATUSES = OLD_STATUSES + ", 'skipped'"


# One supporter per confirmed address, from its newest confirmed signature;
# subscribed if any of them ticked the box.
SUPPORTERS_FROM_SIGNATURES = """
    INSERT INTO supporters (email_canonical, email, first_name, last_name, city, state, zip,
                            district, status, scope, link_key, created_at, status_changed_at)
    SELECT email_canonical, email, first_name, last_name, city, state, zip, district,
           CASE WHEN ticked = 1 THEN 'subscribed' ELSE 'unsubscribed' END,
           'all', RANDOM_KEY, validated_at, validated_at
    FROM (SELECT s.*,
                 row_number() OVER (PARTITION BY email_canonical
                                    ORDER BY validated_at DESC, id DESC) AS newest,
                 max(CASE WHEN updates_consent_id IS NULL THEN 0 ELSE 1 END)
                     OVER (PARTITION BY email_canonical) AS ticked
          FROM signatures s WHERE status = 'validated' AND email != '') AS latest
    WHERE newest = 1
"""


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "event_receipts",
        sa.Column("digest", sa.String(64), nullable=False),
        _when("at"),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_event_receipts")),
    )
    op.create_index(op.f("ix_event_receipts_at"), "event_receipts", ["at"])
    op.create_table(
        "mailings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("preheader", sa.String(200), nullable=True),
        sa.Column("from_name", sa.String(100), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("queued_by", sa.String(120), nullable=False),
        _when("queued_at"),
        _when("paused_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailings")),
    )
    op.create_index(op.f("ix_mailings_sha256"), "mailings", ["sha256"])
    op.create_table(
        "supporters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_canonical", sa.String(254), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("city", sa.String(100), nullable=True),
        sa.Column("state", sa.String(2), nullable=False),
        sa.Column("zip", sa.String(10), nullable=False),
        sa.Column("district", sa.String(5), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("scope", sa.String(8), nullable=False),
        sa.Column("link_key", sa.String(43), nullable=False),
        _when("created_at"),
        _when("status_changed_at"),
        sa.CheckConstraint("scope IN ('all', 'signed')", name=op.f("ck_supporters_scope")),
        sa.CheckConstraint(
            "status IN ('subscribed', 'unsubscribed', 'bouncing', 'spam_complaint')",
            name=op.f("ck_supporters_status"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supporters")),
        sa.UniqueConstraint("email_canonical", name=op.f("uq_supporters_email_canonical")),
        sa.UniqueConstraint("link_key", name=op.f("uq_supporters_link_key")),
    )
    op.create_index("ix_supporters_status_state", "supporters", ["status", "state"])
    op.create_table(
        "delivery_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("permanent", sa.Boolean(), nullable=False),
        sa.Column("supporter_id", sa.Integer(), nullable=True),
        sa.Column("mailing_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(16), nullable=False),
        _when("at"),
        sa.ForeignKeyConstraint(
            ["mailing_id"], ["mailings.id"], name=op.f("fk_delivery_events_mailing_id_mailings")
        ),
        sa.ForeignKeyConstraint(
            ["supporter_id"],
            ["supporters.id"],
            name=op.f("fk_delivery_events_supporter_id_supporters"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_events")),
    )
    op.create_index(op.f("ix_delivery_events_mailing_id"), "delivery_events", ["mailing_id"])
    op.create_index(op.f("ix_delivery_events_supporter_id"), "delivery_events", ["supporter_id"])
    op.create_table(
        "consent_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supporter_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("wording_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=True),
        sa.Column("page", sa.String(500), nullable=True),
        sa.Column("mailing_id", sa.Integer(), nullable=True),
        _when("at"),
        sa.CheckConstraint(
            "action IN ('given', 'withdrawn')", name=op.f("ck_consent_events_action")
        ),
        sa.ForeignKeyConstraint(
            ["mailing_id"], ["mailings.id"], name=op.f("fk_consent_events_mailing_id_mailings")
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"], ["petitions.id"], name=op.f("fk_consent_events_petition_id_petitions")
        ),
        sa.ForeignKeyConstraint(
            ["supporter_id"],
            ["supporters.id"],
            name=op.f("fk_consent_events_supporter_id_supporters"),
        ),
        sa.ForeignKeyConstraint(
            ["wording_id"],
            ["consent_wordings.id"],
            name=op.f("fk_consent_events_wording_id_consent_wordings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_events")),
    )
    op.create_index(op.f("ix_consent_events_supporter_id"), "consent_events", ["supporter_id"])
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supporter_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("mailing_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("claimed_by", sa.String(64), nullable=True))
        batch_op.drop_index("ix_outbox_due")
        batch_op.create_index("ix_outbox_queue", ["status", "priority", "id"])
        batch_op.create_unique_constraint(
            "uq_outbox_mailing_id_supporter_id", ["mailing_id", "supporter_id"]
        )
        batch_op.create_foreign_key(
            "fk_outbox_supporter_id_supporters", "supporters", ["supporter_id"], ["id"]
        )
        batch_op.create_foreign_key(
            "fk_outbox_mailing_id_mailings", "mailings", ["mailing_id"], ["id"]
        )
        batch_op.drop_constraint(op.f("ck_outbox_status"), type_="check")
        batch_op.create_check_constraint("status", f"status IN ({NEW_STATUSES})")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("priority", server_default=None)
    _supporters_from_confirmed_signatures()


def _supporters_from_confirmed_signatures() -> None:
    """One supporter per confirmed address, from its newest confirmed signature."""
    # The links' secret: 21 random bytes on SQLite, two random UUIDs on PostgreSQL.
    key = "lower(hex(randomblob(21)))"
    if op.get_bind().dialect.name == "postgresql":
        uuid = "replace(gen_random_uuid()::text, '-', '')"
        key = f"substr({uuid} || {uuid}, 1, 43)"
    op.execute(SUPPORTERS_FROM_SIGNATURES.replace("RANDOM_KEY", key))
    op.execute("""
        INSERT INTO consent_events (supporter_id, action, wording_id, source, petition_id, page, at)
        SELECT p.id, 'given', s.updates_consent_id, 'signature', s.petition_id, s.page,
               s.validated_at
        FROM signatures s JOIN supporters p ON p.email_canonical = s.email_canonical
        WHERE s.status = 'validated' AND s.updates_consent_id IS NOT NULL
    """)


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE mailing_id IS NOT NULL OR status = 'skipped'")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_status"), type_="check")
        batch_op.create_check_constraint("status", f"status IN ({OLD_STATUSES})")
        batch_op.drop_constraint("fk_outbox_mailing_id_mailings", type_="foreignkey")
        batch_op.drop_constraint("fk_outbox_supporter_id_supporters", type_="foreignkey")
        batch_op.drop_constraint("uq_outbox_mailing_id_supporter_id", type_="unique")
        batch_op.drop_index("ix_outbox_queue")
        batch_op.create_index("ix_outbox_due", ["status", "next_attempt_at"])
        batch_op.drop_column("claimed_by")
        batch_op.drop_column("priority")
        batch_op.drop_column("mailing_id")
        batch_op.drop_column("supporter_id")
    for table in ("consent_events", "delivery_events", "supporters", "mailings", "event_receipts"):
        op.drop_table(table)
