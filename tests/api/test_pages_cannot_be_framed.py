"""The API's own pages cannot be framed by another site (no clickjacking of the confirm
button), run nothing but themselves, and are never sniffed as something else."""

from __future__ import annotations

from petition_api import create_app

from ..conftest import PRODUCTION, test_settings
from .support import SIGN_URL, confirm_path, mailbox, send_mail, supporter


def assert_locked_down(response):
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "default-src 'none'" in policy and "script-src" not in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Its links must not tell the campaign site (or anyone) the page's secret address.
    assert response.headers["Referrer-Policy"] == "no-referrer"
    # A form post may land on the campaign site's thank-you page, and nowhere else.
    assert "form-action 'self' http://127.0.0.1:8000;" in policy


def test_the_confirmation_page_cannot_be_framed_by_another_site(app, sign, runner, client):
    sign()
    send_mail(runner)
    page = client.get(confirm_path(mailbox(app)[0]))
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert_locked_down(page)


def test_the_pages_for_people_without_javascript_are_locked_down_too(app, client):
    mistakes = client.post(SIGN_URL, data=supporter(zip="1"), headers={"Accept": "text/html"})
    assert mistakes.status_code == 422 and mistakes.mimetype == "text/html"
    assert_locked_down(mistakes)
    missing = client.get("/api/nothing-here", headers={"Accept": "text/html"})
    assert missing.status_code == 404
    assert_locked_down(missing)


def test_json_answers_are_never_sniffed_as_something_else(app, client):
    for response in (client.get("/api/petitions"), client.get("/api/petitions/paid-family-leave")):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    cached = client.get("/api/petitions/paid-family-leave")  # may come from the cache layer
    assert cached.headers["X-Content-Type-Options"] == "nosniff"


def test_production_tells_browsers_to_use_https_only(tmp_path):
    production = create_app(test_settings(f"sqlite:///{tmp_path / 'p.db'}", tmp_path, **PRODUCTION))
    answer = production.test_client().get("/api/openapi.json")
    assert answer.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    development = create_app(test_settings(f"sqlite:///{tmp_path / 'd.db'}", tmp_path))
    assert (
        "Strict-Transport-Security"
        not in development.test_client().get("/api/openapi.json").headers
    )
