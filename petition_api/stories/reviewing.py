"""What staff do with a confirmed story: read it, approve it (perhaps edited), or reject
it with a reason. Each decision is audited; no decision ever changes a consent."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .. import audit
from ..models import (
    ConsentWording,
    Petition,
    Signature,
    Status,
    Story,
    StoryConsent,
    StoryConsentKind,
    StoryStatus,
    utcnow,
)
from . import headlines
from .form import MAX_STORY


class ModerationError(ValueError):
    """Why staff cannot do that to this story, in a sentence; `field` names what staff
    gave that is wrong ("edited", "reason"), when it is that."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def consents_now(session: Session, story_id: int) -> dict[StoryConsentKind, bool]:
    """Each consent as it stands: the latest word on each kind (never given: False)."""
    return consents_of(session, [story_id])[story_id]


def consents_of(session: Session, story_ids) -> defaultdict[int, dict[StoryConsentKind, bool]]:
    """consents_now for many stories in one query; `story_ids`: ids, or a select of them."""
    latest = (
        select(StoryConsent.story_id, StoryConsent.kind, func.max(StoryConsent.id).label("id"))
        .where(StoryConsent.story_id.in_(story_ids))
        .group_by(StoryConsent.story_id, StoryConsent.kind)
        .subquery()
    )
    rows = session.execute(
        select(StoryConsent.story_id, StoryConsent.kind, StoryConsent.given).join(
            latest, StoryConsent.id == latest.c.id
        )
    )
    found = defaultdict(lambda: dict.fromkeys(StoryConsentKind, False))
    for story_id, kind, given in rows:
        found[story_id][StoryConsentKind(kind)] = given
    return found


def history(session: Session, story_id: int) -> list[dict]:
    rows = session.execute(
        select(StoryConsent, ConsentWording.text)
        .join(ConsentWording, ConsentWording.id == StoryConsent.wording_id)
        .where(StoryConsent.story_id == story_id)
        .order_by(StoryConsent.id)
    ).all()
    return [
        {
            "id": consent.id,
            "kind": str(consent.kind),
            "given": consent.given,
            "wording_id": consent.wording_id,
            "wording": text,
            "source": consent.source,
            "at": consent.at.isoformat(),
        }
        for consent, text in rows
    ]


def listing(session: Session, status: str | None) -> list[tuple[Story, str | None]]:
    """Confirmed stories (never the unconfirmed, never a bot's), oldest first."""
    query = select(Story, Petition.slug).outerjoin(Petition, Petition.id == Story.petition_id)
    if status:
        query = query.where(Story.status == status)
    else:  # what staff work on: never the unconfirmed, never a bot's
        query = query.where(Story.status.not_in([StoryStatus.PENDING, StoryStatus.SET_ASIDE]))
    return list(session.execute(query.order_by(Story.id)).all())


def by_link(session: Session, token: str, statuses) -> Story | None:
    """The story an emailed link stands for (to confirm it, or to answer a request),
    while the link works and the story is in one of `statuses`."""
    if not 20 <= len(token) <= 100:
        return None
    return session.scalar(
        select(Story).where(
            Story.confirm_token_hash == Story.token_hash(token),
            Story.status.in_(statuses),
            Story.confirm_expires_at > utcnow(),
        )
    )


def one(session: Session, story_id: int, lock: bool = True) -> Story:
    """A confirmed story (locked, to decide on it), or ModerationError."""
    story = session.get(Story, story_id, with_for_update=lock)
    if story is None or story.status in (StoryStatus.PENDING, StoryStatus.SET_ASIDE):
        raise ModerationError(f"no confirmed story {story_id} (see flask stories list)")
    return story


def status_now(story: Story, given: dict[StoryConsentKind, bool]) -> str:
    """The status, or `published-WITHDRAWN` for a post whose author withdrew consent
    to publish it (flask stories sync takes it down)."""
    if story.status == StoryStatus.PUBLISHED and not given[StoryConsentKind.PUBLISH]:
        return "published-WITHDRAWN"
    return str(story.status)


def details(session: Session, story_id: int) -> dict:
    """Everything about one confirmed story, its consents with their words: what
    `flask stories show` prints and the console's story page shows."""
    story = one(session, story_id, lock=False)
    return {
        "id": story.id,
        "status": str(story.status),
        "source": story.source,
        "first_name": story.first_name,
        "email": story.email,
        "state": story.state,
        "district": story.district,
        "text": story.text,
        "edited": story.edited,
        "headline": headlines.of(story),
        "headline_is_default": story.headline is None,
        "photo": story.photo,
        "rejected_because": story.rejected_because,
        "created_at": story.created_at.isoformat(),
        "confirmed_at": story.confirmed_at.isoformat() if story.confirmed_at else None,
        "consents": history(session, story.id),
    }


def approve(session: Session, story_id: int, actor: str, edited: str | None = None) -> Story:
    story = one(session, story_id)
    if story.status not in (StoryStatus.SUBMITTED, StoryStatus.REJECTED, StoryStatus.APPROVED):
        raise ModerationError(f"story {story_id} is {story.status}: only a story not yet "
                              "published can be approved")  # fmt: skip
    if edited is not None:
        edited = edited.replace("\r\n", "\n").strip()
        if not edited:
            raise ModerationError("the edited text is empty", "edited")
        if len(edited) > MAX_STORY:
            raise ModerationError(
                f"the edited text is longer than {MAX_STORY:,} characters", "edited"
            )
    story.status, story.edited, story.decided_at = StoryStatus.APPROVED, edited, utcnow()
    story.rejected_because = None
    _audit(session, "stories.approve", story, actor, {"edited": edited is not None})
    return story


def set_headline(session: Session, story_id: int, actor: str, headline: str | None) -> Story:
    """Give the story staff's headline; None (or the default's very words) keeps the
    default, which follows later edits of the text. A published post changes with the
    next publish or sync."""
    story = one(session, story_id)
    wanted = None if headline is None else headlines.cleaned(headline)
    if wanted is not None and (wrong := headlines.problem(wanted)):
        raise ModerationError(wrong, "headline")
    if wanted == headlines.default(story.edited or story.text):
        wanted = None
    story.headline = wanted
    _audit(session, "stories.headline", story, actor, {"default": wanted is None})
    return story


def reject(session: Session, story_id: int, actor: str, reason: str) -> Story:
    story = one(session, story_id)
    reason = " ".join(reason.split())
    if not reason:
        raise ModerationError("say why (--reason): the reason is kept with the story", "reason")
    if story.status == StoryStatus.PUBLISHED:
        raise ModerationError(f"story {story_id} is published: unpublish it first")
    story.status, story.rejected_because, story.decided_at = (
        StoryStatus.REJECTED,
        reason[:500],
        utcnow(),
    )
    _audit(session, "stories.reject", story, actor, {"reason": reason[:40]})
    return story


def _audit(session: Session, action: str, story: Story, actor: str, filters: dict) -> None:
    # The story's number, never its author or words: the audit log names nobody.
    audit.add(session, action, f"story {story.id}", actor, filters)


def from_comments(session: Session, actor: str) -> int:
    """Confirmed signatures whose signer ticked "you may share my comment" become story
    candidates (once each), with no consent yet: staff read them, then ask."""
    taken = select(Story.signature_id).where(Story.signature_id.is_not(None))
    rows = session.scalars(
        select(Signature).where(
            Signature.status == Status.VALIDATED,
            Signature.comment_share_consent_id.is_not(None),
            Signature.comment.is_not(None),
            Signature.id.not_in(taken),
        )
    ).all()
    for signature in rows:
        session.add(
            Story(
                status=StoryStatus.SUBMITTED,
                source="comment",
                petition_id=signature.petition_id,
                signature_id=signature.id,
                first_name=signature.first_name,
                email=signature.email,
                email_canonical=signature.email_canonical,
                state=signature.state,
                zip=signature.zip,
                district=signature.district,
                text=signature.comment,
                created_at=signature.validated_at or utcnow(),
                confirmed_at=signature.validated_at,
            )
        )
    if rows:
        audit.add(session, "stories.from_comments", None, actor, rows=len(rows))
    return len(rows)
