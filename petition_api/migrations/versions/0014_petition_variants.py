"""the variants of a petition's page the site declares

`petition_variants`: one row per variant of a petition's page in the manifest
(campaign_site's petitions.manifest_variants): its name (the end of its page's
address, <page>/v/<name>/), headline, page path and place in the front matter.
`flask petitions sync` keeps the rows as the manifest lists them. A signature's
`variant` is recorded only when it names one of its petition's (issue 23);
signatures made before keep what they recorded.

Revision ID: 0014_petition_variants
Revises: 0013_petition_share
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_petition_variants"
down_revision = "0013_petition_share"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "petition_variants",
        sa.Column("petition_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("headline", sa.Text(), nullable=False),
        sa.Column("page", sa.String(length=500), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "length(name) BETWEEN 1 AND 100", name=op.f("ck_petition_variants_name")
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"],
            ["petitions.id"],
            name=op.f("fk_petition_variants_petition_id_petitions"),
        ),
        sa.PrimaryKeyConstraint("petition_id", "name", name=op.f("pk_petition_variants")),
    )


def downgrade() -> None:
    op.drop_table("petition_variants")
