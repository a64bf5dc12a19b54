"""Which sites may post signatures and read answers (an allowlist, and CORS for it)."""

from __future__ import annotations

from flask import Flask, abort, current_app, request

from ..config import allowed_origins

PREFLIGHT_MAX_AGE = "600"


def init_app(app: Flask) -> None:
    app.extensions["allowed_origins"] = allowed_origins(app.config)
    # Registered before the rate limiter's hook, so a preflight is never counted.
    app.before_request(_check_origin)
    app.after_request(_add_cors_headers)


def _is_allowed(origin: str) -> bool:
    own = request.host_url.rstrip("/")
    return (
        origin.rstrip("/") == own or origin.rstrip("/") in current_app.extensions["allowed_origins"]
    )


def _check_origin():
    origin = request.headers.get("Origin")
    if request.method == "OPTIONS" and origin:
        if not _is_allowed(origin):
            abort(403, description=f"Origin {origin} may not use this API.")
        return current_app.response_class(status=204)
    # A browser always sends Origin on a cross-site POST; other clients (curl,
    # servers) send none and are judged by the same limits as everyone.
    if request.method != "POST" or not origin:
        return None
    if origin == "null":
        # A sandboxed frame on any site posts as "null", so the API refuses it. Pages
        # with Referrer-Policy no-referrer post as "null" too, even to their own
        # origin: the browser's Sec-Fetch-Site says when that is all it is.
        same_origin = request.headers.get("Sec-Fetch-Site") == "same-origin"
        if request.path.startswith("/api/") and not same_origin:
            abort(403, description="A page without an origin (Origin: null) may not post here.")
        return None
    if not _is_allowed(origin):
        abort(
            403,
            description=f"Origin {origin} may not post here (not in GROUNDSWELL_ALLOWED_ORIGINS).",
        )
    return None


def _add_cors_headers(response):
    origin = request.headers.get("Origin")
    if origin and _is_allowed(origin) and request.path.startswith("/api/"):
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers.add("Vary", "Origin")
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type, Authorization"
            response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        else:
            response.headers["Access-Control-Expose-Headers"] = "Retry-After"
    return response
