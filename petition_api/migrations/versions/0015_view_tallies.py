"""views of petition pages, counted by the first-party beacon

`view_tallies`: per petition, hour (UTC, truncated), variant and the link's
`utm_source`, `utm_medium` and `utm_content` ("" when absent), how many views
the beacon (`POST /api/views`) counted. Each API process adds its views in
batches (counting/views.py), so a surge adds to a few rows now and then rather
than a row per view. Nothing in it is about a person (issue 23).

Revision ID: 0015_view_tallies
Revises: 0014_petition_variants
Create Date: 2026-12-14
"""

import sqlalchemy as sa
from alembic import op

revision = "0015_view_tallies"
down_revision = "0014_petition_variants"
branch_labels = None
depends_on = None

KEY = ("variant", "utm_source", "utm_medium", "utm_content")


def upgrade() -> None:
    op.create_table(
        "view_tallies",
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        *(sa.Column(name, sa.String(length=100), nullable=False) for name in KEY),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.CheckConstraint("views >= 0", name=op.f("ck_view_tallies_views")),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_view_tallies_petition_id_petitions"),
        ),
        sa.PrimaryKeyConstraint("petition_id", "hour", *KEY, name=op.f("pk_view_tallies")),
    )


def downgrade() -> None:
    op.drop_table("view_tallies")
