"""subject lines that test themselves: a mailing's subjects, its test, each copy's subject

`mailing_subjects`: a subject test's two to four subjects, by letter (A to D).
`subject_tests`: the test of a mailing (its samples' share in basis points and
size, the wait, the minimum it was held to, when its samples were sent, the
winner and who chose it, the guard's stop).

`outbox.subject` and `outbox.sample`: the letter of the subject a copy carries,
and whether it belongs to a sample; the rest of a test's list waits as `held`
(a new status) without a subject until the winner is chosen, and a composite
foreign key lets a copy carry only a subject its mailing declared
(updates/subject_tests.py). `stories` keep the link's other tags (utm_medium,
utm_campaign, utm_content) as signatures do, so a story told through an
update's link counts for its subject.

SQLite rebuilds the outbox (batch) to change its status CHECK, as 0006 did; no
other table points at it.

Revision ID: 0016_subject_tests
Revises: 0015_view_tallies
Create Date: 2026-12-12
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_subject_tests"
down_revision = "0015_view_tallies"
branch_labels = None
depends_on = None

OLD_STATUSES = "'queued', 'claimed', 'sending', 'sent', 'failed', 'unknown', 'skipped'"
NEW_STATUSES = OLD_STATUSES + ", 'held'"
LETTERS = "letter IN ('A', 'B', 'C', 'D')"
DECIDED = (
    "(winner IS NULL AND decided_at IS NULL AND decided_by IS NULL) OR "
    "(winner IS NOT NULL AND decided_at IS NOT NULL AND decided_by IS NOT NULL)"
)
STORY_TAGS = ("utm_medium", "utm_campaign", "utm_content")


def _when(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "mailing_subjects",
        sa.Column("mailing_id", sa.Integer(), nullable=False),
        sa.Column("letter", sa.String(1), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.CheckConstraint(LETTERS, name=op.f("ck_mailing_subjects_letter")),
        sa.ForeignKeyConstraint(
            ["mailing_id"], ["mailings.id"], name=op.f("fk_mailing_subjects_mailing_id_mailings")
        ),
        sa.PrimaryKeyConstraint("mailing_id", "letter", name=op.f("pk_mailing_subjects")),
    )
    op.create_table(
        "subject_tests",
        sa.Column("mailing_id", sa.Integer(), nullable=False),
        sa.Column("share_basis_points", sa.Integer(), nullable=False),
        sa.Column("wait_minutes", sa.Integer(), nullable=False),
        sa.Column("sample_size", sa.Integer(), nullable=False),
        sa.Column("minimum", sa.Integer(), nullable=False),
        _when("samples_sent_at", nullable=True),
        sa.Column("winner", sa.String(1), nullable=True),
        _when("decided_at", nullable=True),
        sa.Column("decided_by", sa.String(120), nullable=True),
        _when("stopped_at", nullable=True),
        sa.Column("stopped_because", sa.String(300), nullable=True),
        sa.CheckConstraint(
            "share_basis_points BETWEEN 100 AND 2500", name=op.f("ck_subject_tests_share")
        ),
        sa.CheckConstraint("wait_minutes > 0", name=op.f("ck_subject_tests_wait")),
        sa.CheckConstraint("sample_size > 0", name=op.f("ck_subject_tests_sample_size")),
        sa.CheckConstraint(DECIDED, name=op.f("ck_subject_tests_decided")),
        sa.ForeignKeyConstraint(
            ["mailing_id"], ["mailings.id"], name=op.f("fk_subject_tests_mailing_id_mailings")
        ),
        sa.ForeignKeyConstraint(
            ["mailing_id", "winner"],
            ["mailing_subjects.mailing_id", "mailing_subjects.letter"],
            name=op.f("fk_subject_tests_mailing_id_mailing_subjects"),
        ),
        sa.PrimaryKeyConstraint("mailing_id", name=op.f("pk_subject_tests")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject", sa.String(1), nullable=True))
        batch_op.add_column(
            sa.Column("sample", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_foreign_key(
            "fk_outbox_mailing_id_mailing_subjects",
            "mailing_subjects",
            ["mailing_id", "subject"],
            ["mailing_id", "letter"],
        )
        batch_op.drop_constraint(op.f("ck_outbox_status"), type_="check")
        batch_op.create_check_constraint("status", f"status IN ({NEW_STATUSES})")
        batch_op.create_check_constraint(
            "held_without_subject", "status <> 'held' OR subject IS NULL"
        )
        batch_op.create_check_constraint("sample_has_subject", "subject IS NOT NULL OR NOT sample")
    for column in STORY_TAGS:
        op.add_column("stories", sa.Column(column, sa.String(200), nullable=True))


def downgrade() -> None:
    # A held copy never had a subject: it goes, as its test does.
    op.execute("DELETE FROM outbox WHERE status = 'held'")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_outbox_sample_has_subject"), type_="check")
        batch_op.drop_constraint(op.f("ck_outbox_held_without_subject"), type_="check")
        batch_op.drop_constraint(op.f("ck_outbox_status"), type_="check")
        batch_op.create_check_constraint("status", f"status IN ({OLD_STATUSES})")
        batch_op.drop_constraint("fk_outbox_mailing_id_mailing_subjects", type_="foreignkey")
        batch_op.drop_column("sample")
        batch_op.drop_column("subject")
    op.drop_table("subject_tests")
    op.drop_table("mailing_subjects")
    # Not a batch rebuild: stories' photos and consents point at the table.
    for column in STORY_TAGS:
        op.drop_column("stories", column)
