"""staff accounts for the console; dashboard tallies; signatures by arrival time

`staff_accounts` holds the people who sign in at /admin (issue 13): email,
role, an Argon2 password hash, the session version that signs everyone out
when it changes, and an optional TOTP secret. `petition_tallies` and
`tally_marks` hold what the dashboard draws (submissions and confirmations
per hour, state and source), counted as they happen, so a dashboard never
reads a million signatures; the two new indexes let a tally read only the
signatures submitted or confirmed since the last one. Existing signatures are tallied
when a petition's dashboard is first opened, a week at a time (or all at once by
`flask petitions recount`).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("totp_secret", sa.String(length=64), nullable=True),
        sa.Column("totp_last_step", sa.Integer(), nullable=True),
        sa.Column("totp_pending", sa.String(length=64), nullable=True),
        sa.Column("totp_pending_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("totp_pending_for", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sign_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "role IN ('editor', 'organiser', 'admin')", name=op.f("ck_staff_accounts_role")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_staff_accounts")),
        sa.UniqueConstraint("email", name=op.f("uq_staff_accounts_email")),
    )
    op.create_table(
        "petition_tallies",
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("signed", sa.Integer(), nullable=False),
        sa.Column("confirmed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_petition_tallies_petition_id_petitions"),
        ),
        sa.PrimaryKeyConstraint(
            "petition_id", "dimension", "key", name=op.f("pk_petition_tallies")
        ),
    )
    op.create_table(
        "tally_marks",
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("until", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["petition_id"], ["petitions.id"], name=op.f("fk_tally_marks_petition_id_petitions")
        ),
        sa.PrimaryKeyConstraint("petition_id", name=op.f("pk_tally_marks")),
    )
    op.create_index(
        "ix_signatures_petition_id_created_at", "signatures", ["petition_id", "created_at"]
    )
    op.create_index(
        "ix_signatures_petition_id_validated_at", "signatures", ["petition_id", "validated_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_signatures_petition_id_validated_at", table_name="signatures")
    op.drop_index("ix_signatures_petition_id_created_at", table_name="signatures")
    op.drop_table("tally_marks")
    op.drop_table("petition_tallies")
    op.drop_table("staff_accounts")
