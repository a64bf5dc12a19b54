"""An editor moderates supporters' stories at the console (/admin/stories): reads one,
sees its photo and consents, approves it (edited or not), rejects it with a reason, asks
its author for permission and publishes it, through the functions `flask stories` uses;
each decision is audited under their name, and a refusal says which field is wrong."""

from __future__ import annotations

import html
import io

from sqlalchemy import select

from petition_api.models import AuditEntry

from ..conftest import database
from .console_support import console_client, csrf, post
from .support import mailbox, send_mail
from .test_staff_moderate_stories import offered_and_confirmed
from .test_staff_publish_a_story import a_content_folder
from .test_supporter_offers_a_story import STORY, jpeg_with_gps, stories


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def decisions(app) -> list[tuple[str, str, str, str]]:
    with database(app) as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("stories.%")).order_by(AuditEntry.id)
        ).all()
        return [(e.action, e.target, e.actor, e.outcome) for e in entries]


def test_an_editor_approves_an_edited_story_and_publishes_it(
    app, client, runner, tmp_path, monkeypatch
):
    content = a_content_folder(tmp_path)
    monkeypatch.chdir(tmp_path)  # the app's content folder, as `flask stories publish` finds it
    story_id = offered_and_confirmed(client, runner, app)
    editor = console_client(app, "editor")
    queue = text_of(editor.get("/admin/stories"))
    assert "Waiting for a decision (1)" in queue and f"Story {story_id}" in queue
    assert "Maria" in queue and "paid-family-leave" in queue
    page = f"/admin/stories/{story_id}"

    edited = "When my daughter was born early, WIC kept us fed.\r\n\r\nThank you."
    approved = post(editor, f"{page}/approve", {"edited": edited}, token_from=page)
    assert approved.status_code == 302 and approved.location.endswith(page)
    assert f"Story {story_id} approved with your edits." in text_of(editor.get(page))
    [story] = stories(app)
    assert (story.status, story.edited) == ("approved", edited.replace("\r\n", "\n"))

    published = post(editor, f"{page}/publish", token_from=page)
    assert published.status_code == 302
    [written] = (content / "stories" / "posts").glob(f"*-supporter-story-{story_id}.md")
    assert "<p>Thank you.</p>" in written.read_text(encoding="utf-8")
    assert f"Wrote {written.resolve()}" in text_of(editor.get(page))
    assert stories(app)[0].status == "published"

    gone = post(editor, f"{page}/unpublish", token_from=page)
    assert gone.status_code == 302 and not written.exists()
    assert stories(app)[0].status == "approved"
    actor = next(a for _, _, a, _ in decisions(app))
    assert actor.startswith("staff:") and actor.endswith(":editor@example.org")
    assert decisions(app) == [
        (f"stories.{action}", f"story {story_id}", actor, "ok")
        for action in ("approve", "publish", "unpublish")
    ]


def test_a_rejection_without_a_reason_is_refused_and_changes_nothing(app, client, runner):
    story_id = offered_and_confirmed(client, runner, app)
    editor = console_client(app, "editor")
    page = f"/admin/stories/{story_id}"
    refused = post(editor, f"{page}/reject", {"reason": "   "}, token_from=page)
    assert refused.status_code == 400
    shown = text_of(refused)
    assert "Nothing was changed. Reason for rejecting: Say why: the reason is kept" in shown
    assert 'aria-invalid="true"' in shown and "--reason" not in shown
    [story] = stories(app)
    assert (story.status, story.rejected_because, story.decided_at) == ("submitted", None, None)

    rejected = post(editor, f"{page}/reject", {"reason": "Not a story"}, token_from=page)
    assert rejected.status_code == 302
    assert (stories(app)[0].status, stories(app)[0].rejected_because) == ("rejected", "Not a story")
    assert [(action, outcome) for action, _, _, outcome in decisions(app)] == [
        ("stories.reject", "refused"), ("stories.reject", "ok"),
    ]  # fmt: skip
    assert editor.get("/admin/stories/999999").status_code == 404
    assert post(editor, "/admin/stories/999999/reject", {"reason": "x"}, page).status_code == 404


def test_a_decision_posted_without_the_consoles_security_token_changes_nothing(app, client, runner):
    story_id = offered_and_confirmed(client, runner, app)
    editor = console_client(app, "editor")
    csrf(editor, f"/admin/stories/{story_id}")  # a session with a token, which is not sent
    for data in ({}, {"csrf_token": "forged"}):
        answer = editor.post(f"/admin/stories/{story_id}/approve", data=data)
        assert answer.status_code == 400 and "nothing was changed" in text_of(answer)
    assert stories(app)[0].status == "submitted" and decisions(app) == []


def test_an_editor_sees_the_photo_sent_with_a_story(app, client, runner):
    data = {k: ("y" if v is True else "" if v is False else v) for k, v in STORY.items()}
    data["photo"] = (io.BytesIO(jpeg_with_gps()), "IMG_0042.jpg", "image/jpeg")
    client.post("/api/stories", data=data, content_type="multipart/form-data")
    send_mail(runner)
    link = next(w for m in mailbox(app) for w in m.get_body(("plain",)).get_content().split()
                if "/confirm-story/" in w)  # fmt: skip
    client.post(link.split("8000", 1)[1])
    [story] = stories(app)
    without = offered_and_confirmed(client, runner, app, email="jo@example.org")
    editor = console_client(app, "editor")

    assert "photo" in text_of(editor.get("/admin/stories?status=submitted"))
    page = text_of(editor.get(f"/admin/stories/{story.id}"))
    assert f'src="/admin/stories/{story.id}/photo"' in page
    with editor.get(f"/admin/stories/{story.id}/photo") as photo:
        assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
        assert photo.headers["Cache-Control"] == "no-store"
        assert photo.data[:2] == b"\xff\xd8" and b"PhoneMaker" not in photo.data  # kept copy
    assert editor.get(f"/admin/stories/{without}/photo").status_code == 404
    assert client.get(f"/admin/stories/{story.id}/photo").status_code == 302  # not signed in


def test_a_story_page_shows_the_words_sent_as_text_and_asks_its_author(app, client, runner):
    words = 'My <script>alert("WIC")</script> story & <b>more</b>.'
    story_id = offered_and_confirmed(client, runner, app, story=words)
    editor = console_client(app, "editor")
    page = f"/admin/stories/{story_id}"
    raw = editor.get(page).get_data(as_text=True)
    assert "<script>alert" not in raw and "&lt;script&gt;alert(" in raw
    assert "<b>more</b>" not in raw and words in html.unescape(raw)
    assert "You may show my first name" in html.unescape(raw)  # the words shown, recorded
    assert "Ask permission" in raw

    asked = post(editor, f"{page}/ask", token_from=page)
    assert asked.status_code == 302
    shown = text_of(editor.get(page))
    assert f"Asked the author of story {story_id} for: name." in shown and "Ask again" in shown
    twice = post(editor, f"{page}/ask", token_from=page)  # without "again"
    assert twice.status_code == 400 and "a request is open until" in text_of(twice)
    again = post(editor, f"{page}/ask", {"again": "1"}, token_from=page)
    assert again.status_code == 302
    assert [a for a, _, _, _ in decisions(app)] == ["stories.ask", "stories.ask", "stories.ask"]
