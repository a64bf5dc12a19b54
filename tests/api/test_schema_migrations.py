"""An operator upgrades and downgrades the database with Alembic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

from petition_api import create_app
from petition_api.models import Base, Petition

from ..conftest import database, test_settings


def test_migrations_build_an_empty_database_that_matches_the_models_and_take_it_down(
    database_url, tmp_path
):
    app = create_app(test_settings(database_url, tmp_path))
    runner = app.test_cli_runner()
    engine = app.extensions["engine"]

    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with engine.connect() as connection:
        differences = compare_metadata(
            MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
        )
    assert differences == []
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())

    result = runner.invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

    # And up again: a downgrade leaves nothing behind that blocks an upgrade.
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["db", "current"]).output.strip() != "base (empty)"
    engine.dispose()


def test_the_app_never_creates_tables_by_itself(database_url, tmp_path):
    app = create_app(test_settings(database_url, tmp_path))
    response = app.test_client().get("/api/petitions")
    assert response.status_code in (500, 503)
    assert inspect(app.extensions["engine"]).get_table_names() == []
    app.extensions["engine"].dispose()


def test_a_petition_unlisted_before_the_upgrade_starts_its_two_years_at_the_upgrade(
    database_url, tmp_path
):
    app = create_app(test_settings(database_url, tmp_path))
    runner = app.test_cli_runner()
    engine = app.extensions["engine"]
    assert runner.invoke(args=["db", "upgrade", "0004"]).exit_code == 0
    with engine.begin() as connection:
        for slug, listed in (("gone", False), ("here", True)):
            connection.execute(
                text(
                    "INSERT INTO petitions (slug, title, ask, version, goal, target, page, "
                    "listed, synced_at) VALUES (:slug, 't', 'a', 'v', 1, 'x', '/p', :listed, "
                    ":long_ago)"
                ),
                {"slug": slug, "listed": listed, "long_ago": datetime(2020, 1, 1, tzinfo=UTC)},
            )
    before = datetime.now(UTC)
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with database(app) as session:
        unlisted = dict(session.execute(select(Petition.slug, Petition.unlisted_at)).all())
    assert unlisted["here"] is None and unlisted["gone"] >= before - timedelta(seconds=1)
    engine.dispose()
