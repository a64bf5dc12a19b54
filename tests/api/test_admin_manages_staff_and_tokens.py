"""Admins manage the people and the tokens; organisers download through the audited routes."""

from __future__ import annotations

import re

from sqlalchemy import select

from petition_api.audiences.formats import FORMATS
from petition_api.models import AuditEntry

from ..conftest import database
from .console_support import console_client, post, sign_in
from .support import PETITION
from .test_staff_invalidate_signatures import sign_and_confirm


def last_audit(app, action: str) -> AuditEntry:
    with database(app) as session:
        return session.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id.desc())
        ).first()


def test_an_admin_makes_a_token_that_is_shown_once_and_can_be_revoked(app):
    admin = console_client(app, "admin")
    made = post(admin, "/admin/tokens", {"name": "CRM sync", "scope": ["export"], "days": "30"})
    page = made.get_data(as_text=True)
    token = page.split('<code id="new-token" style="word-break:break-all">')[1].split("<")[0]
    assert token.startswith("gs_")
    assert token not in made.headers.get("Set-Cookie", "")  # never kept in the session
    assert token not in admin.get("/admin/tokens").get_data(as_text=True)
    url = f"/api/petitions/{PETITION}/signatures.csv"
    bearer = {"Authorization": f"Bearer {token}"}
    allowed = app.test_client().get(url, headers=bearer)
    assert allowed.status_code == 200 and allowed.get_data(as_text=True).startswith("id,")
    assert last_audit(app, "token.create").actor.startswith("staff:")
    [token_id] = re.findall(r"/admin/tokens/(\d+)/revoke", admin.get("/admin/tokens").text)
    post(admin, f"/admin/tokens/{token_id}/revoke", token_from="/admin/tokens")
    assert app.test_client().get(url, headers=bearer).status_code == 403
    refused = post(admin, "/admin/tokens", {"name": "", "days": "0"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "Name the token" in text and "Tick at least one" in text


def test_the_last_admin_cannot_disable_or_demote_themselves(app):
    admin = console_client(app, "admin")
    page = admin.get("/admin/staff").get_data(as_text=True)
    me = page.split("/admin/staff/")[1].split("/")[0]
    post(admin, f"/admin/staff/{me}/disable", token_from="/admin/staff")
    post(admin, f"/admin/staff/{me}/role", {"role": "editor"}, token_from="/admin/staff")
    shown = admin.get("/admin/staff").get_data(as_text=True)
    assert "without an active admin" in shown
    assert admin.get("/admin/staff").status_code == 200  # still an admin, still signed in


def test_an_admin_disables_an_organiser_and_their_session_ends_at_once(app):
    organiser = console_client(app, "organiser", "olu@example.org")
    admin = console_client(app, "admin")
    page = admin.get("/admin/staff").get_data(as_text=True)
    row = next(line for line in page.split("<tr>") if "olu@example.org" in line)
    account = row.split("/admin/staff/")[1].split("/")[0]
    assert organiser.get("/admin/signatures").status_code == 200
    post(admin, f"/admin/staff/{account}/disable", token_from="/admin/staff")
    assert "/admin/login" in organiser.get("/admin/signatures").location
    assert sign_in(app.test_client(), "olu@example.org").status_code == 401
    entry = last_audit(app, "staff.disable")
    assert entry.target == "olu@example.org" and entry.actor.startswith("staff:")


def test_an_organiser_downloads_exports_through_the_audited_routes(app, client):
    sign_and_confirm(app, client, "maria@example.org", "198.51.100.2")
    organiser = console_client(app, "organiser", "olu@example.org")
    page = organiser.get("/admin/exports").text
    assert f'action="/api/petitions/{PETITION}/signatures.csv"' in page
    assert f'action="/api/petitions/{PETITION}/delivery"' in page
    for fmt in FORMATS:  # every audience the API offers, offered here
        assert f'formaction="/api/audiences/{fmt}"' in page
    # Who is in an audience is chosen first, then the format: no filter below its buttons.
    audience = page.split('id="audience-form"')[1].split("</form>")[0]
    assert audience.index('name="since"') < audience.index("<button")
    assert audience.index('name="petition"') < audience.index("<button")
    ticket = {"ticket": ticket_on(page)}
    csv = organiser.get(f"/api/petitions/{PETITION}/signatures.csv", query_string=ticket)
    assert csv.status_code == 200 and "maria@example.org" in csv.get_data(as_text=True)
    entry = last_audit(app, "signatures.csv")
    assert (entry.actor.split(":")[2], entry.outcome, entry.rows) == ("olu@example.org", "ok", 1)
    assert "ticket" not in str(entry.filters)  # the ticket is not kept
    meta = organiser.get("/api/audiences/meta", query_string=ticket)
    assert meta.status_code == 200 and meta.get_data(as_text=True).startswith("email,")
    editor = console_client(app, "editor", "eda@example.org")
    refused = editor.get(f"/api/petitions/{PETITION}/signatures.csv", query_string=ticket)
    assert refused.status_code == 403
    entry = last_audit(app, "signatures.csv")
    assert entry.outcome == "wrong-role" and "eda@example.org" in entry.actor


def test_a_link_made_elsewhere_cannot_start_a_download_in_an_organisers_name(app, client):
    sign_and_confirm(app, client, "maria@example.org", "198.51.100.2")
    organiser = console_client(app, "organiser", "olu@example.org")
    url = f"/api/petitions/{PETITION}/signatures.csv"
    lured = organiser.get(url, query_string={"status": "all"})  # a link in a mail, a site
    assert lured.status_code == 403 and "maria" not in lured.text
    assert last_audit(app, "signatures.csv").outcome == "no-ticket"
    someone_elses = console_client(app, "organiser", "other@example.org")
    theirs = ticket_on(someone_elses.get("/admin/exports").text)
    assert organiser.get(url, query_string={"ticket": theirs}).status_code == 403
    mine = ticket_on(organiser.get("/admin/exports").text)
    ours = organiser.get(url, query_string={"ticket": mine})
    assert ours.status_code == 200 and "maria@example.org" in ours.text
    post(organiser, "/admin/logout", token_from="/admin/account")
    sign_in(organiser, "olu@example.org")
    assert organiser.get(url, query_string={"ticket": mine}).status_code == 403  # signed out


def ticket_on(page: str) -> str:
    return re.search(r'name="ticket" value="([^"]+)"', page).group(1)


def test_console_pages_load_nothing_from_elsewhere_and_cannot_be_framed(app):
    admin = console_client(app, "admin")
    for page in ("/admin/", "/admin/audit", "/admin/login"):
        response = admin.get(page)
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["Cache-Control"] == "no-store"


def test_the_audit_log_shows_what_strangers_sent_as_text(app, client):
    client.get(f"/api/petitions/{PETITION}/signatures.csv?x=%1b[31m<b>")
    page = console_client(app, "admin").get("/admin/audit").get_data(as_text=True)
    assert "\x1b" not in page and "<b>" not in page
    assert "x1b[31m" in page  # the escape written out as text
