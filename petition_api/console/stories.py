"""The stories page of the console: the moderation queue, one story with its photo and
consents, and the decisions `flask stories` makes (approve, headline, reject, ask
permission, publish, unpublish), through the very functions the commands call: the
rules live in stories/, never here. Each decision is audited there by story number,
with the signed-in person as the actor; a refused one is audited here as `refused`.
"""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from sqlalchemy import select

from .. import audit, db
from ..models import Petition, Role, StoryStatus
from ..states import STATES
from ..stories import headlines, permission, publishing, reviewing
from ..stories.intake import photo_folder
from ..stories.reviewing import ModerationError
from .access import me, needs

# The queue, what needs someone first; the keys are `flask stories list --status` values
# (and `published-WITHDRAWN`, a published story whose author withdrew consent).
GROUPS = {
    "submitted": "Waiting for a decision",
    "published-WITHDRAWN": "Published, but the author withdrew consent: unpublish it",
    "approved": "Approved, not published",
    "published": "Published",
    "rejected": "Rejected",
}
FILTERS = ("submitted", "approved", "published", "rejected")
FIELDS = {
    "edited": "Story text to approve",
    "reason": "Reason for rejecting",
    "headline": "Headline",
}
# The shared messages speak to the command line here and there; at the console, say it
# the console's way.
CLI_WORDS = {
    " (--reason)": "",
    " (add --again to send another)": ": use “Ask again” to send another",
    "(flask stories ask asks its author)": "(“Ask permission” asks its author)",
    " (is --content the site's content folder?)": "",
    " (see flask stories list)": "",
}


def _words(error: ModerationError) -> str:
    message = str(error)
    for cli, console in CLI_WORDS.items():
        message = message.replace(cli, console)
    return message[0].upper() + message[1:] + ("" if message.endswith(".") else ".")


def content_folder() -> Path:
    """Where publishing writes (GROUNDSWELL_CONTENT_DIR, as `flask stories publish --content`)."""
    return Path(current_app.config["CONTENT_DIR"])


@needs(Role.EDITOR)
def stories():
    status = request.args.get("status", "")
    if status not in ("", *FILTERS):
        abort(400, description=f"There is no status {status[:20]!r}: choose one of the links.")
    with db.reading() as session:
        groups: dict[str, list[dict]] = {key: [] for key in GROUPS}
        for story, slug in reviewing.listing(session, status or None):
            shown = str(story.status)
            if story.status == StoryStatus.PUBLISHED:  # only these can be withdrawn
                shown = reviewing.status_now(story, reviewing.consents_now(session, story.id))
            groups[shown].append(
                {
                    "id": story.id,
                    "first_name": story.first_name,
                    "petition": slug,
                    "received": story.created_at,
                    "status": shown,
                    "photo": bool(story.photo),
                    "words": " ".join((story.edited or story.text).split())[:80],
                }
            )
    shown_groups = [(key, GROUPS[key], rows) for key, rows in groups.items() if rows]
    return render_template(
        "console/stories.html", groups=shown_groups, status=status, filters=FILTERS
    )


def _page(story_id: int, error: ModerationError | None = None, action: str = "", form=None):
    """The story's page; with `error`, the refusal of `action` beside what was sent."""
    with db.reading() as session:
        try:
            story = reviewing.one(session, story_id, lock=False)
        except ModerationError:
            abort(404, description=f"There is no confirmed story {story_id}.")
        shown = reviewing.details(session, story_id)
        now = reviewing.consents_now(session, story_id)
        petition = session.scalar(select(Petition.slug).where(Petition.id == story.petition_id))
        open_until = permission.open_until(story)
    form = form or {}
    problem = None
    if error is not None:
        field = getattr(error, "field", None)
        label = FIELDS.get(field or "")
        problem = {
            "action": action,
            "field": field,
            "message": f"{label}: {_words(error)}" if label else _words(error),
        }
    return render_template(
        "console/stories_one.html",
        story=shown,
        decided_at=story.decided_at,
        status=reviewing.status_now(story, now),
        given={str(kind): given for kind, given in now.items()},
        petition=petition,
        place=STATES.get(story.state, story.state),
        open_until=open_until,
        content=content_folder().resolve(),
        edited=form.get("edited", shown["edited"] or shown["text"]),
        headline=form.get("headline", "" if shown["headline_is_default"] else shown["headline"]),
        default_headline=headlines.default(story.edited or story.text),
        reason=form.get("reason", ""),
        problem=problem,
    )


@needs(Role.EDITOR)
def story(story_id: int):
    return _page(story_id)


@needs(Role.EDITOR)
def story_photo(story_id: int):
    with db.reading() as session:
        try:
            found = reviewing.one(session, story_id, lock=False)
        except ModerationError:
            abort(404)
        name = found.photo
    if not name:
        abort(404, description=f"Story {story_id} has no photo.")
    response = send_from_directory(photo_folder(), name, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


def _edited(text: str, sent: str | None) -> str | None:
    """The text staff approve: None (the words sent) unless they changed them."""
    if sent is None:
        return None
    if sent.replace("\r\n", "\n").strip() == text.replace("\r\n", "\n").strip():
        return None
    return sent


def _approve(session, story_id: int, actor: str) -> str:
    text = reviewing.one(session, story_id).text
    edited = _edited(text, request.form.get("edited"))
    reviewing.approve(session, story_id, actor, edited)
    return f"Story {story_id} approved" + (" with your edits." if edited is not None else ".")


def _headline(session, story_id: int, actor: str) -> str:
    """An empty field goes back to the default, the story's first words."""
    sent = request.form.get("headline", "")
    found = reviewing.set_headline(session, story_id, actor, sent if sent.strip() else None)
    said = f"Story {story_id}'s headline is now “{headlines.of(found)}”"
    said += " (the default, from its first words)." if found.headline is None else "."
    if found.status == StoryStatus.PUBLISHED:
        said += " Publish it again to change its post."
    return said


def _reject(session, story_id: int, actor: str) -> str:
    found = reviewing.reject(session, story_id, actor, request.form.get("reason", ""))
    return f"Story {story_id} rejected: {found.rejected_because}"


def _ask(session, story_id: int, actor: str) -> str:
    again = request.form.get("again") == "1"
    asked = permission.ask(session, story_id, actor, again)
    return (
        f"Asked the author of story {story_id} for: {', '.join(asked)}. The mail worker sends it."
    )


def _publish(session, story_id: int, actor: str) -> str:
    post = publishing.publish(session, story_id, content_folder(), actor)
    return f"Wrote {post.resolve()}: build the site to publish it."


def _unpublish(session, story_id: int, actor: str) -> str:
    removed = publishing.unpublish(session, story_id, content_folder(), actor)
    names = ", ".join(str(path.resolve()) for path in removed)
    return f"Removed {names}: build the site to take it down (story {story_id} stays approved)."


DOING = {
    "approve": _approve,
    "headline": _headline,
    "reject": _reject,
    "ask": _ask,
    "publish": _publish,
    "unpublish": _unpublish,
}


@needs(Role.EDITOR)
def story_action(story_id: int, action: str):
    if action not in DOING:
        abort(404, description=f"There is no action {action[:20]!r} for a story.")
    person = me()
    try:
        with db.writing() as session:
            done = DOING[action](session, story_id, person.actor)
    except ModerationError as error:
        page = _page(story_id, error, action, request.form)  # 404 for no such story
        with db.writing() as session:
            target = f"story {story_id}"
            audit.add(session, f"stories.{action}", target, person.actor, outcome="refused")
        return page, 400
    flash(done)
    return redirect(url_for("console.story", story_id=story_id))


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/stories", "stories", stories)
    bp.add_url_rule("/stories/<int:story_id>", "story", story)
    bp.add_url_rule("/stories/<int:story_id>/photo", "story_photo", story_photo)
    bp.add_url_rule(
        "/stories/<int:story_id>/<action>", "story_action", story_action, methods=["POST"]
    )
