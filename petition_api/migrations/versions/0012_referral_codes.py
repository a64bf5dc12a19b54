"""a signature's referral code, who referred it, and its generation

`signatures.referral_code`: random (12 URL-safe characters), unique, carried by
every share link its signer is given (`?ref=`). `signatures.referrer_id`: the
signature whose link brought this one (a plain foreign key: erasing a referrer
unlinks the signatures it brought first, models/signatures.py unlink_referrals;
SQLite reflects no ON DELETE from a column added by ALTER TABLE).
`signatures.generation`: 0 for a signature that came through nobody's link, the
referrer's generation + 1 otherwise (issue 22; signing/referrals.py).

Rows made before this revision have no code (NULL): one still waiting for its
signer gets its code when it is confirmed; every row is generation 0.

The dashboard's tallies gain two dimensions (share channel and generation): they
are cleared here, and the next dashboard opened counts each petition's history
again with them (counting/tallies.py), as `flask petitions recount` would.

SQLite takes each column with its constraint in one ALTER TABLE, and the unique
index on its own: a batch rebuild of the table would drop the partial index of
uncounted signatures' WHERE clause.

Revision ID: 0012_referral_codes
Revises: 0011_congress_office_surname
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_referral_codes"
down_revision = "0011_congress_office_surname"
branch_labels = None
depends_on = None

CHECK = "generation >= 0 AND (referrer_id IS NULL OR generation > 0)"
CHECK_NAME = "ck_signatures_generation"
FK_NAME = "fk_signatures_referrer_id_signatures"
UNIQUE = "uq_signatures_referral_code"
REFERRER = "ix_signatures_referrer_id"
NAMES_A_REFERRER = "referrer_id IS NOT NULL"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for column in (
            "referral_code VARCHAR(12)",
            f"referrer_id INTEGER CONSTRAINT {FK_NAME} REFERENCES signatures (id)",
            f"generation INTEGER DEFAULT 0 NOT NULL CONSTRAINT {CHECK_NAME} CHECK ({CHECK})",
        ):
            op.execute(f"ALTER TABLE signatures ADD COLUMN {column}")
    else:
        op.add_column("signatures", sa.Column("referral_code", sa.String(length=12)))
        op.add_column("signatures", sa.Column("referrer_id", sa.Integer()))
        op.add_column(
            "signatures",
            sa.Column("generation", sa.Integer(), server_default=sa.text("0"), nullable=False),
        )
        op.create_foreign_key(op.f(FK_NAME), "signatures", "signatures", ["referrer_id"], ["id"])
        op.create_check_constraint(op.f(CHECK_NAME), "signatures", CHECK)
    op.create_index(op.f(UNIQUE), "signatures", ["referral_code"], unique=True)
    # Erasing a referrer looks up who names it.
    op.create_index(
        op.f(REFERRER),
        "signatures",
        ["referrer_id"],
        sqlite_where=sa.text(NAMES_A_REFERRER),
        postgresql_where=sa.text(NAMES_A_REFERRER),
    )
    op.execute("DELETE FROM petition_tallies")
    op.execute("DELETE FROM tally_marks")


def downgrade() -> None:
    op.drop_index(op.f(REFERRER), table_name="signatures")
    op.drop_index(op.f(UNIQUE), table_name="signatures")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f(CHECK_NAME), "signatures", type_="check")
        op.drop_constraint(op.f(FK_NAME), "signatures", type_="foreignkey")
    # On SQLite each with its own constraint; generation first, its CHECK names referrer_id.
    for column in ("generation", "referrer_id", "referral_code"):
        op.drop_column("signatures", column)
    op.execute("DELETE FROM petition_tallies WHERE dimension IN ('shared_via', 'generation')")
