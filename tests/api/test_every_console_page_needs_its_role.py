"""Every console page, walked as nobody, as an editor, an organiser and an admin.

The table below is the contract, written apart from the code: a page that is
added without a line here fails the first test.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from petition_api.models import AuditEntry

from ..conftest import ROOT
from .console_support import console_client, csrf

EDITOR, ORGANISER, ADMIN = "editor", "organiser", "admin"
RANK = {None: 0, EDITOR: 1, ORGANISER: 2, ADMIN: 3}
# Pages anyone may open (signing in), and pages for anyone signed in (their account).
PUBLIC, ANYONE_SIGNED_IN = "public", "anyone signed in"

NEEDS = {
    "console.sign_in": PUBLIC,
    "console.sign_in_code": PUBLIC,
    "console.sign_out": PUBLIC,
    "console.account": ANYONE_SIGNED_IN,
    "console.two_factor": ANYONE_SIGNED_IN,
    "console.sign_out_everywhere": ANYONE_SIGNED_IN,
    "console.dashboard": EDITOR,
    "console.conversions": EDITOR,
    "console.conversions_csv": EDITOR,
    "console.stories": EDITOR,
    "console.story": EDITOR,
    "console.story_photo": EDITOR,
    "console.story_action": EDITOR,
    "console.signatures": ORGANISER,
    "console.signature": ORGANISER,
    "console.invalidate": ORGANISER,
    "console.restore": ORGANISER,
    "console.mailings": ORGANISER,
    "console.mailing": ORGANISER,
    "console.mailing_action": ORGANISER,
    "console.mailing_progress": ORGANISER,
    "console.exports": ORGANISER,
    "console.audit": ADMIN,
    "console.tokens": ADMIN,
    "console.create_token": ADMIN,
    "console.revoke_token": ADMIN,
    "console.staff": ADMIN,
    "console.create_staff": ADMIN,
    "console.change_staff": ADMIN,
}
# Values for the pages' path parts: numbers and names that exist nowhere, so a
# page that lets someone through answers 404 or refuses the empty form, and no
# walk changes anything.
SAMPLES = {
    "story_id": 999999,
    "signature_id": 999999,
    "token_id": 999999,
    "account_id": 999999,
    "name": "no-such-update",
    "action": "sign-out-everywhere",
}
# These end the walker's own session: walked last.
LAST = ("console.sign_out_everywhere", "console.sign_out")


def console_rules(app):
    rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/admin")]
    rules = [r for r in rules if r.endpoint != "console.static"]
    last = {endpoint: n + 1 for n, endpoint in enumerate(LAST)}
    return sorted(rules, key=lambda r: (last.get(r.endpoint, 0), r.endpoint, r.rule))


def path_of(rule) -> str:
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<int:{name}>", str(SAMPLES[name])).replace(
            f"<{name}>", str(SAMPLES[name])
        )
    return path


def test_every_console_page_is_in_the_table(app):
    endpoints = {rule.endpoint for rule in console_rules(app)}
    assert endpoints == set(NEEDS), (
        f"pages without a line in NEEDS: {sorted(endpoints - set(NEEDS))}; "
        f"lines for no page: {sorted(set(NEEDS) - endpoints)}"
    )


def walk(app, client, token: str):
    for rule in console_rules(app):
        for method in sorted(rule.methods & {"GET", "POST"}):
            data = {"csrf_token": token} if method == "POST" else None
            yield rule.endpoint, method, client.open(path_of(rule), method=method, data=data)


def refused(response) -> str | None:
    """How the page kept someone out: sent to sign in, or 403; None if it let them in."""
    if response.status_code == 403:
        return "forbidden"
    if response.status_code in (301, 302, 303) and "/admin/login" in response.location:
        return "sign in"
    return None


def test_nobody_signed_in_is_sent_to_sign_in_from_every_page(app):
    client = app.test_client()
    token = csrf(client)
    for endpoint, method, response in walk(app, client, token):
        if NEEDS[endpoint] == PUBLIC:
            assert response.status_code < 500, (endpoint, method)
            continue
        assert refused(response) == "sign in", (endpoint, method, response.status_code)


@pytest.mark.parametrize("role", [EDITOR, ORGANISER, ADMIN])
def test_each_role_opens_its_pages_and_no_others(app, role):
    client = console_client(app, role)
    token = csrf(client, "/admin/account")
    for endpoint, method, response in walk(app, client, token):
        needed = NEEDS[endpoint]
        assert response.status_code < 500, (endpoint, method, response.status_code)
        if needed == PUBLIC:
            continue
        if endpoint in LAST:  # done, it sends them to sign in again
            assert response.status_code == 302 and "/admin/login" in response.location
            continue
        if needed == ANYONE_SIGNED_IN or RANK[role] >= RANK[needed]:
            assert refused(response) is None, (endpoint, method, response.status_code)
        else:
            assert refused(response) == "forbidden", (endpoint, method, response.status_code)
    with app.app_context():
        from petition_api import db

        with db.reading() as session:
            refusals = session.scalars(
                select(AuditEntry).where(AuditEntry.action == "console.refused")
            ).all()
    expected = sum(
        1
        for rule in console_rules(app)
        for _ in rule.methods & {"GET", "POST"}
        if NEEDS[rule.endpoint] not in (PUBLIC, ANYONE_SIGNED_IN)
        and RANK[role] < RANK[NEEDS[rule.endpoint]]
    )
    assert len(refusals) == expected
    assert all(r.actor.startswith("staff:") and r.outcome == "forbidden" for r in refusals)


def test_no_console_form_is_accepted_without_its_csrf_token(app):
    client = console_client(app, ADMIN)
    for rule in console_rules(app):
        if "POST" not in rule.methods:
            continue
        response = client.post(path_of(rule), data={"csrf_token": "forged"})
        assert response.status_code == 400, rule.endpoint
        assert "nothing was changed" in response.get_data(as_text=True)


def test_the_privacy_notice_says_who_sees_signers_details():
    """Its promises, each tested in this folder: story editors are refused signatures
    (above); searches, views, changes and downloads are audited with the staff member
    and never the value searched for (test_organiser_finds_and_invalidates_signatures,
    test_admin_manages_staff_and_tokens); two-factor for anyone who sees signatures
    in production (test_staff_sign_in_to_the_console)."""
    notice = (ROOT / "content" / "privacy.md").read_text(encoding="utf-8")
    said = " ".join(notice.split("## Who at the campaign sees it")[1].split("##")[0].split())
    assert "Staff who only moderate stories do not see signatures." in said
    assert "anyone who can see signatures with a code from their phone as well" in said
    assert "we record who did it and when, but not what they searched for" in said
    assert RANK[NEEDS["console.signatures"]] > RANK[EDITOR]
    assert RANK[NEEDS["console.signature"]] > RANK[EDITOR]
