"""The staff console at /admin: the campaign's daily desk behind a real sign-in.

Server-rendered pages over the same code the `flask` commands and the staff API
use: the dashboard (counting/tallies.py), the conversion report (reports/),
signature search and invalidation (invalidation/), story reviewing and publishing
(stories/), mailings (mail/), and downloads, which link to the audited API
routes themselves. Every page needs a role (access.py); every form carries a
CSRF token (Flask-WTF).
"""

from flask import Flask

from . import (
    access,
    admin,
    conversions,
    dashboard,
    exports,
    mailings,
    signatures,
    signing_in,
    stories,
)

# Once, at import: the blueprint is shared by every app create_app makes.
for pages in (signing_in, dashboard, conversions, signatures, stories, mailings, exports, admin):
    pages.register(access.bp)


def init_app(app: Flask) -> None:
    access.init_app(app)
    app.register_blueprint(access.bp)
