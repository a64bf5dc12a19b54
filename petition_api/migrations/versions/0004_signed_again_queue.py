"""a queue for submissions from addresses that had signed

Answering them moves from the request to the mail worker, so that a first
signature and a second one cost the request the same (issue 9).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signed_again",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=True),
        sa.Column("email_canonical", sa.String(length=254), nullable=False),
        sa.Column("submission", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["petition_id"], ["petitions.id"], name=op.f("fk_signed_again_petition_id_petitions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signed_again")),
    )
    with op.batch_alter_table("signed_again", schema=None) as batch_op:
        batch_op.create_index(
            "ix_signed_again_address", ["petition_id", "email_canonical"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("signed_again", schema=None) as batch_op:
        batch_op.drop_index("ix_signed_again_address")
    op.drop_table("signed_again")
