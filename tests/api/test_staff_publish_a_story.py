"""Staff publish an approved story as a post of the campaign's stories blog, only with
its author's consent; the next build shows it with the blog's own stories."""

from __future__ import annotations

import io
import posixpath
import re

import yaml
from sqlalchemy import select

from ..site.support import copy_sample, run_build
from .test_staff_moderate_stories import offered_and_confirmed
from .test_supporter_offers_a_story import STORY, jpeg_with_gps, stories


def a_content_folder(tmp_path):
    """A copy of the sample campaign, as staff keep it in their repository."""
    copy_sample(tmp_path)
    return tmp_path / "content"


def photos_resolve(site, page: str, photo: str) -> list[str]:
    """`page` if each of its images of `photo` leads to the file, from the page's address."""
    html = (site / page).read_text(encoding="utf-8")
    sources = re.findall(r'<img[^>]* src="([^"]*' + re.escape(photo) + ')"', html)
    folder = posixpath.dirname("/" + page)
    found = [(site / posixpath.normpath(posixpath.join(folder, src)).lstrip("/")).is_file()
             for src in sources]  # fmt: skip
    return [page] if sources and all(found) else []


def test_a_story_without_consent_to_publish_never_reaches_the_content(
    app, client, runner, tmp_path
):
    content = a_content_folder(tmp_path)
    before = sorted(p.name for p in (content / "stories" / "posts").iterdir())
    story_id = offered_and_confirmed(client, runner, app, consent_publish=False)
    assert runner.invoke(args=["stories", "approve", str(story_id)]).exit_code == 0
    refused = runner.invoke(args=["stories", "publish", str(story_id), "--content", str(content)])
    assert (
        refused.exit_code != 0 and "has no consent to publish it: nothing written" in refused.output
    )
    assert sorted(p.name for p in (content / "stories" / "posts").iterdir()) == before
    assert stories(app)[0].status == "approved"


def test_a_story_not_yet_approved_is_not_published(app, client, runner, tmp_path):
    content = a_content_folder(tmp_path)
    story_id = offered_and_confirmed(client, runner, app)
    refused = runner.invoke(args=["stories", "publish", str(story_id), "--content", str(content)])
    assert refused.exit_code != 0 and "approve it first" in refused.output


def test_a_published_story_is_a_post_with_its_consents_and_photo_and_the_build_shows_it(
    app, client, runner, tmp_path
):
    content = a_content_folder(tmp_path)
    data = {k: ("y" if v is True else "" if v is False else v) for k, v in STORY.items()}
    data["story"] = (
        "# Not a heading\n\nWhen my daughter was born early, <b>WIC</b> kept us going.\n"
        '{: onmouseover="alert(1)" }\n\n[click](javascript:alert(1)) !!! danger "Notice"'
    )
    data["photo"] = (io.BytesIO(jpeg_with_gps()), "IMG_0042.jpg", "image/jpeg")
    client.post("/api/stories", data=data, content_type="multipart/form-data")
    story_id = stories(app)[0].id
    from .support import mailbox, send_mail

    send_mail(runner)
    link = next(w for m in mailbox(app) for w in m.get_body(("plain",)).get_content().split()
                if "/confirm-story/" in w)  # fmt: skip
    client.post(link.split("8000", 1)[1])
    runner.invoke(args=["stories", "approve", str(story_id)])
    done = runner.invoke(args=["stories", "publish", str(story_id), "--content", str(content)])
    assert done.exit_code == 0, done.output
    [post] = (content / "stories" / "posts").glob(f"*-supporter-story-{story_id}.md")
    [photo] = (content / "stories" / "posts").glob(f"*-supporter-story-{story_id}.jpg")
    text = post.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n")[1])
    told = front["supporter_story"]
    assert (told["record"], told["state"], told["petition"]) == (
        story_id,
        "NY",
        "paid-family-leave",
    )
    assert set(told["consents"]) == {"publish", "congress", "contact"}  # not the name
    assert all({"record", "wording"} <= set(c) for c in told["consents"].values())
    assert told["image"] == photo.name
    assert told["teller"] == "a parent in New York"  # what the share graphic names
    # The headline is the story's first words (its first line is its first paragraph).
    assert front["title"] == "# Not a heading"
    assert "Told by a parent in New York" in text and "Maria" not in text
    assert "&lt;b&gt;WIC&lt;/b&gt;" in text and "<p># Not a heading</p>" in text
    assert '{ .gs-story-photo width="2000" height="1000" }' in text  # no jump while loading
    assert STORY["email"] not in text and "10118" not in text

    build = run_build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert build.returncode == 0, build.output
    showing = sorted(
        str(p.relative_to(tmp_path / "site"))
        for p in (tmp_path / "site").rglob("*.html")
        if "Told by a parent in New York" in p.read_text(encoding="utf-8")
    )
    assert any("supporter-story" in p for p in showing), showing  # its own page
    assert "stories/index.html" in showing, showing  # the blog's list
    tags = (tmp_path / "site" / "stories" / "tags" / "index.html").read_text(encoding="utf-8")
    assert "# Not a heading" in tags  # the tag's list names it by its headline
    feed = (tmp_path / "site" / "feed.xml").read_text(encoding="utf-8")
    assert "<title># Not a heading</title>" in feed  # and so does the feed
    for shown in showing:  # the photo loads wherever the story shows, from its own address
        assert photos_resolve(tmp_path / "site", shown, photo.name) == [shown], shown
    [page] = [p for p in (tmp_path / "site" / "stories").rglob("index.html")
              if f"supporter-story-{story_id}" in str(p)]  # fmt: skip
    built = page.read_text(encoding="utf-8")
    assert "onmouseover" not in built.replace("onmouseover=&quot;", "")  # words, not markup
    assert 'href="javascript:' not in built and "admonition danger" not in built
    assert "&lt;b&gt;WIC&lt;/b&gt;" in built

    gone = runner.invoke(args=["stories", "unpublish", str(story_id), "--content", str(content)])
    assert gone.exit_code == 0 and not post.exists() and not photo.exists()
    assert stories(app)[0].status == "approved"


def test_a_published_story_comes_down_when_its_author_withdraws_or_is_forgotten(
    app, client, runner, tmp_path
):
    content = a_content_folder(tmp_path)
    first = offered_and_confirmed(client, runner, app, consent_name=True)
    second = offered_and_confirmed(client, runner, app, email="jo@example.org", first_name="Jo")
    for story_id in (first, second):
        runner.invoke(args=["stories", "approve", str(story_id)])
        assert runner.invoke(args=["stories", "publish", str(story_id),
                                   "--content", str(content)]).exit_code == 0  # fmt: skip
    posts = content / "stories" / "posts"
    [maria] = posts.glob(f"*-supporter-story-{first}.md")
    assert "Told by Maria in New York" in maria.read_text(encoding="utf-8")

    # Maria withdraws the name (the permission page), Jo is forgotten.
    from petition_api.models import StoryConsent, StoryConsentKind

    from ..conftest import database

    with database(app) as session:
        wording = session.scalars(select(StoryConsent.wording_id)).first()
        session.add(StoryConsent(story_id=first, kind=StoryConsentKind.NAME, given=False,
                                 wording_id=wording, source="permission"))  # fmt: skip
    runner.invoke(args=["supporters", "forget", "jo@example.org", "--yes"])
    synced = runner.invoke(args=["stories", "sync", "--content", str(content)])
    assert synced.exit_code == 0 and "1 removed, 1 rewritten" in synced.output
    assert "Told by a parent in New York" in maria.read_text(encoding="utf-8")
    assert "Maria" not in maria.read_text(encoding="utf-8")
    assert list(posts.glob(f"*-supporter-story-{second}.*")) == []
    again = runner.invoke(args=["stories", "sync", "--content", str(content)])
    assert "0 removed, 0 rewritten" in again.output  # idempotent

    nothing = runner.invoke(args=["stories", "unpublish", str(first), "--content", str(tmp_path)])
    assert nothing.exit_code != 0 and "nothing removed" in nothing.output
