"""What every table shares: the declarative base, UTC timestamps, enum columns."""

from __future__ import annotations

import enum
import hashlib
from datetime import UTC, datetime
from typing import ClassVar

from sqlalchemy import DateTime, MetaData, String
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


def hashed(secret: str) -> str:
    """Only a hash of a secret (a confirmation link, a staff token) is stored: the
    database alone cannot confirm a signature or act as staff."""
    return hashlib.sha256(secret.encode()).hexdigest()


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: use datetime.now(UTC)")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class EnumText(TypeDecorator):
    """A `StrEnum` stored as its text in a VARCHAR (the CHECK constraint lists the values).

    Not SQLAlchemy's Enum: the column stays the plain VARCHAR the migrations
    made, and reads come back as the enum's members.
    """

    impl = String
    cache_ok = True

    def __init__(self, enum_class: type[enum.StrEnum], length: int = 16):
        super().__init__(length)
        self.enum_class = enum_class

    def process_bind_param(self, value, dialect):
        return None if value is None else self.enum_class(value).value

    def process_result_value(self, value, dialect):
        return None if value is None else self.enum_class(value)


def check_in(column: str, enum_class: type[enum.StrEnum]) -> str:
    """The SQL of a CHECK that `column` holds one of the enum's values."""
    return f"{column} IN ({', '.join(repr(member.value) for member in enum_class)})"


class Base(DeclarativeBase):
    # Named constraints make Alembic migrations reversible on every backend.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map: ClassVar = {datetime: UTCDateTime()}
