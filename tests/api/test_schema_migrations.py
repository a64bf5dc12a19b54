"""An operator upgrades and downgrades the database with Alembic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text

from petition_api import create_app
from petition_api.models import Base, ConsentEvent, EmailStatus, Petition, Supporter

from ..conftest import database, test_settings
from .support import mailbox, send_mail, supporter
from .supporters_support import links


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


def test_people_who_confirmed_before_the_upgrade_become_supporters_as_they_consented(app, runner):
    """Signatures made and confirmed the usual way; then the database goes back to
    0005 (dropping supporters) and up again, so 0006 makes them from the signatures."""
    client = app.test_client()
    signed = [
        ("ticked-then-not@example.org", True, "paid-family-leave"),
        ("ticked-then-not@example.org", None, "fund-wic"),
        ("never-ticked@example.org", None, "paid-family-leave"),
        ("never-confirmed@example.org", True, "paid-family-leave"),
    ]
    for email, box, slug in signed:
        client.post(
            f"/api/petitions/{slug}/signatures", json=supporter(email=email, email_updates=box)
        )
    send_mail(runner)
    for message in mailbox(app):
        if "never-confirmed" not in message["To"]:
            for link in links(message):
                client.post(link)
    assert runner.invoke(args=["db", "downgrade", "0005"]).exit_code == 0
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0

    with database(app) as session:
        people = {s.email: s for s in session.scalars(select(Supporter))}
        consents = session.execute(
            select(Supporter.email, ConsentEvent.source, ConsentEvent.wording_id).join(
                Supporter, Supporter.id == ConsentEvent.supporter_id
            )
        ).all()
    assert set(people) == {"ticked-then-not@example.org", "never-ticked@example.org"}
    assert people["ticked-then-not@example.org"].status == EmailStatus.SUBSCRIBED
    assert people["never-ticked@example.org"].status == EmailStatus.UNSUBSCRIBED
    assert [(email, source) for email, source, _ in consents] == [
        ("ticked-then-not@example.org", "signature")
    ]
    assert consents[0].wording_id is not None
    assert len({s.link_key for s in people.values()}) == 2
    assert all(len(s.link_key) >= 40 for s in people.values())
