"""congress districts and offices (datasets switched atomically)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "congress_datasets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("congress", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("districts_source", sa.String(length=500), nullable=False),
        sa.Column("legislators_source", sa.String(length=500), nullable=False),
        sa.Column("zcta_rows", sa.Integer(), nullable=False),
        sa.Column("offices", sa.Integer(), nullable=False),
        sa.Column("vacant", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_congress_datasets")),
    )
    op.create_table(
        "congress_zctas",
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("zcta", sa.String(length=5), nullable=False),
        sa.Column("district", sa.String(length=5), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["congress_datasets.id"],
            name=op.f("fk_congress_zctas_dataset_id_congress_datasets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("dataset_id", "zcta", "district", name=op.f("pk_congress_zctas")),
    )
    op.create_table(
        "congress_offices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dataset_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("chamber", sa.String(length=6), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("bioguide_id", sa.String(length=10), nullable=True),
        sa.Column("full_name", sa.String(length=200), nullable=True),
        sa.Column("party", sa.String(length=50), nullable=True),
        sa.Column("senate_class", sa.Integer(), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("url", sa.String(length=300), nullable=True),
        sa.CheckConstraint(
            "chamber IN ('house', 'senate')", name=op.f("ck_congress_offices_chamber")
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["congress_datasets.id"],
            name=op.f("fk_congress_offices_dataset_id_congress_datasets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_congress_offices")),
        sa.UniqueConstraint("dataset_id", "code", name=op.f("uq_congress_offices_dataset_id_code")),
    )
    with op.batch_alter_table("congress_offices", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_congress_offices_dataset_id"), ["dataset_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("congress_offices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_congress_offices_dataset_id"))
    op.drop_table("congress_offices")
    op.drop_table("congress_zctas")
    op.drop_table("congress_datasets")
