"""a story's headline

`stories.headline`: the title of the story's published post, as staff write or
edit it at the console or with `flask stories headline` (issue 20). NULL, as
for every story before this revision, means the default: the story's first
words (petition_api/stories/headlines.py). Never an empty string.

SQLite takes the column and its CHECK in one ALTER TABLE: a batch rebuild of
the table would lose its AUTOINCREMENT and could give a deleted story's number
(the name of its post) to the next one.

Revision ID: 0010_story_headline
Revises: 0009
Create Date: 2026-12-08
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_story_headline"
down_revision = "0009"
branch_labels = None
depends_on = None

CHECK = "headline IS NULL OR headline <> ''"
NAME = "ck_stories_headline_not_empty"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        column = f"headline VARCHAR(120) CONSTRAINT {NAME} CHECK ({CHECK})"
        op.execute(f"ALTER TABLE stories ADD COLUMN {column}")
        return
    op.add_column("stories", sa.Column("headline", sa.String(length=120), nullable=True))
    op.create_check_constraint(op.f(NAME), "stories", CHECK)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint(op.f(NAME), "stories", type_="check")
    op.drop_column("stories", "headline")  # on SQLite, with its own CHECK
