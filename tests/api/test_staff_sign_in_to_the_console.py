"""Staff sign in to the console: passwords, two-factor, sessions that end, limits, audit."""

from __future__ import annotations

import base64
import time

import pyotp
import pytest
from sqlalchemy import select

from petition_api.models import AuditEntry, StaffAccount

from ..conftest import PRODUCTION, database, prepared_app
from .console_support import PASSWORD, csrf, make_staff, post, sign_in


def audit_rows(app, action: str) -> list[AuditEntry]:
    with database(app) as session:
        return list(
            session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )


def test_a_staff_member_signs_in_and_out(app, client):
    make_staff(app, "Ana.Lopez@Example.org", "editor")
    response = sign_in(client, "ana.lopez@example.org")
    assert response.status_code == 302 and response.location.endswith("/admin/")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # development serves plain http on this machine
    assert client.get("/admin/").status_code == 200
    assert post(client, "/admin/logout", token_from="/admin/account").status_code == 302
    assert "/admin/login" in client.get("/admin/").location
    signed = audit_rows(app, "staff.sign-in")
    assert [(r.target, r.outcome) for r in signed] == [("ana.lopez@example.org", "ok")]
    assert audit_rows(app, "staff.sign-out")[0].actor.startswith("staff:")


def test_a_wrong_password_and_an_unknown_address_get_the_same_answer(app, client):
    make_staff(app, "ana@example.org", "editor")
    wrong = sign_in(client, "ana@example.org", "not-the-password-at-all")
    nobody = sign_in(client, "nobody@example.org", "not-the-password-at-all")
    assert wrong.status_code == nobody.status_code == 401
    words = "That email address and password do not match an account that can sign in."
    assert words in wrong.get_data(as_text=True) and words in nobody.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302
    rows = audit_rows(app, "staff.sign-in")
    assert [(r.target, r.outcome) for r in rows] == [
        ("ana@example.org", "failed"),
        (None, "unknown-account"),
    ]
    assert all("not-the-password" not in str(r.filters) for r in rows)


def test_a_disabled_account_cannot_sign_in(app, client, runner):
    make_staff(app, "ana@example.org", "editor")
    assert runner.invoke(args=["staff", "disable", "ana@example.org"]).exit_code == 0
    assert sign_in(client, "ana@example.org").status_code == 401
    assert audit_rows(app, "staff.sign-in")[-1].outcome == "disabled"


def test_two_factor_asks_for_a_code_that_works_once(app, client):
    secret = make_staff(app, "admin@example.org", "admin", two_factor=True)
    first = sign_in(client, "admin@example.org")
    assert first.status_code == 302 and "/admin/login/code" in first.location
    assert "/admin/login" in client.get("/admin/").location  # not in yet
    wrong = post(client, "/admin/login/code", {"code": "000000"})
    assert wrong.status_code == 401 and "not right" in wrong.get_data(as_text=True)
    code = pyotp.TOTP(secret).now()
    assert post(client, "/admin/login/code", {"code": code}).status_code == 302
    assert client.get("/admin/").status_code == 200
    # The same code again, in another browser, straight after: refused.
    other = client.application.test_client()
    sign_in(other, "admin@example.org")
    assert post(other, "/admin/login/code", {"code": code}).status_code == 401
    outcomes = [r.outcome for r in audit_rows(app, "staff.sign-in")]
    assert outcomes == ["failed-code", "ok", "failed-code"]


def test_setting_up_two_factor_with_an_authenticator_app(app, client):
    make_staff(app, "ana@example.org", "organiser")
    sign_in(client, "ana@example.org")
    page = client.get("/admin/account/two-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in page
    secret = page.split('<code id="secret">')[1].split("<")[0]
    assert secret not in client.get_cookie("groundswell-staff").value  # signed, not secret
    assert secret not in base64.urlsafe_b64decode(
        client.get_cookie("groundswell-staff").value.split(".")[0] + "=="
    ).decode(errors="replace")
    # Another session of Ana's (a stolen cookie, a second window) is shown another
    # secret, and the one shown here then no longer works: nobody else learns it.
    other = app.test_client()
    sign_in(other, "ana@example.org")
    elsewhere = other.get("/admin/account/two-factor").text
    assert secret not in elsewhere
    page = client.get("/admin/account/two-factor").get_data(as_text=True)
    secret = page.split('<code id="secret">')[1].split("<")[0]
    code = pyotp.TOTP(secret).now()
    wrong = post(client, "/admin/account/two-factor", {"code": "123456", "password": PASSWORD})
    assert wrong.status_code == 400
    no_password = post(client, "/admin/account/two-factor", {"code": code, "password": "nope"})
    assert no_password.status_code == 401
    done = post(client, "/admin/account/two-factor", {"code": code, "password": PASSWORD})
    assert done.status_code == 302
    assert client.get("/admin/").status_code == 200  # this session goes on
    fresh = app.test_client()
    assert "/admin/login/code" in sign_in(fresh, "ana@example.org").location


def test_a_session_ends_after_a_while_without_use(app, client):
    make_staff(app, "ana@example.org", "editor")
    sign_in(client, "ana@example.org")
    assert client.get("/admin/").status_code == 200
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 31 * 60
    assert "/admin/login" in client.get("/admin/").location


def test_a_session_ends_hours_after_sign_in_however_busy(app, client):
    make_staff(app, "ana@example.org", "editor")
    sign_in(client, "ana@example.org")
    with client.session_transaction() as session:
        session["began"] = int(time.time()) - 13 * 3600
    assert "/admin/login" in client.get("/admin/").location


def test_changing_the_password_ends_every_other_session(app):
    make_staff(app, "ana@example.org", "organiser")
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, "ana@example.org")
    sign_in(laptop, "ana@example.org")
    new = "quartz-meadow-lantern-opal"
    common = "password1234"
    weak = post(laptop, "/admin/account", {"current": PASSWORD, "new": common, "again": common})
    assert weak.status_code == 400 and "commonest passwords" in weak.get_data(as_text=True)
    changed = post(laptop, "/admin/account", {"current": PASSWORD, "new": new, "again": new})
    assert changed.status_code == 302
    assert laptop.get("/admin/").status_code == 200
    assert "/admin/login" in phone.get("/admin/").location
    assert sign_in(app.test_client(), "ana@example.org", new).status_code == 302


def test_a_copied_cookie_stops_working_when_its_owner_signs_out(app, client):
    make_staff(app, "ana@example.org", "editor")
    sign_in(client, "ana@example.org")
    copied = app.test_client()
    copied.set_cookie("groundswell-staff", client.get_cookie("groundswell-staff").value)
    assert copied.get("/admin/").status_code == 200
    post(client, "/admin/logout", token_from="/admin/account")
    assert "/admin/login" in copied.get("/admin/").location


def test_signing_out_after_a_long_pause_still_ends_a_copy_in_use(app, client):
    make_staff(app, "ana@example.org", "editor")
    sign_in(client, "ana@example.org")
    copied = app.test_client()
    copied.set_cookie("groundswell-staff", client.get_cookie("groundswell-staff").value)
    with client.session_transaction() as session:
        session["seen"] = int(time.time()) - 31 * 60  # Ana's tab idled out; the copy did not
    assert copied.get("/admin/").status_code == 200
    post(client, "/admin/logout", token_from="/admin/login")
    assert "/admin/login" in copied.get("/admin/").location


def test_a_copied_cookie_stops_working_after_sign_out_everywhere(app, client):
    make_staff(app, "ana@example.org", "editor")
    sign_in(client, "ana@example.org")
    copied = app.test_client()
    copied.set_cookie("groundswell-staff", client.get_cookie("groundswell-staff").value)
    assert copied.get("/admin/").status_code == 200
    post(client, "/admin/account/sign-out-everywhere", token_from="/admin/account")
    assert "/admin/login" in copied.get("/admin/").location


def from_address(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_guessing_one_account_is_stopped_but_cannot_lock_its_owner_out(app):
    make_staff(app, "ana@example.org", "editor")
    guesser = from_address(app, "198.51.100.7")
    for _ in range(10):
        assert sign_in(guesser, "ana@example.org", "wrong-password-here").status_code == 401
    limited = sign_in(guesser, "ana@example.org", "wrong-password-here")
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    assert sign_in(guesser, "ana@example.org").status_code == 429  # even the right one, here
    # Ana, at her own desk, signs in.
    assert sign_in(from_address(app, "203.0.113.20"), "ana@example.org").status_code == 302


def test_two_factor_codes_are_limited_per_account_from_anywhere(app):
    make_staff(app, "admin@example.org", "admin", two_factor=True)
    for n in range(10):
        client = from_address(app, f"198.51.100.{n}")
        sign_in(client, "admin@example.org")
        assert post(client, "/admin/login/code", {"code": "000000"}).status_code == 401
    late = from_address(app, "198.51.100.99")
    sign_in(late, "admin@example.org")
    assert post(late, "/admin/login/code", {"code": "000000"}).status_code == 429


def test_a_stolen_session_cannot_guess_the_password_on_the_account_page(app, client):
    make_staff(app, "ana@example.org", "organiser")
    sign_in(client, "ana@example.org")
    for _ in range(10):
        wrong = {"current": "not-my-password", "new": "x" * 16, "again": "x" * 16}
        assert post(client, "/admin/account", wrong).status_code == 401
    right = {"current": PASSWORD, "new": "quartz-meadow-lantern-opal", "again": "nope"}
    assert post(client, "/admin/account", right).status_code == 429


def test_failed_sign_ins_are_limited_per_address(app):
    client = app.test_client()
    for n in range(10):
        assert sign_in(client, f"person{n}@example.org", "wrong-password-here").status_code == 401
    assert sign_in(client, "person99@example.org", "wrong-password-here").status_code == 429


def test_a_successful_sign_in_uses_up_no_attempts(app, client):
    make_staff(app, "ana@example.org", "editor")
    for _ in range(12):
        assert sign_in(app.test_client(), "ana@example.org").status_code == 302


def test_after_sign_in_only_console_pages_are_gone_back_to(app, client):
    make_staff(app, "ana@example.org", "editor")
    for elsewhere in (
        "//evil.example/admin",
        "/admin/../api/petitions/paid-family-leave/signatures.csv",
        "/admin/%2e%2e/api/audiences/meta",
        "/admin/stories?status=approved",
        "/admin/logout",
    ):
        response = post(
            client,
            "/admin/login",
            {"email": "ana@example.org", "password": PASSWORD, "next": elsewhere},
        )
        assert response.location.endswith("/admin/"), elsewhere
        post(client, "/admin/logout", token_from="/admin/account")
    page = client.get("/admin/stories")
    assert "next=/admin/stories" in page.location


def test_staff_accounts_are_made_with_a_strong_password_from_the_terminal(app, runner):
    weak = runner.invoke(
        args=["staff", "create", "ana@example.org", "--role", "editor", "--password-stdin"],
        input="password1234\n",
    )
    assert weak.exit_code != 0 and "commonest passwords" in weak.output
    short = runner.invoke(
        args=["staff", "create", "ana@example.org", "--role", "editor", "--password-stdin"],
        input="short\n",
    )
    assert "at least 12 characters" in short.output
    made = runner.invoke(
        args=["staff", "create", "Ana@Example.org", "--role", "editor", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert made.exit_code == 0, made.output
    again = runner.invoke(
        args=["staff", "create", "ana@example.org", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert "already an account" in again.output
    with database(app) as session:
        account = session.scalar(select(StaffAccount))
        assert account.email == "ana@example.org"
        assert account.password_hash.startswith("$argon2id$")
        assert PASSWORD not in account.password_hash
    listed = runner.invoke(args=["staff", "list"]).output
    assert "ana@example.org\teditor\tactive\tno-2fa" in listed


@pytest.fixture
def production_app(database_url, tmp_path):
    app = prepared_app(database_url, tmp_path, **PRODUCTION)
    yield app
    app.extensions["engine"].dispose()


def https_client(app):
    client = app.test_client()
    client.environ_base.update({"wsgi.url_scheme": "https", "HTTP_REFERER": "https://localhost/"})
    return client


def test_in_production_the_cookie_is_secure_and_admins_must_use_two_factor(production_app):
    make_staff(production_app, "admin@example.org", "admin")
    client = https_client(production_app)
    response = sign_in(client, "admin@example.org")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-groundswell-staff=")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.location.endswith("/admin/account/two-factor")
    for page in ("/admin/", "/admin/staff", "/admin/signatures"):
        assert client.get(page).location.endswith("/admin/account/two-factor")
    assert client.get("/api/audiences/meta").status_code == 401  # not a console sign-in yet
    page = client.get("/admin/account/two-factor").get_data(as_text=True)
    secret = page.split('<code id="secret">')[1].split("<")[0]
    code = pyotp.TOTP(secret).now()
    post(client, "/admin/account/two-factor", {"code": code, "password": PASSWORD})
    assert client.get("/admin/staff").status_code == 200
    kept = post(client, "/admin/account/two-factor", {"action": "remove", "password": PASSWORD})
    assert kept.status_code == 400 and "must keep two-factor" in kept.get_data(as_text=True)


def test_in_production_organisers_must_use_two_factor_too_and_editors_may(production_app):
    make_staff(production_app, "olu@example.org", "organiser")
    make_staff(production_app, "eda@example.org", "editor")
    organiser, editor = https_client(production_app), https_client(production_app)
    assert sign_in(organiser, "olu@example.org").location.endswith("/admin/account/two-factor")
    assert organiser.get("/admin/signatures").location.endswith("/admin/account/two-factor")
    assert sign_in(editor, "eda@example.org").location.endswith("/admin/")
    assert editor.get("/admin/stories").status_code == 200


def test_an_account_made_by_an_admin_must_choose_its_own_password(app):
    admin = app.test_client()
    make_staff(app, "admin@example.org", "admin")
    sign_in(admin, "admin@example.org")
    first = "harbor-violet-cinder-moss"
    made = post(
        admin,
        "/admin/staff",
        {"email": "new@example.org", "role": "organiser", "password": first},
    )
    assert made.status_code == 302
    newcomer = app.test_client()
    response = sign_in(newcomer, "new@example.org", first)
    assert "/admin/account?first=1" in response.location
    assert "/admin/account" in newcomer.get("/admin/signatures").location
    mine = "copper-tundra-ribbon-fern"
    post(newcomer, "/admin/account", {"current": first, "new": mine, "again": mine})
    assert newcomer.get("/admin/signatures").status_code == 200
    assert csrf(newcomer, "/admin/account")


def test_guessing_from_one_ipv6_site_counts_its_whole_48(app):
    make_staff(app, "ana@example.org", "editor")
    for n in range(10):  # ten /64s of one /48
        guesser = from_address(app, f"2001:db8:1:{n:x}::1")
        assert sign_in(guesser, "ana@example.org", "wrong-password-here").status_code == 401
    limited = sign_in(from_address(app, "2001:db8:1:ff::1"), "ana@example.org", "wrong-pass-1")
    assert limited.status_code == 429


def test_a_password_someone_else_chose_cannot_be_kept(app):
    admin = app.test_client()
    make_staff(app, "admin@example.org", "admin")
    sign_in(admin, "admin@example.org")
    first = "harbor-violet-cinder-moss"
    post(admin, "/admin/staff", {"email": "new@example.org", "role": "editor", "password": first})
    newcomer = app.test_client()
    sign_in(newcomer, "new@example.org", first)
    same = post(newcomer, "/admin/account", {"current": first, "new": first, "again": first})
    assert same.status_code == 400 and "must differ" in same.text
    assert "/admin/account" in newcomer.get("/admin/stories").location


def test_tries_refused_for_too_many_are_in_the_audit_log_too(app):
    client = from_address(app, "198.51.100.40")
    for n in range(11):
        sign_in(client, f"person{n}@example.org", "wrong-password-here")
    [limited] = [r for r in audit_rows(app, "staff.sign-in") if r.outcome == "rate-limited"]
    assert limited.filters == {"with": "password"} and limited.target is None
    page = sign_in(client, "person99@example.org", "wrong-password-here")
    assert page.status_code == 429 and "wait" in page.text and "Retry-After" in page.headers


def test_a_refused_page_stays_inside_the_console(app):
    editor = app.test_client()
    make_staff(app, "eda@example.org", "editor")
    sign_in(editor, "eda@example.org")
    refused = editor.get("/admin/signatures")
    assert refused.status_code == 403
    assert 'href="/admin/stories"' in refused.text  # the console's navigation
    assert "This page is for organisers; you are editor." in refused.text


def test_a_password_hashed_with_older_settings_is_hashed_again_at_sign_in(app, client):
    from argon2 import PasswordHasher

    make_staff(app, "ana@example.org", "editor")
    with database(app) as session:
        account = session.scalar(select(StaffAccount))
        assert "$m=19456,t=2,p=1$" in account.password_hash
        account.password_hash = PasswordHasher(time_cost=3, memory_cost=65536).hash(PASSWORD)
    assert sign_in(client, "ana@example.org").status_code == 302
    with database(app) as session:
        assert "$m=19456,t=2,p=1$" in session.scalar(select(StaffAccount)).password_hash
