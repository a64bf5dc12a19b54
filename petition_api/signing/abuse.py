"""Telling people from bots without making people prove it.

Nothing here ever tells a submitter they were caught: a suspicious signature
gets the same answer as any other, so bots learn nothing. What only a bot
does (the honeypot, a form faster than a person, a forged or stale token) is
stored as `fraudulent` and gets no email. Many signatures from one network
past the soft limit may be a campus or a carrier's shared address: those are
stored `pending`, flagged `over_ip_limit` for staff to review, and still get
their confirmation email, so no real signer is told to check their inbox for
a message that never comes.
"""

from __future__ import annotations

import time

from flask import current_app, request
from itsdangerous import BadSignature, SignatureExpired, TimestampSigner
from limits import parse

from ..ratelimits import client_network, limiter

# Reasons a signature is set aside, stored in signatures.fraud_reason.
HONEYPOT = "honeypot"
TOO_FAST = "too_fast"
STALE_TOKEN = "stale_token"  # noqa: S105 - a reason, not a secret
BAD_TOKEN = "bad_token"  # noqa: S105
OVER_IP_LIMIT = "over_ip_limit"
# Verdicts that are a flag for review, not a reason to set a signature aside.
FLAG_ONLY = frozenset({OVER_IP_LIMIT})


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
        within = limiter.limiter.hit(soft, "soft-ip", client_network())
    except Exception:
        current_app.logger.warning("rate-limit store unreachable; soft limit not applied")
        within = True
    return None if within else OVER_IP_LIMIT
