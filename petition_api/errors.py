"""Every error as JSON for programs and a small page for people; never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from .logs import redact

log = logging.getLogger(__name__)

DATABASE_RETRY_AFTER = "30"


def wants_json() -> bool:
    if request.is_json:
        return True
    accept = request.accept_mimetypes
    if accept["text/html"] > accept["application/json"]:
        return False
    return request.path.startswith("/api/") or accept["application/json"] > accept["text/html"]


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(OperationalError, _database_down)
    app.register_error_handler(PoolTimeout, _database_down)
    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(Exception, _unexpected)


def respond(error: HTTPException):
    headers = {k: v for k, v in error.get_response().headers.items() if k == "Retry-After"}
    headers["Cache-Control"] = "no-store"
    code = error.code or 500
    if wants_json():
        body = {"error": {"code": code, "name": error.name, "message": error.description}}
        return body, code, headers
    return render_template("error.html", error=error, code=code), code, headers


def _http_error(error: HTTPException):
    return respond(error)


def _database_down(error):
    # Logged without parameters: they would carry signer data.
    log.error("database unavailable: %s", type(error).__name__)
    unavailable = ServiceUnavailable(
        "We can't take signatures for a moment. Please try again in a minute."
    )
    unavailable.retry_after = int(DATABASE_RETRY_AFTER)
    return respond(unavailable)


def _database_error(error: DBAPIError):
    if error.connection_invalidated:
        return _database_down(error)
    return _unexpected(error)


def _unexpected(error: Exception):
    # The engine hides SQL parameters, so the traceback carries no signer data.
    # The path is redacted: a confirmation link in a log would confirm for anyone.
    log.error(
        "unexpected %s on %s %s",
        type(error).__name__,
        request.method,
        redact(request.path),
        exc_info=error,
    )
    return respond(InternalServerError("Something went wrong on our side. Please try again."))
