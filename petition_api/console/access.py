"""Who may open which console page: roles, CSRF, refusals audited, and the page headers."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_limiter import RateLimitExceeded
from flask_login import current_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from .. import audit, db
from ..models import Role
from ..ratelimits import retry_after
from ..staff import sessions

bp = Blueprint(
    "console",
    __name__,
    url_prefix="/admin",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
csrf = CSRFProtect()

# The console's own script (live mailing figures) and images (story photos, QR codes)
# come from here; nothing from anywhere else, and no other site may frame a page.
POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def init_app(app: Flask) -> None:
    # CSRF is checked on the console's forms only: the public API's posts come from
    # the campaign site, with their own origin checks and form tokens.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # the session's own limits apply
    csrf.init_app(app)


@bp.before_request
def _protect():
    if request.method == "POST":
        csrf.protect()


@bp.after_request
def _headers(response):
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "same-origin"
    return response


@bp.errorhandler(RateLimitExceeded)
def _too_many(error: RateLimitExceeded):
    wait = retry_after()
    if request.endpoint in ("console.sign_in", "console.sign_in_code"):
        step = "code" if request.endpoint == "console.sign_in_code" else "password"
        with db.writing() as session:
            audit.add(session, "staff.sign-in", None, "anonymous", {"with": step}, "rate-limited")
    minutes = max(1, round(wait / 60))
    message = (
        "Too many wrong tries, from your network or for this account. For your safety, "
        f"wait {minutes} minute{'' if minutes == 1 else 's'} before trying again."
    )
    page = render_template("console/message.html", title="Please wait", message=message)
    return page, 429, {"Retry-After": str(wait)}


@bp.errorhandler(HTTPException)
def _refused(error: HTTPException):
    """The console's own page for what it refuses (403, 404, 405...), inside its
    navigation, rather than the public site's."""
    title = f"{error.code} {error.name}"
    return render_template("console/message.html", title=title, message=error.description), (
        error.code or 500
    )


@bp.errorhandler(CSRFError)
def _csrf_failed(error: CSRFError):
    message = (
        "This form was out of date or did not come from the console (its security token "
        "was missing or wrong), so nothing was changed. Go back, reload the page and try again."
    )
    return render_template("console/message.html", title="Form expired", message=message), 400


def needs(role: Role) -> Callable:
    """The page needs someone signed in with at least `role`.

    Nobody signed in goes to the sign-in page (and back after); a person held at a
    password change or two-factor set-up goes there; a role too small gets 403,
    written to the audit log.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def checked(*args, **kwargs):
            found = current_user._get_current_object()
            if not getattr(found, "is_authenticated", False):
                flash("Please sign in to see that page (a session ends after a while unused).")
                # The path only: a query may hold what someone searched for.
                return redirect(url_for("console.sign_in", next=request.path))
            if found.must_change_password:
                return redirect(url_for("console.account", first=1))
            if found.needs_two_factor:
                return redirect(url_for("console.two_factor"))
            if not found.may(role):
                with db.writing() as session:
                    audit.add(
                        session, "console.refused", request.path, found.actor, outcome="forbidden"
                    )
                abort(403, description=f"This page is for {role.value}s; you are {found.role}.")
            return view(*args, **kwargs)

        checked.needs = role  # read by the test that walks every page as every role
        return checked

    return decorate


def me() -> sessions.Person:
    """The signed-in person (inside a `needs` view)."""
    return current_user._get_current_object()


# The console's pages in the navigation, and the least role each needs.
PAGES = [
    ("console.dashboard", "Dashboard", Role.EDITOR),
    ("console.conversions", "Conversions", Role.EDITOR),
    ("console.signatures", "Signatures", Role.ORGANISER),
    ("console.stories", "Stories", Role.EDITOR),
    ("console.mailings", "Mailings", Role.ORGANISER),
    ("console.exports", "Exports", Role.ORGANISER),
    ("console.audit", "Audit log", Role.ADMIN),
    ("console.tokens", "API tokens", Role.ADMIN),
    ("console.staff", "Staff", Role.ADMIN),
]


@bp.app_context_processor
def _pages():
    def console_pages():
        found = current_user._get_current_object()
        if not getattr(found, "is_authenticated", False):
            return []
        return [page for page in PAGES if found.may(page[2])]

    return {"console_pages": console_pages}
