"""When things go wrong: clear answers for programs and people, never a stack trace."""

from __future__ import annotations

from petition_api import cache, create_app, openapi

from ..conftest import free_port, test_settings
from .support import SIGN_URL, supporter


def unreachable_database_app(tmp_path):
    url = f"postgresql+psycopg://root@127.0.0.1:{free_port()}/test?connect_timeout=2"
    return create_app(test_settings(url, tmp_path))


def test_a_database_outage_answers_503_with_retry_after_to_the_signing_script(tmp_path):
    client = unreachable_database_app(tmp_path).test_client()
    for response in (
        client.post(SIGN_URL, json=supporter()),
        client.get("/api/petitions/paid-family-leave"),
    ):
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "30"
        assert "try again" in response.get_json()["error"]["message"]


def test_a_database_outage_shows_a_person_a_page_not_a_trace(tmp_path):
    client = unreachable_database_app(tmp_path).test_client()
    response = client.post(
        SIGN_URL, data=supporter(email_updates="y"), headers={"Accept": "text/html"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert "Traceback" not in page and "psycopg" not in page
    assert "send it again" in page


def test_a_broken_database_gives_a_json_500_without_details(app, client):
    with app.extensions["engine"].begin() as connection:
        connection.exec_driver_sql("DROP TABLE outbox")
    response = client.post(SIGN_URL, json=supporter())
    assert response.status_code in (500, 503)
    body = response.get_json()
    assert set(body) == {"error"}
    assert "outbox" not in body["error"]["message"] and "SELECT" not in body["error"]["message"]


def test_an_unknown_address_is_a_json_404_for_programs_and_a_page_for_browsers(app, client):
    assert client.get("/api/nothing-here").get_json()["error"]["code"] == 404
    page = client.get("/api/nothing-here", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.mimetype == "text/html" and "Not Found" in page.get_data(as_text=True)


def test_an_address_that_cannot_name_a_petition_is_a_404_and_leaves_nothing_behind(app, client):
    # A NUL byte once reached PostgreSQL (a 500) and left a cache lock per request.
    for slug in ("%00x", "x%00", "Capitals", "a" * 101, "a.b"):
        assert client.get(f"/api/petitions/{slug}").status_code == 404
        assert client.get(f"/api/petitions/{slug}/form-token").status_code == 404
        assert client.post(f"/api/petitions/{slug}/signatures", json=supporter()).status_code == 404
    kept = cache.of(app)
    assert kept._values == {} and kept._locks == {}


def test_a_wrong_method_is_a_405(app, client):
    response = client.delete(SIGN_URL)
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == 405


def test_the_openapi_document_describes_every_endpoint(app, client):
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {path.replace("{", "<").replace("}", ">") for path in document["paths"]}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/api/", "/confirm/")):
            assert rule.rule in documented, f"{rule.rule} is not in /api/openapi.json"
    assert openapi.document(app)["paths"]["/api/petitions/{slug}/signatures"]["post"]["responses"][
        "422"
    ]
