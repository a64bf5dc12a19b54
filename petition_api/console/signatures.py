"""Signatures: search, see one, invalidate or restore many (a preview count first).

Search and invalidation choose signatures the same way the CLI does
(invalidation/invalidating.py `Selection`), so what staff preview is what they
change, counts follow at once, and each change is audited. Searching and
opening a signature are audited too (how it was chosen, never the value typed),
and searches are posted, so the value typed is in no URL either.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from .. import audit, db
from ..invalidation.invalidating import (
    CHOOSERS,
    Selection,
    SelectionError,
    carry_out,
    preview,
)
from ..models import Petition, Role, Signature, Status
from .access import me, needs

SHOWN = 50
LABELS = {
    "email": "Email address",
    "name": "Name contains",
    "zip": "ZIP code",
    "district": "District (e.g. NY-12)",
    "domain": "Email domain",
    "ip_prefix": "IP address starts with",
}
COLUMNS = (
    Signature.first_name,
    Signature.last_name,
    Signature.email,
    Signature.state,
    Signature.district,
    Signature.status,
    Signature.created_at,
)


def _asked(values) -> tuple[str, str, str, Selection | None]:
    """(by, value, petition slug, Selection or None) from a form or query string."""
    by = values.get("by", "email")
    by = by if by in CHOOSERS else "email"
    value = values.get("q", "").strip()[:254]
    petition = values.get("petition", "").strip()[:200]
    if not value:
        return by, value, petition, None
    return by, value, petition, Selection(**{by: value}, petition=petition or None)


def _petitions() -> list:
    """Every petition's id, slug and title, by slug."""
    with db.reading() as session:
        query = select(Petition.id, Petition.slug, Petition.title).order_by(Petition.slug)
        return list(session.execute(query))


@needs(Role.ORGANISER)
def signatures():
    # Searched with a form post: what is searched for (an address, a name) stays out of
    # URLs, and so out of browser history and every access log on the way.
    by, value, petition, selection = _asked(request.form)
    found, total = [], None
    if selection is not None:
        with db.reading() as session:
            query = selection.query(list(Status), *COLUMNS)
            found = session.execute(query.order_by(Signature.id.desc()).limit(SHOWN)).all()
            total = session.scalar(select(func.count()).select_from(query.subquery()))
        with db.writing() as session:
            audit.add(
                session, "signatures.search", petition or None, me().actor, {"by": by}, rows=total
            )
    petitions = _petitions()
    return render_template(
        "console/signatures.html",
        labels=LABELS,
        by=by,
        q=value,
        petition=petition,
        petitions=petitions,
        # Found across every petition, each row says which petition it is on.
        titles={p.id: p.title for p in petitions},
        found=found,
        total=total,
        shown=SHOWN,
    )


@needs(Role.ORGANISER)
def signature(signature_id: int):
    with db.reading() as session:
        found = session.get(Signature, signature_id)
        if found is None:
            abort(404, description=f"There is no signature number {signature_id}.")
        slug = session.scalar(select(Petition.slug).where(Petition.id == found.petition_id))
        session.expunge(found)
    with db.writing() as session:
        audit.add(session, "signatures.view", slug, me().actor, {"ids": [signature_id]}, rows=1)
    return render_template("console/signature.html", s=found, slug=slug)


def _change(restoring: bool):
    by, value, petition, selection = _asked(request.form)
    ids = tuple(int(i) for i in request.form.getlist("id") if i.isdigit())[:1000]
    if ids:
        selection = Selection(ids=ids, petition=petition or None)
    reason = request.form.get("reason", "").strip()[:200]
    verb = "restored" if restoring else "invalidated"
    back = url_for("console.signatures")
    try:
        with db.reading() as session:
            rows = preview(session, selection or Selection(), restoring=restoring)
    except SelectionError as error:
        flash(f"Nothing was changed: {error}.")
        return redirect(back)
    error = None
    if request.form.get("confirmed") == "yes":
        if not reason:
            error = "Say why (the reason is kept in the audit log)."
        else:
            done = carry_out(restoring, selection, reason, me().actor)
            flash(f"{done} signature{'' if done == 1 else 's'} {verb}. The counts have followed.")
            return redirect(back)
    counted = sum(1 for r in rows if r.counted)
    return render_template(
        "console/signatures_change.html",
        restoring=restoring,
        verb=verb,
        rows=len(rows),
        counted=counted,
        ids=ids,
        by=by,
        q=value,
        petition=petition,
        reason=reason,
        error=error,
        back=back,
    ), (400 if error else 200)


@needs(Role.ORGANISER)
def invalidate():
    return _change(restoring=False)


@needs(Role.ORGANISER)
def restore():
    return _change(restoring=True)


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/signatures", "signatures", signatures, methods=["GET", "POST"])
    bp.add_url_rule("/signatures/<int:signature_id>", "signature", signature)
    bp.add_url_rule("/signatures/invalidate", "invalidate", invalidate, methods=["POST"])
    bp.add_url_rule("/signatures/restore", "restore", restore, methods=["POST"])
