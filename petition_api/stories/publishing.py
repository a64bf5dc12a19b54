"""A published story is Markdown: `flask stories publish ID --content DIR` writes
`DIR/stories/posts/<date>-supporter-story-<id>.md` beside its re-encoded photo, and the
next build shows it in the stories blog, its tags and its feed like any staff post.

Only a story approved by staff whose author consented to publication can reach
`content/`; anything else is refused before a byte is written. The post's front matter
records what allowed it: each consent's record and wording version, the state, the
petition it supports and the image. The post's title is the story's headline
(headlines.py); its byline names the author only with their consent ("Told by a
parent in Ohio" otherwise); their email, ZIP and district never. The build ends
the post with a button to sign the petition its front matter names.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import yaml
from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import audit
from ..models import Petition, Story, StoryConsent, StoryConsentKind, StoryStatus
from ..models.base import utcnow
from ..states import STATES
from . import headlines
from .intake import photo_folder
from .reviewing import ModerationError, consents_now, one

AUTHOR = "supporters"  # the blog author every published supporter story is under
# The campaign site's content folder, from the directory the app runs in: the default of
# `flask stories publish --content`, and where the console publishes.
CONTENT = "content"


def post_name(story: Story) -> str:
    day = (story.confirmed_at or story.created_at).date().isoformat()
    return f"{day}-supporter-story-{story.id}"


def posts_folder(content: Path) -> Path:
    return content / "stories" / "posts"


def publish(session: Session, story_id: int, content: Path, actor: str) -> Path:
    """Write the story's post (and photo) under `content`; the path of the post."""
    story = one(session, story_id)
    given = consents_now(session, story.id)
    if story.status not in (StoryStatus.APPROVED, StoryStatus.PUBLISHED):
        raise ModerationError(f"story {story_id} is {story.status}: approve it first")
    if not given[StoryConsentKind.PUBLISH]:
        raise ModerationError(
            f"story {story_id} has no consent to publish it: nothing written "
            "(flask stories ask asks its author)"
        )
    _check_author(content)
    folder = posts_folder(content)
    folder.mkdir(parents=True, exist_ok=True)
    name = post_name(story)
    image = None
    if story.photo:
        image = folder / f"{name}{Path(story.photo).suffix}"
        shutil.copyfile(photo_folder() / story.photo, image)
    post = folder / f"{name}.md"
    post.write_text(_markdown(session, story, given, image), encoding="utf-8")
    story.status, story.decided_at = StoryStatus.PUBLISHED, utcnow()
    audit.add(session, "stories.publish", f"story {story.id}", actor)
    return post


def unpublish(session: Session, story_id: int, content: Path, actor: str) -> list[Path]:
    """Remove the post and its photo; the story goes back to approved."""
    story = one(session, story_id)
    removed = _remove(content, post_name(story))
    if not removed:
        raise ModerationError(
            f"no post of story {story_id} in {posts_folder(content)}: nothing removed "
            "(is --content the site's content folder?)"
        )
    if story.status == StoryStatus.PUBLISHED:
        story.status = StoryStatus.APPROVED
    audit.add(session, "stories.unpublish", f"story {story.id}", actor)
    return removed


def sync(session: Session, content: Path, actor: str) -> dict[str, list[str]]:
    """Make the posts under `content` what the stories allow now: a post whose story is
    gone (its author was forgotten) or whose author withdrew publication is removed; one
    whose author withdrew or gave the name consent is written again. Idempotent: run it
    before every build."""
    done: dict[str, list[str]] = {"removed": [], "rewritten": []}
    folder = posts_folder(content)
    published = {
        post_name(story): story
        for story in session.scalars(select(Story).where(Story.status == StoryStatus.PUBLISHED))
    }
    for post in sorted(folder.glob("*-supporter-story-*.md")):
        story = published.get(post.stem)
        given = consents_now(session, story.id) if story else None
        if story is None or not given[StoryConsentKind.PUBLISH]:
            _remove(content, post.stem)
            done["removed"].append(post.stem)
            if story is not None:
                story.status = StoryStatus.APPROVED
            continue
        image = next((p for p in folder.glob(f"{post.stem}.*") if p.suffix != ".md"), None)
        text = _markdown(session, story, given, image)
        if post.read_text(encoding="utf-8") != text:
            post.write_text(text, encoding="utf-8")
            done["rewritten"].append(post.stem)
    if done["removed"] or done["rewritten"]:
        audit.add(session, "stories.sync", None, actor, {k: len(v) for k, v in done.items()})
    return done


def _remove(content: Path, stem: str) -> list[Path]:
    removed = [p for p in posts_folder(content).glob(f"{stem}.*") if p.is_file()]
    for path in removed:
        path.unlink()
    return removed


def _check_author(content: Path) -> None:
    authors = content / "stories" / ".authors.yml"
    known = {}
    if authors.is_file():
        known = (yaml.safe_load(authors.read_text(encoding="utf-8")) or {}).get("authors") or {}
    if AUTHOR not in known:
        raise ModerationError(
            f"{authors}: add an author {AUTHOR!r} (the name supporters' stories appear under; "
            'the manual, docs/pages/writing.md, "A story"): nothing written'
        )


def _markdown(session: Session, story: Story, given: dict, image: Path | None) -> str:
    """The post: `image` is the photo's copy beside it."""
    teller = who_told(story, given)
    slug = session.scalar(select(Petition.slug).where(Petition.id == story.petition_id))
    latest = {
        str(kind): {"record": record, "wording": wording}
        for kind, record, wording in session.execute(
            select(StoryConsent.kind, StoryConsent.id, StoryConsent.wording_id)
            .where(StoryConsent.story_id == story.id)
            .order_by(StoryConsent.id)
        ).all()
    }  # the last line of each kind wins: the consent as it stands
    headline = headlines.of(story)
    front = {
        # Plain text (no < or >, headlines.checked): the theme writes it into <title>.
        "title": headline,
        "date": (story.confirmed_at or story.created_at).date(),
        "authors": [AUTHOR],
        "slug": f"supporter-story-{story.id}",  # two stories from one state never collide
        "description": html.escape(f"A story from {teller}.", quote=True),
        # A tag, not a category: a campaign may allow only its own categories.
        "tags": ["supporter stories"],
        "supporter_story": {
            "record": story.id,
            "consents": {k: latest[k] for k in sorted(latest) if given[StoryConsentKind(k)]},
            "state": story.state,
            # As the byline says it: the first name only with the name consent. The
            # share graphic (campaign_site/sharetext.py) checks the consent again.
            "teller": teller,
            "petition": slug,  # the build ends the post with a button to sign it
            "image": image.name if image else None,
        },
    }
    # The name passed the story form's check (letters, spaces, ' - .), and is escaped
    # all the same: it reaches the byline, an image's alt text and a meta description.
    body = [
        headlines.markdown_heading(headline),
        "",
        f'<p class="gs-story-by">Told by {html.escape(teller, quote=True)}</p>',
        "",
    ]
    if image:
        body += [_image(teller, image), ""]
    paragraphs = [p for p in (story.edited or story.text).split("\n\n") if p.strip()]
    body.append(_text(paragraphs[0]))
    body += ["", "<!-- more -->", ""]
    body += [f"{_text(p)}\n" for p in paragraphs[1:]]
    return f"---\n{yaml.safe_dump(front, sort_keys=False, allow_unicode=True)}---\n\n" + "\n".join(
        body
    )


def _image(teller: str, image: Path) -> str:
    """The photo as a Markdown image of the file beside the post: MkDocs writes its
    address for each page that shows it (the post's own page, the stories list, an
    archive), and its width and height keep the text from jumping while it loads
    (campaign.css sizes it)."""
    with Image.open(image) as picture:
        width, height = picture.size
    alt = headlines.MARKDOWN_MARKS.sub(r"\\\1", html.escape(f"A photo shared by {teller}"))
    return f'![{alt}]({image.name}){{ .gs-story-photo width="{width}" height="{height}" }}'


def who_told(story: Story, given: dict) -> str:
    """ "Rosa in New York" with the name consent, "a parent in New York" without."""
    place = STATES.get(story.state, story.state)
    return (
        f"{story.first_name} in {place}" if given[StoryConsentKind.NAME] else f"a parent in {place}"
    )


def _text(paragraph: str) -> str:
    """A supporter's words as words: an HTML paragraph, every character escaped, which
    Markdown passes through untouched (no link, attribute list, admonition or heading
    can come of it), line breaks kept."""
    lines = [html.escape(line.strip(), quote=True) for line in paragraph.strip().splitlines()]
    return "<p>" + "<br>\n".join(line for line in lines if line) + "</p>"
