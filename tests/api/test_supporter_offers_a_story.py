"""A supporter offers a story: the form's fields and consents, a photo made safe, a clear
error for each mistake, and a confirmation by email before staff ever see it."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from petition_api.models import ConsentWording, Outbox, Story, StoryConsent, StoryStatus

from ..conftest import database
from .support import mailbox, send_mail

STORY = {
    "first_name": "Maria",
    "email": "maria.hernandez@example.org",
    "state": "NY",
    "zip": "10118",
    "story": "When my daughter was born early, WIC kept us going.\nThank you for listening.",
    "consent_publish": True,
    "consent_name": False,
    "consent_congress": True,
    "consent_contact": True,
    "petition": "paid-family-leave",
}


def stories(app) -> list[Story]:
    with database(app) as session:
        return list(session.scalars(select(Story).order_by(Story.id)))


def consents(app, story: Story) -> dict[str, tuple[bool, str]]:
    with database(app) as session:
        rows = session.execute(
            select(StoryConsent.kind, StoryConsent.given, ConsentWording.text)
            .join(ConsentWording, ConsentWording.id == StoryConsent.wording_id)
            .where(StoryConsent.story_id == story.id)
        ).all()
    return {str(kind): (given, text) for kind, given, text in rows}


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[2] = (40.0, 44.0, 54.0)  # GPSLatitude
    out = io.BytesIO()
    Image.new("RGB", (3000, 1500), "green").save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_a_supporter_offers_a_story_and_confirms_it_by_email(app, client, runner):
    answer = client.post("/api/stories", json=STORY)
    assert answer.status_code == 201 and answer.get_json() == {"status": "pending"}
    [story] = stories(app)
    assert story.status == StoryStatus.PENDING and story.petition_id is not None
    assert story.district == "NY-12" or story.district is None  # resolved when it can be
    given = consents(app, story)
    assert {kind: g for kind, (g, _) in given.items()} == {
        "publish": True, "name": False, "congress": True, "contact": True,
    }  # fmt: skip
    assert given["name"][1].startswith("You may show my first name")  # the words shown

    send_mail(runner)
    [message] = [m for m in mailbox(app) if m["Subject"] == "Please confirm your story"]
    assert message["To"] == STORY["email"]
    body = message.get_body(("plain",)).get_content()
    link = next(w for w in body.split() if "/confirm-story/" in w).split("8000", 1)[1]
    page = client.get(link)
    assert page.status_code == 200 and "WIC kept us going" in page.get_data(as_text=True)
    assert "Show your first name with it: no" in page.get_data(as_text=True)
    assert stories(app)[0].status == StoryStatus.PENDING  # opening the link changes nothing
    confirmed = client.post(link)
    assert confirmed.status_code == 200
    assert stories(app)[0].status == StoryStatus.SUBMITTED
    assert client.post(link).status_code == 404  # the link has done its work


def test_a_story_from_the_form_with_a_photo_keeps_only_its_pixels(app, client, tmp_path):
    data = {k: ("y" if v is True else "" if v is False else v) for k, v in STORY.items()}
    data["photo"] = (io.BytesIO(jpeg_with_gps()), "IMG_0042.jpg", "image/jpeg")
    answer = client.post("/api/stories", data=data, content_type="multipart/form-data")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/stories/tell/thanks/")
    [story] = stories(app)
    kept = app.config.get("STORY_PHOTO_DIR") or f"{app.instance_path}/story-photos"
    with Image.open(f"{kept}/{story.photo}") as photo:
        assert photo.size == (2000, 1000)
        assert not photo.getexif() and "exif" not in photo.info
    assert "IMG_0042" not in story.photo  # never the name the phone gave it


def test_mistakes_are_named_field_by_field_and_nothing_is_kept(app, client):
    wrong = {**STORY, "email": "maria@", "zip": "90210", "story": "", "petition": "nope",
             "consent_publish": "maybe"}  # fmt: skip
    answer = client.post("/api/stories", json=wrong)
    assert answer.status_code == 422
    errors = answer.get_json()["errors"]
    assert set(errors) >= {"email", "zip", "story", "petition", "consent_publish"}
    assert "ZIP code 90210 is not in New York" in errors["zip"][0]
    markup = client.post("/api/stories", json={**STORY, "first_name": "<img src=x onerror=1>"})
    assert "letters, spaces, apostrophes, hyphens" in markup.get_json()["errors"]["first_name"][0]
    assert stories(app) == []
    too_long = client.post("/api/stories", json={**STORY, "story": "x" * 5001})
    assert "at most 5,000 characters" in too_long.get_json()["errors"]["story"][0]


def test_a_broken_photo_gets_a_clear_error_on_a_page_that_keeps_the_words(app, client):
    data = {k: ("y" if v is True else "" if v is False else v) for k, v in STORY.items()}
    data["photo"] = (io.BytesIO(b"GIF89a not really"), "cat.gif", "image/gif")
    answer = client.post("/api/stories", data=data, content_type="multipart/form-data")
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert "Photo:" in page and "JPEG, PNG or WebP" in page
    assert "WIC kept us going" in page  # the story is kept for the second try
    assert stories(app) == []


def test_a_bot_that_fills_the_honeypot_gets_the_same_answer_and_no_email(app, client, runner):
    answer = client.post("/api/stories", json={**STORY, "website": "http://spam.example"})
    assert answer.status_code == 201
    [story] = stories(app)
    assert story.status == StoryStatus.SET_ASIDE and story.fraud_reason == "honeypot"
    send_mail(runner)
    with database(app) as session:
        assert session.scalars(select(Outbox).where(Outbox.kind == "story_confirm")).all() == []


def test_an_unconfirmed_story_and_its_photo_are_gone_after_30_days(app, client, runner):
    data = {k: ("y" if v is True else "" if v is False else v) for k, v in STORY.items()}
    data["photo"] = (io.BytesIO(jpeg_with_gps()), "IMG_0042.jpg", "image/jpeg")
    client.post("/api/stories", data=data, content_type="multipart/form-data")
    [story] = stories(app)
    kept = app.config.get("STORY_PHOTO_DIR") or f"{app.instance_path}/story-photos"
    photo = Path(kept, story.photo)
    assert photo.exists()
    when = (story.created_at + timedelta(days=31)).strftime("%Y-%m-%dT%H:%M:%S")
    result = runner.invoke(args=["retention", "run", "--now", when])
    assert "1 unconfirmed stories deleted" in result.output
    assert stories(app) == [] and not photo.exists()
    with database(app) as session:
        assert session.scalars(select(StoryConsent)).all() == []
        assert session.scalars(select(Outbox).where(Outbox.kind == "story_confirm")).all() == []


def test_a_supporter_who_is_forgotten_takes_their_stories_with_them(app, client, runner):
    client.post("/api/stories", json=STORY)
    shown = json.loads(runner.invoke(args=["supporters", "show", STORY["email"]]).output)
    assert shown["stories"][0]["text"].startswith("When my daughter was born early")
    forgot = runner.invoke(args=["supporters", "forget", STORY["email"], "--yes"])
    assert "1 stories deleted" in forgot.output
    assert stories(app) == []


def test_the_privacy_notice_promises_what_stories_do():
    from .test_data_is_kept_only_as_promised import PRIVACY

    keeping = " ".join(PRIVACY.split("## How long we keep it", 1)[1].split("##", 1)[0].split())
    assert "Stories you did not confirm, and their photos: deleted 30 days after you sent them" in (
        keeping
    )
    offered = " ".join(PRIVACY.split("## When you offer a story", 1)[1].split("## ", 1)[0].split())
    assert "Staff read a story only after you confirm it by email" in offered
    assert "Your email, ZIP code and district are never published" in offered


def test_a_story_from_an_ad_with_a_long_source_tag_is_kept_with_the_tag_cut(app, client):
    """The page's script copies the ad's tags; one longer than the stories' column is cut
    to fit, as a signature's are, and never costs the supporter her story."""
    answer = client.post("/api/stories", json={**STORY, "utm_source": "s" * 150})
    assert answer.status_code == 201, answer.get_json()
    [story] = stories(app)
    assert story.utm_source == "s" * Story.__table__.c.utm_source.type.length
