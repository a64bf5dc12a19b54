"""What every staff download shares: the token, the petition, the parameters, refusals
written to the audit log before they are raised, and the streamed attachment."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TypeVar

from flask import Response, abort, request, stream_with_context

from .. import audit, db, openapi
from ..models import ApiToken, Petition
from . import sessions, tokens

P = TypeVar("P")


def requested() -> dict[str, str]:
    """The query parameters, for the audit log (which cuts and escapes them); never a
    console download's ticket."""
    return {k: v for k, v in request.args.items() if k != "ticket"}


def refused(action: str, slug: str | None, actor: str, outcome: str) -> None:
    """The audit row of a refused download: no change to join, so a transaction of its own."""
    with db.writing() as session:
        audit.add(session, action, slug, actor, requested(), outcome)


def _token(scope: str, action: str, slug: str | None) -> ApiToken:
    """tokens.require_staff, with the refusal written to the audit log before it is raised.

    An expired token, or one for something else, is named (staff can see whose
    it was); a token nobody issued or one revoked is `invalid-token`.
    """
    try:
        return tokens.require_staff(scope)
    except tokens.Refused as refusal:
        if refusal.token is not None:
            actor = audit.token_actor(refusal.token)
        else:
            actor = "anonymous" if refusal.code == 401 else "invalid-token"
        refused(action, slug, actor, refusal.outcome)
        raise


def staff_actor(scope: str, action: str, slug: str | None) -> str:
    """Who is asking: a bearer token for `scope`, or someone signed in to the console
    whose role stands for it (401/403, audited, for anyone else)."""
    person = sessions.signed_in() if tokens.presented() is None else None
    if person is None:
        return audit.token_actor(_token(scope, action, slug))
    if not sessions.may_use(person, scope):
        refused(action, slug, person.actor, "wrong-role")
        raise tokens.Refused(
            403, f"Your role ({person.role}) cannot download {tokens.WHAT[scope]}.", "wrong-role"
        )
    # The console's cookie rides along on any link to us (SameSite=Lax lets top-level
    # GETs through), so a console session downloads only with the ticket the Exports
    # page puts in its links: never from a link made elsewhere.
    if not sessions.holds_ticket(person, request.args.get("ticket", "")):
        refused(action, slug, person.actor, "no-ticket")
        raise tokens.Refused(
            403, "Downloads start from the console's Exports page: open it and try again.",
            "no-ticket",
        )  # fmt: skip
    return person.actor


def petition_and_parameters(
    action: str, slug: str, actor: str, parse: Callable[[dict], P]
) -> tuple[Petition, P]:
    """The petition and the parsed parameters, or an audited 404 or 400.

    `parse` raises ValueError with a message that says which parameter is wrong.
    """
    petition = None
    if Petition.could_be(slug):
        with db.reading() as session:
            petition = session.scalar(Petition.named(slug))
    if petition is None:
        refused(action, slug, actor, "not-found")
        abort(404, description=f"There is no petition called {slug!r}.")
    try:
        parsed = parse(request.args)
    except ValueError as error:
        refused(action, slug, actor, "bad-request")
        abort(400, description=str(error))
    return petition, parsed


def attachment(body: Iterator, content_type: str, filename: str) -> Response:
    return Response(
        stream_with_context(body),
        content_type=content_type,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def refusals(**more: str) -> dict:
    """The OpenAPI responses every staff download may refuse with (401 and 403 audited)."""
    described = {
        "400": "a parameter is wrong",
        "401": "no staff token (audited)",
        "403": "wrong or revoked token (audited)",
        "404": "no such petition",
        **more,
    }
    return {code: openapi.error(text) for code, text in described.items()}
