"""staff tokens get scopes and an expiry

Tokens made before this get every scope there was (export, deliver) and expire
90 days after the upgrade, so nothing stops working that day.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("scopes", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    tokens = sa.table(
        "api_tokens",
        sa.column("scopes", sa.String),
        sa.column("expires_at", sa.DateTime(timezone=True)),
    )
    op.execute(
        tokens.update().values(
            scopes="export deliver", expires_at=datetime.now(UTC) + timedelta(days=90)
        )
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column("scopes", server_default=None)
        batch_op.alter_column(
            "expires_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("expires_at")
        batch_op.drop_column("scopes")
