"""forgotten people's hashed emails for ad suppression lists; signatures by email

`suppressed_emails` keeps the SHA-256 of each address a person gave us, once
they agreed to updates and are gone (forgotten, or let go by retention), and
nothing else, for the `meta-suppression` export (issue 11). Signatures get
an index on their canonical email: a person's data, retention's test of whether
a supporter is still named anywhere, and an audience's petitions all look
signatures up by address, which the (petition, email) constraint cannot serve.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "suppressed_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_sha256", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppressed_emails")),
        sa.UniqueConstraint("email_sha256", name=op.f("uq_suppressed_emails_email_sha256")),
    )
    op.create_index("ix_signatures_email_canonical", "signatures", ["email_canonical"])


def downgrade() -> None:
    op.drop_index("ix_signatures_email_canonical", table_name="signatures")
    op.drop_table("suppressed_emails")
