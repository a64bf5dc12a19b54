"""Everyone watches the counter: only confirmed signatures, by state, cheap to serve."""

from __future__ import annotations

from sqlalchemy import update

from petition_api.models import PetitionCount, Signature, Status, utcnow

from ..conftest import database
from .support import PETITION, supporter


def confirm_all(app):
    with database(app) as session:
        session.execute(
            update(Signature)
            .where(Signature.status == Status.PENDING)
            .values(status=Status.VALIDATED, validated_at=utcnow())
        )


def facts(client, slug=PETITION):
    return client.get(f"/api/petitions/{slug}")


def test_only_confirmed_signatures_count_and_by_state(app, client):
    for i, (state, zip_code) in enumerate([("NY", "10118"), ("NY", "11201"), ("CA", "94110")]):
        client.post(
            f"/api/petitions/{PETITION}/signatures",
            json=supporter(email=f"s{i}@example.org", state=state, zip=zip_code),
        )
    client.post(
        f"/api/petitions/{PETITION}/signatures",
        json=supporter(email="bot@example.org", website="x"),
    )
    assert facts(client).get_json()["count"] == 0

    confirm_all(app)
    body = facts(client).get_json()
    assert body["count"] == 3
    assert body["by_state"] == {"CA": 1, "NY": 2}
    assert body["goal"] == 250000
    assert body["status"] == "open"


def test_the_count_is_cacheable_for_the_refresh_interval(app, client):
    response = facts(client)
    assert response.headers["Cache-Control"] == "public, max-age=0"
    assert response.status_code == 200


def test_the_count_waits_for_the_refresh_interval(database_url, tmp_path):
    from ..conftest import prepared_app

    app = prepared_app(database_url, tmp_path, COUNT_REFRESH_SECONDS=3600.0)
    client = app.test_client()
    assert facts(client).get_json()["count"] == 0
    client.post(f"/api/petitions/{PETITION}/signatures", json=supporter())
    confirm_all(app)
    assert facts(client).get_json()["count"] == 0  # served from the cache
    assert facts(client).headers["Cache-Control"] == "public, max-age=3600"
    app.extensions["engine"].dispose()


def test_recount_repairs_a_count_that_drifted(app, client, runner):
    for i in range(4):
        client.post(
            f"/api/petitions/{PETITION}/signatures", json=supporter(email=f"s{i}@example.org")
        )
    confirm_all(app)
    assert facts(client).get_json()["count"] == 4
    with database(app) as session:
        session.execute(update(PetitionCount).values(validated=999))
    assert facts(client).get_json()["count"] == 999

    result = runner.invoke(args=["petitions", "recount"])
    assert result.exit_code == 0, result.output
    assert f"{PETITION}: 4 validated" in result.output
    assert facts(client).get_json()["count"] == 4


def test_an_unknown_petition_has_no_count(app, client):
    assert facts(client, "nope").status_code == 404
