"""a member's surname, for a delivery letter's salutation

`congress_offices.surname`: the legislators file's `last_name`, so a packet's cover
letter says "Dear Representative Wasserman Schultz" (the last word of a full name
is often not the surname). NULL for a vacant seat, and for datasets loaded before
this revision: their letters greet the member by full name until the next
`flask congress load`.

Revision ID: 0011_congress_office_surname
Revises: 0010_story_headline
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_congress_office_surname"
down_revision = "0010_story_headline"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("congress_offices", sa.Column("surname", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("congress_offices") as batch:
        batch.drop_column("surname")
