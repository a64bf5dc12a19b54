"""Staff read the stories supporters confirmed, approve them (edited or not) or reject
them with a reason; every decision is in the audit log, which names nobody."""

from __future__ import annotations

import json

from sqlalchemy import select

from petition_api.models import AuditEntry

from ..conftest import database
from .support import mailbox, send_mail
from .test_supporter_offers_a_story import STORY, stories


def offered_and_confirmed(client, runner, app, **changes) -> int:
    story = {**STORY, **changes}
    client.post("/api/stories", json=story)
    send_mail(runner)
    for message in mailbox(app):
        if message["To"] != story["email"]:
            continue
        body = message.get_body(("plain",)).get_content()
        for word in body.split():
            if "/confirm-story/" in word:
                client.post(word.split("8000", 1)[1])
    return stories(app)[-1].id


def test_staff_see_only_confirmed_stories_with_their_consents(app, client, runner):
    client.post("/api/stories", json={**STORY, "email": "never@example.org"})  # unconfirmed
    story_id = offered_and_confirmed(client, runner, app)
    listed = runner.invoke(args=["stories", "list"]).output.splitlines()
    assert len(listed) == 1 and listed[0].startswith(f"{story_id}\tsubmitted\t")
    assert "\tPnCK\tpaid-family-leave\tWhen my daughter was born early" in listed[0]
    shown = json.loads(runner.invoke(args=["stories", "show", str(story_id)]).output)
    assert shown["email"] == STORY["email"]
    assert {c["kind"]: c["given"] for c in shown["consents"]}["name"] is False
    assert all(c["wording"].startswith("You may") for c in shown["consents"])


def test_staff_approve_a_story_with_their_edits_and_reject_another_with_a_reason(
    app, client, runner, tmp_path
):
    first = offered_and_confirmed(client, runner, app)
    second = offered_and_confirmed(client, runner, app, email="jo@example.org")
    edited = tmp_path / "edited.txt"
    edited.write_text("When my daughter was born early, WIC kept us fed.", encoding="utf-8")
    approved = runner.invoke(args=["stories", "approve", str(first), "--edited", str(edited)])
    assert approved.exit_code == 0 and "approved with your edits" in approved.output
    no_reason = runner.invoke(args=["stories", "reject", str(second), "--reason", "  "])
    assert no_reason.exit_code != 0 and "say why" in no_reason.output
    rejected = runner.invoke(args=["stories", "reject", str(second), "--reason", "Not a story"])
    assert rejected.exit_code == 0
    kept = {s.id: s for s in stories(app)}
    assert kept[first].edited.endswith("WIC kept us fed.") and kept[first].text.endswith(
        "listening."
    )
    assert (kept[second].status, kept[second].rejected_because) == ("rejected", "Not a story")
    assert runner.invoke(args=["stories", "list", "--status", "approved"]).output.startswith(
        f"{first}\t"
    )
    with database(app) as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("stories.%")).order_by(AuditEntry.id)
        ).all()
    assert [(e.action, e.target) for e in entries] == [
        ("stories.approve", f"story {first}"), ("stories.reject", f"story {second}"),
    ]  # fmt: skip
    assert "maria" not in json.dumps([e.filters for e in entries]).lower()


def test_an_unconfirmed_story_cannot_be_approved(app, client, runner):
    client.post("/api/stories", json=STORY)
    story_id = stories(app)[0].id
    result = runner.invoke(args=["stories", "approve", str(story_id)])
    assert result.exit_code != 0 and f"no confirmed story {story_id}" in result.output
