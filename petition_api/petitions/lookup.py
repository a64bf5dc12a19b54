"""The petition a request names, looked up once every few seconds per process."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import select

from .. import cache, db
from ..models import ConsentWording, Petition, PetitionVariant, utcnow

LOOKUP_SECONDS = 10.0


@dataclass(frozen=True)
class OpenPetition:
    """What the signing path needs of a petition, cached between requests."""

    id: int
    slug: str
    title: str
    version: str
    thanks_page: str | None
    page: str
    updates_consent_id: int | None
    updates_consent_text: str | None  # what the form's box says, word for word
    status: str
    comment_share_consent_id: int | None = None  # the "you may share my comment" box
    variants: frozenset[str] = frozenset()  # the names of its page's variants

    def variant_named(self, name: str | None) -> str | None:
        """``name`` if it is one of the petition's variants, else None: a page's form says
        which variant its signer read, and anything else (an old page's, a made-up
        one) records no variant rather than cost the signature."""
        return name if name in self.variants else None


def lookup(slug: str) -> OpenPetition | None:
    if not Petition.could_be(slug):
        return None
    return cache.current().get(
        ("petition", slug), lambda _: _read(slug), cache.seconds_from_now(LOOKUP_SECONDS)
    )


def _read(slug: str) -> OpenPetition | None:
    with db.reading() as session:
        petition = session.scalar(Petition.named(slug))
        consent = petition and session.get(ConsentWording, petition.updates_consent_id)
        variants = (
            petition
            and session.scalars(
                select(PetitionVariant.name).where(PetitionVariant.petition_id == petition.id)
            ).all()
        )
    if petition is None:
        return None
    return OpenPetition(
        petition.id,
        petition.slug,
        petition.title,
        petition.version,
        petition.thanks_page,
        petition.page,
        petition.updates_consent_id,
        consent.text if consent else None,
        petition.status(utcnow()),
        petition.comment_share_consent_id,
        frozenset(variants),
    )


def open_for_signing(slug: str) -> OpenPetition:
    petition = lookup(slug)
    if petition is None:
        abort(404, description=f"There is no petition called {slug!r}.")
    if petition.status == "closed":
        abort(
            410,
            description=f"The petition {petition.title!r} has closed and takes no more signatures.",
        )
    if petition.status == "upcoming":
        abort(403, description=f"The petition {petition.title!r} is not open for signing yet.")
    return petition
