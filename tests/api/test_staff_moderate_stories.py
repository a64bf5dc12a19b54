"""Staff read the stories supporters confirmed, approve them (edited or not) or reject
them with a reason; every decision is in the audit log, which names nobody."""

from __future__ import annotations

import html
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


def test_staff_ask_permission_and_the_supporter_answers_through_a_real_smtp_exchange(
    smtp_app, smtp_server
):
    _, inbox = smtp_server
    client, runner = smtp_app.test_client(), smtp_app.test_cli_runner()
    client.post("/api/stories", json={**STORY, "consent_publish": False})
    send_mail(runner)
    [confirm] = inbox.messages
    link = next(
        w for w in confirm.get_body(("plain",)).get_content().split() if "/confirm-story/" in w
    )
    client.post(link.split("8000", 1)[1])
    story_id = stories(smtp_app)[0].id

    asked = runner.invoke(args=["stories", "ask", str(story_id)])
    assert asked.exit_code == 0 and "asked for publish, name" in asked.output
    twice = runner.invoke(args=["stories", "ask", str(story_id)])
    assert twice.exit_code != 0 and "a request is open until" in twice.output
    send_mail(runner)
    ask = inbox.messages[-1]
    assert ask["Subject"] == "May we share your story?" and ask["To"] == STORY["email"]
    link = next(
        w for w in ask.get_body(("plain",)).get_content().split() if "/story-permission/" in w
    )
    path = link.split("8000", 1)[1]
    page = html.unescape(client.get(path).get_data(as_text=True))
    assert "You may publish my story on this campaign's website." in page  # the words shown
    answers = {"consent_publish": "yes", "consent_name": "no", "consent_congress": "yes",
               "consent_contact": "no"}  # fmt: skip
    saved = client.post(path, data=answers)
    assert saved.status_code == 200
    shown = json.loads(runner.invoke(args=["stories", "show", str(story_id)]).output)
    assert [(c["kind"], c["given"], c["source"]) for c in shown["consents"]][-2:] == [
        ("publish", True, "permission"), ("contact", False, "permission"),
    ]  # fmt: skip
    done = runner.invoke(args=["stories", "ask", str(story_id), "--again"])
    assert done.exit_code != 0 and "did not allow us to contact them" in done.output
    with database(smtp_app) as session:
        [entry, *_] = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "stories.ask")
        ).all()
    assert entry.target == f"story {story_id}" and entry.filters == {"asked": ["publish", "name"]}


def test_a_comment_becomes_a_story_candidate_only_when_its_signer_allowed_it(app, client, runner):
    from .support import SIGN_URL, supporter
    from .supporters_support import confirm_everyone

    client.post(SIGN_URL, json=supporter(email="shares@example.org", comment="WIC fed my twins.",
                                         comment_shareable=True))  # fmt: skip
    client.post(SIGN_URL, json=supporter(email="keeps@example.org", comment="Private words.",
                                         comment_shareable=False))  # fmt: skip
    client.post(SIGN_URL, json=supporter(email="pending@example.org", comment="Not confirmed.",
                                         comment_shareable=True))  # fmt: skip
    confirm_everyone(client, runner, lambda: [m for m in mailbox(app)
                                              if m["To"] != "pending@example.org"])  # fmt: skip
    made = runner.invoke(args=["stories", "from-comments"])
    assert "story candidates made from comments: 1" in made.output
    [candidate] = stories(app)
    assert (candidate.source, candidate.text, candidate.email) == (
        "comment", "WIC fed my twins.", "shares@example.org",
    )  # fmt: skip
    assert "\tpnck\t" in runner.invoke(args=["stories", "list"]).output  # no consent yet
    again = runner.invoke(args=["stories", "from-comments"])
    assert "from comments: 0" in again.output  # once each
