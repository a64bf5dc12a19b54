"""The database module's promises to the code above it: a block commits or rolls back
as a whole, and a write inside a write fails at once instead of waiting on itself."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from petition_api import db
from petition_api.models import ApiToken, utcnow

from ..conftest import database


def write_something_else():
    with db.writing():
        pass


def test_a_write_inside_a_write_fails_at_once_instead_of_waiting_on_itself(app):
    # Refused before it asks for a connection, so it never meets SQLite's busy wait.
    with app.app_context(), db.writing(), pytest.raises(RuntimeError, match="inside"):
        write_something_else()


def test_a_block_that_fails_leaves_nothing_behind(app):
    with app.app_context(), pytest.raises(ValueError, match="halfway"), db.writing() as session:
        session.add(ApiToken(name="half-made", token_hash="0" * 64, expires_at=utcnow()))
        session.flush()
        raise ValueError("halfway")
    with database(app) as session:
        assert session.scalars(select(ApiToken)).all() == []


def test_code_inside_a_block_cannot_commit_or_roll_back_on_its_own(app):
    with app.app_context(), db.writing() as session:
        with pytest.raises(RuntimeError, match="commits when its block ends"):
            session.commit()
        with pytest.raises(RuntimeError, match="rolls back when its block raises"):
            session.rollback()
        session.add(ApiToken(name="kept", token_hash="1" * 64, expires_at=utcnow()))
    with database(app) as session:
        assert [t.name for t in session.scalars(select(ApiToken))] == ["kept"]
