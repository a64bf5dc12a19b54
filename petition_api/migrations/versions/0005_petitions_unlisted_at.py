"""petitions remember when they stopped being listed

Retention anonymises a petition's signatures two years after it closes, and
an unlisted petition closed the day it was unlisted. Petitions already
unlisted before this get the day of the upgrade: their two years start now,
never earlier than the privacy notice promises.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("petitions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unlisted_at", sa.DateTime(timezone=True), nullable=True))
    petitions = sa.table(
        "petitions",
        sa.column("listed", sa.Boolean),
        sa.column("unlisted_at", sa.DateTime(timezone=True)),
    )
    op.execute(
        petitions.update()
        .where(petitions.c.listed == sa.false())
        .values(unlisted_at=datetime.now(UTC))
    )


def downgrade() -> None:
    with op.batch_alter_table("petitions", schema=None) as batch_op:
        batch_op.drop_column("unlisted_at")
