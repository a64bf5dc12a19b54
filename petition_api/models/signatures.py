"""A signature, and every change of its status.

    submitted ─┬─> pending (maybe flagged for review) ──(signer presses the emailed
               │     button)──> validated ──> counted
               └─> fraudulent (set aside by the abuse checks)
    a clean submission for the same address replaces a pending or fraudulent row's words
    (queued by the request, answered by the mail worker: mail/signed_again.py)
    invalidated: set aside by staff (flask signatures invalidate; restore undoes it)

Each signature has a referral code of its own, which its share links carry
(`?ref=`); a signature made through one records whose it was and its
generation (signing/referrals.py).

Each change is a statement built here, so the rules (which status may move to
which, under which guard) live in one place, the way e-petitions keeps
`Signature#validate!` on its model. They are Core statements because the
signing and counting paths run them at thousands a second; callers execute
them on a session or a connection.
"""

from __future__ import annotations

import enum
import json
import secrets
from datetime import datetime
from functools import cache

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Insert,
    Select,
    String,
    Text,
    TextClause,
    UniqueConstraint,
    Update,
    and_,
    bindparam,
    case,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, EnumText, check_in, hashed, utcnow
from .mail import SignedAgain


class Status(enum.StrEnum):
    PENDING = "pending"
    VALIDATED = "validated"
    FRAUDULENT = "fraudulent"
    INVALIDATED = "invalidated"


# What a personal column holds, for the exports (`info` is SQLAlchemy's per-column
# dictionary): FREE_TEXT is typed by the signer, so a spreadsheet must not run it.
FREE_TEXT = {"free_text": True}


# A later submission from the same address keeps the row's own code (links carrying
# it may be out already) and who brought it first.
_KEPT = ("petition_id", "created_at", "referral_code", "referrer_id", "generation")


def _replacing(submitted: dict, kept: tuple[str, ...] = _KEPT) -> dict:
    """What a later submission changes in a row: everything but which petition, when,
    and the referral the row began with."""
    return {k: v for k, v in submitted.items() if k not in kept}


# SQLite's planner prefers (petition_id, status) to the partial index of uncounted
# rows, and then a refresh reads every confirmed signature of the petition (0.9 s
# with 800,000): it is told which index to use, in a statement of its own.
_COUNT_NEW_SQLITE = (
    "UPDATE signatures INDEXED BY ix_signatures_uncounted SET counted = 1 "
    "WHERE petition_id = :petition_id AND status = 'validated' AND counted = 0{before} "
    "RETURNING state"
)


REFERRAL_CODE_LENGTH = 12  # secrets.token_urlsafe(9): 72 random bits


class Signature(Base):
    __tablename__ = "signatures"
    __table_args__ = (
        # One signature per petition per person: concurrent duplicates cannot both land.
        UniqueConstraint("petition_id", "email_canonical"),
        CheckConstraint(check_in("status", Status), name="status"),
        Index("ix_signatures_petition_status_state", "petition_id", "status", "state"),
        # A person's signatures on every petition: their data (supporters/rights.py),
        # retention's test of whether any still names them, an audience's petitions.
        Index("ix_signatures_email_canonical", "email_canonical"),
        # The dashboard tallies submissions and confirmations as they happen (counting/tallies.py).
        Index("ix_signatures_petition_id_created_at", "petition_id", "created_at"),
        Index("ix_signatures_petition_id_validated_at", "petition_id", "validated_at"),
        # The counting refresh only looks at confirmed signatures not yet counted.
        Index(
            "ix_signatures_uncounted",
            "petition_id",
            sqlite_where=text("status = 'validated' AND counted = 0"),
            postgresql_where=text("status = 'validated' AND NOT counted"),
        ),
        # A code names one signature; a share link's code is looked up by it.
        Index("uq_signatures_referral_code", "referral_code", unique=True),
        # Deleting or anonymising a referrer finds the signatures that name it (and the
        # foreign key's check on a delete does): without it, each would read the table.
        Index(
            "ix_signatures_referrer_id",
            "referrer_id",
            sqlite_where=text("referrer_id IS NOT NULL"),
            postgresql_where=text("referrer_id IS NOT NULL"),
        ),
        # Generation 0 came through nobody's link; one that names its referrer is 1 or more
        # (the referrer may go, by retention, and the figure stay).
        CheckConstraint(
            "generation >= 0 AND (referrer_id IS NULL OR generation > 0)", name="generation"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(ForeignKey("petitions.id"))
    status: Mapped[Status] = mapped_column(EnumText(Status), default=Status.PENDING)
    fraud_reason: Mapped[str | None] = mapped_column(String(32))
    first_name: Mapped[str] = mapped_column(String(100), info=FREE_TEXT)
    last_name: Mapped[str] = mapped_column(String(100), info=FREE_TEXT)
    email: Mapped[str] = mapped_column(String(254), info=FREE_TEXT)
    email_canonical: Mapped[str] = mapped_column(String(254))
    street: Mapped[str | None] = mapped_column(String(200), info=FREE_TEXT)
    city: Mapped[str | None] = mapped_column(String(100), info=FREE_TEXT)
    state: Mapped[str] = mapped_column(String(2))
    zip: Mapped[str] = mapped_column(String(10))
    district: Mapped[str | None] = mapped_column(String(5))
    comment: Mapped[str | None] = mapped_column(Text, info=FREE_TEXT)
    petition_version: Mapped[str] = mapped_column(String(64))
    updates_consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent_wordings.id"))
    # Ticked "you may share my comment": the comment may become a story candidate.
    comment_share_consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent_wordings.id"))
    utm_source: Mapped[str | None] = mapped_column(String(200), info=FREE_TEXT)
    utm_medium: Mapped[str | None] = mapped_column(String(200), info=FREE_TEXT)
    utm_campaign: Mapped[str | None] = mapped_column(String(200), info=FREE_TEXT)
    utm_content: Mapped[str | None] = mapped_column(String(200), info=FREE_TEXT)
    variant: Mapped[str | None] = mapped_column(String(100), info=FREE_TEXT)
    page: Mapped[str | None] = mapped_column(String(500), info=FREE_TEXT)
    ip: Mapped[str | None] = mapped_column(String(45))
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    confirm_expires_at: Mapped[datetime | None]
    duplicate_notices: Mapped[int] = mapped_column(default=0)
    counted: Mapped[bool] = mapped_column(default=False)
    # Random, never personal (signing/referrals.py); NULL once retention erases it,
    # and for signatures made before revision 0012 that were confirmed before it.
    referral_code: Mapped[str | None] = mapped_column(String(REFERRAL_CODE_LENGTH))
    # Whose share link brought this signature: NULL when nobody's did, or once either
    # signature is erased (unlink_referrals: SQLite cannot add an ON DELETE SET NULL
    # that reflects, so the key refuses to delete a referrer still named).
    referrer_id: Mapped[int | None] = mapped_column(ForeignKey("signatures.id"))
    generation: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    validated_at: Mapped[datetime | None]

    # --- submitted ------------------------------------------------------------------

    token_hash = staticmethod(hashed)

    @staticmethod
    def new_referral_code() -> str:
        """Random and nothing else: the code is in public links, so it must tell
        nobody anything about its signer."""
        return secrets.token_urlsafe(REFERRAL_CODE_LENGTH * 3 // 4)

    @classmethod
    def submitted(
        cls, person: dict, set_aside: bool, reason: str | None, token: str, expires: datetime
    ) -> dict:
        """The row for a new submission: pending with a link, or set aside without one.

        A pending row may carry a reason too: a flag for staff to review (say, many
        signatures from one network), while its signer can still confirm.
        """
        return {
            **person,
            "status": Status.FRAUDULENT if set_aside else Status.PENDING,
            "fraud_reason": reason,
            "confirm_token_hash": None if set_aside else cls.token_hash(token),
            "confirm_expires_at": expires,
        }

    @classmethod
    @cache
    def insert_unless_signed(cls, dialect_name: str) -> Insert:
        """INSERT .. ON CONFLICT DO NOTHING RETURNING id: the unique constraint decides
        whether this is a first signature. Built once per dialect; values bound at execution."""
        dialect = postgresql if dialect_name == "postgresql" else sqlite
        return (
            dialect.insert(cls.__table__)
            .on_conflict_do_nothing(index_elements=["petition_id", "email_canonical"])
            .returning(cls.__table__.c.id)
        )

    # --- signed again ---------------------------------------------------------------

    @classmethod
    def take_duplicate_notice(
        cls, petition_id: int, email_canonical: str, cap: int, now: datetime
    ) -> Update:
        """Take one "you signed already" notice, returning (id, status).

        In one statement, so the cap stays exact when duplicates arrive at once.
        Nothing is returned once the cap is used (nobody can flood an inbox), nor
        for an invalidated signature; but a pending signature whose link has
        expired always gets a notice, so nobody is locked out of signing.
        """
        expired = and_(cls.status == Status.PENDING, cls.confirm_expires_at <= now)
        return (
            update(cls)
            .where(
                cls.petition_id == petition_id,
                cls.email_canonical == email_canonical,
                or_(cls.duplicate_notices < cap, expired),
                cls.status != Status.INVALIDATED,
            )
            .values(duplicate_notices=cls.duplicate_notices + 1)
            .returning(cls.id, cls.status)
        )

    @classmethod
    def renew_pending(cls, signature_id: int, submitted: dict) -> Update:
        """A pending signature takes the newest submission's words and a fresh link.

        Someone may have signed first with this person's address and their own words;
        what the address's owner confirms is what they submitted last (and the
        confirmation page shows it before the button).
        """
        return (
            update(cls)
            .where(cls.id == signature_id, cls.status == Status.PENDING)
            .values(**_replacing(submitted))
        )

    @classmethod
    def reword_pending(cls, petition_id: int, email_canonical: str, submitted: dict) -> Update:
        """Past the notice cap a pending signature still takes the newest words, but
        keeps its link: no new message goes out, so the one already sent must work."""
        words = _replacing(submitted)
        for kept in ("confirm_token_hash", "confirm_expires_at"):
            words.pop(kept)
        return (
            update(cls)
            .where(
                cls.petition_id == petition_id,
                cls.email_canonical == email_canonical,
                cls.status == Status.PENDING,
            )
            .values(**words)
        )

    @classmethod
    def replace_fraudulent(cls, signature_id: int, submitted: dict) -> Update:
        """A bot may have used this person's address first: their own clean submission
        replaces that row, and confirming still proves the address. With its own
        referral code and referrer: the bot was answered with the row's code, and a
        code a stranger holds would tie the person's share links to their address."""
        return (
            update(cls)
            .where(cls.id == signature_id, cls.status == Status.FRAUDULENT)
            .values(**_replacing(submitted, kept=("petition_id", "created_at")))
        )

    # --- confirmed ------------------------------------------------------------------

    @classmethod
    def with_token(cls, token: str) -> Select:
        return select(cls).where(cls.confirm_token_hash == cls.token_hash(token))

    def confirmable(self, now: datetime) -> bool:
        return self.status == Status.PENDING and self.confirm_expires_at > now

    @classmethod
    def validate(
        cls, signature_id: int, token: str, now: datetime, referral_code: str | None = None
    ) -> Update:
        """pending -> validated, through the link that is still current. The status
        guard makes a double press (two tabs) confirm once: the statement's rowcount
        says whether this press did it. Nor while a newer submission from the address
        waits for its answer (mail/signed_again.py): its words will replace these.
        `referral_code`: one for a signature made before codes were (revision 0012)."""
        codes = {"referral_code": referral_code} if referral_code else {}
        return (
            update(cls)
            .where(
                cls.id == signature_id,
                cls.confirm_token_hash == cls.token_hash(token),
                cls.status == Status.PENDING,
                cls.confirm_expires_at > now,
                ~SignedAgain.waiting_for(cls.petition_id, cls.email_canonical),
            )
            .values(status=Status.VALIDATED, validated_at=now, **codes)
        )

    def words(self) -> str:
        """A digest of everything the confirmation page shows: pressing the button
        confirms these words, not ones that replaced them since the page was shown."""
        shown = [self.first_name, self.last_name, self.street, self.city, self.state,
                 self.zip, self.district, self.comment, self.updates_consent_id,
                 self.comment_share_consent_id]  # fmt: skip
        return hashed(json.dumps(shown))

    # --- erased -------------------------------------------------------------------

    @classmethod
    def unlink_referrals(cls, ids: list[int]) -> Update:
        """Signatures brought by these ones no longer say by whom: before these are
        deleted or anonymised. Their generation stays, a bare number."""
        return update(cls).where(cls.referrer_id.in_(ids)).values(referrer_id=None)

    # --- invalidated by staff, and restored ---------------------------------------

    @classmethod
    def invalidate(cls, ids: list[int]) -> Update:
        """Any status -> invalidated: out of the counts (the caller takes counted ones
        off), out of deliveries, and no more mail for it."""
        return (
            update(cls)
            .where(cls.id.in_(ids), cls.status != Status.INVALIDATED)
            .values(status=Status.INVALIDATED, counted=False)
        )

    @classmethod
    def restore(cls, ids: list[int]) -> Update:
        """invalidated -> what it was: validated if its signer confirmed, set aside if the
        abuse checks had, else pending. Counted again at the next refresh."""
        was = case(
            (cls.validated_at.is_not(None), Status.VALIDATED.value),
            (cls.confirm_token_hash.is_(None), Status.FRAUDULENT.value),
            else_=Status.PENDING.value,
        )
        return (
            update(cls)
            .where(cls.id.in_(ids), cls.status == Status.INVALIDATED)
            .values(status=was, counted=False)
        )

    # --- counted --------------------------------------------------------------------

    @classmethod
    def count_new(
        cls, petition_id: int, confirmed_before: datetime | None, dialect_name: str
    ) -> Update | TextClause:
        """Mark validated, uncounted signatures counted, returning their states.

        Reading and marking in one statement lets any number of processes
        count at once: each row is counted by exactly one of them. With
        `confirmed_before`, only those confirmed before it (or with no time).
        """
        if dialect_name == "sqlite":
            before = confirmed_before is not None
            statement = text(
                _COUNT_NEW_SQLITE.format(
                    before=" AND (validated_at IS NULL OR validated_at < :before)" if before else ""
                )
            ).columns(state=String)
            values = {"petition_id": petition_id}
            if before:
                statement = statement.bindparams(
                    bindparam("before", type_=cls.__table__.c.validated_at.type)
                )
                values["before"] = confirmed_before
            return statement.bindparams(**values)
        conditions = [
            cls.petition_id == petition_id,
            cls.status == Status.VALIDATED,
            cls.counted.is_(False),
        ]
        if confirmed_before is not None:
            conditions.append(or_(cls.validated_at.is_(None), cls.validated_at < confirmed_before))
        return update(cls).where(*conditions).values(counted=True).returning(cls.state)

    @classmethod
    def count_all_again(cls, petition_id: int) -> Update:
        """For a full recount: counted is exactly "validated"."""
        return (
            update(cls)
            .where(cls.petition_id == petition_id)
            .values(counted=cls.status == Status.VALIDATED)
        )
