"""Telling people from bots without making people prove it.

Nothing here ever tells a submitter they were caught: a suspicious signature
gets the same answer as any other and is quietly stored as `fraudulent`, so
bots learn nothing and staff can review what was set aside.
"""

from __future__ import annotations

import math
import time

from flask import Flask, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner
from limits import parse
from werkzeug.exceptions import TooManyRequests

from ..errors import respond

# Reasons a signature is set aside, stored in signatures.fraud_reason.
HONEYPOT = "honeypot"
TOO_FAST = "too_fast"
STALE_TOKEN = "stale_token"  # noqa: S105 - a reason, not a secret
BAD_TOKEN = "bad_token"  # noqa: S105
OVER_IP_LIMIT = "over_ip_limit"


def client_ip() -> str:
    """The signer's address: ProxyFix has already applied X-Forwarded-For from trusted proxies."""
    return request.remote_addr or "unknown"


limiter = Limiter(
    key_func=client_ip,
    # Only a 429 says when to come back (Retry-After); successful answers
    # carry no rate-limit headers.
    headers_enabled=False,
    # A rate-limit store that is down must not stop people signing.
    swallow_errors=True,
)


def init_app(app: Flask) -> None:
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config["RATELIMIT_STORAGE_URL"])
    app.config.setdefault("RATELIMIT_KEY_PREFIX", app.config["RATELIMIT_PREFIX"])
    limiter.init_app(app)
    app.register_error_handler(RateLimitExceeded, _too_many)


def _too_many(error: RateLimitExceeded):
    current = limiter.current_limit
    wait = 60
    if current:
        # reset_at is rounded to whole seconds: never promise more than one window.
        wait = min(max(1, math.ceil(current.reset_at - time.time())), current.limit.get_expiry())
    return respond(
        TooManyRequests(
            "Too many signatures from your network or to this petition right now. "
            f"Please try again in {wait} seconds.",
            retry_after=wait,
        )
    )


def ip_hard_limit() -> str:
    return current_app.config["LIMIT_IP_HARD"]


def petition_limit() -> str:
    return current_app.config["LIMIT_PETITION"]


def petition_key() -> str:
    return "petition:" + (request.view_args or {}).get("slug", "")


def _signer() -> TimestampSigner:
    return TimestampSigner(current_app.config["SECRET_KEY"], salt="groundswell.form-token")


def issue_form_token(slug: str) -> str:
    return _signer().sign(slug).decode()


def form_token_verdict(token: str, slug: str) -> str | None:
    """None when the token shows a person's pace, else why it does not.

    A missing token is fine: it means JavaScript is off, and such signers sign
    under the normal limits.
    """
    if not token:
        return None
    config = current_app.config
    try:
        value, issued = _signer().unsign(
            token, max_age=config["FORM_TOKEN_MAX_AGE"], return_timestamp=True
        )
    except SignatureExpired:
        return STALE_TOKEN
    except BadSignature:
        return BAD_TOKEN
    if value.decode() != slug:
        return BAD_TOKEN
    if time.time() - issued.timestamp() < config["FORM_TOKEN_MIN_SECONDS"]:
        return TOO_FAST
    return None


def judge(form, slug: str) -> str | None:
    """Why this (valid) submission should be set aside, or None."""
    if form.website.data:
        return HONEYPOT
    verdict = form_token_verdict(form.form_token.data or "", slug)
    if verdict:
        return verdict
    soft = parse(current_app.config["LIMIT_IP_SOFT"])
    try:
        within = limiter.limiter.hit(soft, "soft-ip", client_ip())
    except Exception:
        current_app.logger.warning("rate-limit store unreachable; soft limit not applied")
        within = True
    return None if within else OVER_IP_LIMIT
