"""what a petition's confirmed page offers to share

`petitions.share`: the manifest's "share" for the petition (campaign_site's
petitions.manifest_share): the suggested post's words, what its share
graphics show, and each graphic's path on the site with its format, label and
pixel size. NULL for a manifest without it (a build from before issue 22):
the confirmed page then offers the share links only.

Revision ID: 0013_petition_share
Revises: 0012_referral_codes
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_petition_share"
down_revision = "0012_referral_codes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("petitions", sa.Column("share", sa.JSON(), nullable=True))


def downgrade() -> None:
    # Not a batch rebuild: on SQLite that would drop and remake a table other tables
    # point at; SQLite drops a plain column in place.
    op.drop_column("petitions", "share")
