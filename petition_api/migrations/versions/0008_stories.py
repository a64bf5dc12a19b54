"""stories, their consents, the story form's current wordings; the comment-share box

Issue 12: a supporter's story, confirmed by email and moderated, with each consent
(publish, name, Congress, contact) a row of history; `current_wordings` names the
wording each box shows now; petitions and signatures learn the petition form's
"you may share my comment" box.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _add_wording_column(table: str) -> None:
    """A nullable column with a foreign key. SQLite adds it in place (no copy of a
    million signatures), but Alembic will not write a constraint there: plain SQL."""
    name = f"fk_{table}_comment_share_consent_id_consent_wordings"
    bind = op.get_bind()
    if "comment_share_consent_id" in {c["name"] for c in sa.inspect(bind).get_columns(table)}:
        return  # left by a downgrade on SQLite (below)
    if bind.dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN comment_share_consent_id INTEGER "
            f"CONSTRAINT {name} REFERENCES consent_wordings (id)"
        )
        return
    op.add_column(table, sa.Column("comment_share_consent_id", sa.Integer(), nullable=True))
    op.create_foreign_key(name, table, "consent_wordings", ["comment_share_consent_id"], ["id"])


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("petition_id", sa.Integer(), nullable=True),
        sa.Column("signature_id", sa.Integer(), nullable=True),
        sa.Column("first_name", sa.String(100), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("email_canonical", sa.String(254), nullable=False),
        sa.Column("state", sa.String(2), nullable=False),
        sa.Column("zip", sa.String(10), nullable=False),
        sa.Column("district", sa.String(5), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("edited", sa.Text(), nullable=True),
        sa.Column("photo", sa.String(100), nullable=True),
        sa.Column("fraud_reason", sa.String(32), nullable=True),
        sa.Column("rejected_because", sa.String(500), nullable=True),
        sa.Column("confirm_token_hash", sa.String(64), nullable=True),
        _when("confirm_expires_at", nullable=True),
        sa.Column("page", sa.String(500), nullable=True),
        sa.Column("utm_source", sa.String(100), nullable=True),
        _when("created_at"),
        _when("confirmed_at", nullable=True),
        _when("decided_at", nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'set_aside', 'submitted', 'approved', 'rejected', 'published')",
            name=op.f("ck_stories_status"),
        ),
        sa.ForeignKeyConstraint(
            ["petition_id"], ["petitions.id"], name=op.f("fk_stories_petition_id_petitions")
        ),
        sa.ForeignKeyConstraint(
            ["signature_id"], ["signatures.id"], name=op.f("fk_stories_signature_id_signatures")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
        sa.UniqueConstraint("confirm_token_hash", name=op.f("uq_stories_confirm_token_hash")),
        sqlite_autoincrement=True,  # a published post is named by its number: never reused
    )
    op.create_index("ix_stories_status", "stories", ["status", "id"])
    op.create_index(op.f("ix_stories_email_canonical"), "stories", ["email_canonical"])
    op.create_table(
        "story_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("given", sa.Boolean(), nullable=False),
        sa.Column("wording_id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(12), nullable=False),
        _when("at"),
        sa.CheckConstraint(
            "kind IN ('publish', 'name', 'congress', 'contact')",
            name=op.f("ck_story_consents_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["story_id"], ["stories.id"], name=op.f("fk_story_consents_story_id_stories")
        ),
        sa.ForeignKeyConstraint(
            ["wording_id"],
            ["consent_wordings.id"],
            name=op.f("fk_story_consents_wording_id_consent_wordings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_story_consents")),
    )
    op.create_index(op.f("ix_story_consents_story_id"), "story_consents", ["story_id"])
    op.create_table(
        "current_wordings",
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("wording_id", sa.Integer(), nullable=False),
        _when("since"),
        sa.ForeignKeyConstraint(
            ["wording_id"],
            ["consent_wordings.id"],
            name=op.f("fk_current_wordings_wording_id_consent_wordings"),
        ),
        sa.PrimaryKeyConstraint("kind", name=op.f("pk_current_wordings")),
    )
    _add_wording_column("petitions")
    _add_wording_column("signatures")


def downgrade() -> None:
    # SQLite cannot drop a column that has a foreign key without copying the table,
    # and other tables' keys point at signatures and petitions: there the two
    # columns stay, unused and empty, and upgrading again finds them.
    for table in ("signatures", "petitions"):
        if op.get_bind().dialect.name == "sqlite":
            column = sa.column("comment_share_consent_id", sa.Integer)
            op.execute(sa.table(table, column).update().values(comment_share_consent_id=None))
            continue
        op.drop_constraint(
            f"fk_{table}_comment_share_consent_id_consent_wordings", table, type_="foreignkey"
        )
        op.drop_column(table, "comment_share_consent_id")
    op.drop_table("current_wordings")
    op.drop_table("story_consents")
    op.drop_index("ix_stories_email_canonical", table_name="stories")
    op.drop_index("ix_stories_status", table_name="stories")
    op.drop_table("stories")
