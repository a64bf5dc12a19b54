"""Staff at the console: accounts, signing in through the real form, CSRF tokens."""

from __future__ import annotations

import re

import pyotp

from petition_api import db
from petition_api.staff import accounts

PASSWORD = "plum-engine-harbor-silk"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_staff(app, email: str, role: str, two_factor: bool = False) -> str | None:
    """A staff account; returns its TOTP secret when it has two-factor."""
    with app.app_context(), db.writing() as session:
        account = accounts.create(session, email, role, PASSWORD)
        if two_factor:
            account.totp_secret = accounts.new_totp_secret()
        return account.totp_secret


def csrf(client, path: str = "/admin/login") -> str:
    """The CSRF token a console page carries (the session cookie goes with it)."""
    page = client.get(path)
    found = TOKEN.search(page.get_data(as_text=True))
    assert found, f"no CSRF token on {path} ({page.status_code})"
    return found.group(1)


def post(client, path: str, data: dict | None = None, token_from: str | None = None):
    """A console form post, with the CSRF token of the page it is on."""
    token = csrf(client, token_from or path)
    return client.post(path, data={"csrf_token": token, **(data or {})})


def sign_in(client, email: str, password: str = PASSWORD, secret: str | None = None):
    response = post(client, "/admin/login", {"email": email, "password": password})
    if secret and response.status_code == 302 and "/admin/login/code" in response.location:
        code = pyotp.TOTP(secret).now()
        response = post(client, "/admin/login/code", {"code": code})
    return response


def console_client(app, role: str, email: str | None = None):
    """A test client signed in as a new account with `role`."""
    email = email or f"{role}@example.org"
    make_staff(app, email, role)
    client = app.test_client()
    response = sign_in(client, email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client
