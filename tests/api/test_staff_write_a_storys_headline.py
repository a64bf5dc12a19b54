"""Staff give a story the headline its post goes out under: at the console or with
`flask stories headline`, audited like every decision. Until they do, it is the story's
own first words, never "Rosa in Ohio"; the next sync (or publish) carries a new one to
the published post, where it shows exactly as typed."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from petition_api.models import AuditEntry, Story
from petition_api.stories import headlines

from ..conftest import database
from ..site.support import run_build
from .console_support import console_client, post
from .test_editor_moderates_stories_at_the_console import text_of
from .test_staff_moderate_stories import offered_and_confirmed
from .test_staff_publish_a_story import a_content_folder
from .test_supporter_offers_a_story import stories

LONG_STORY = (
    "I went back to work nine days after my son was born, because without a paycheck we "
    "could not pay the rent. I still think about those weeks."
)


def headline_audits(app) -> list[tuple[str, dict | None, str]]:
    with database(app) as session:
        rows = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "stories.headline")
            .order_by(AuditEntry.id)
        ).all()
        return [(e.target, e.filters, e.outcome) for e in rows]


def post_of(content, story_id: int) -> tuple[dict, str]:
    [post_file] = (content / "stories" / "posts").glob(f"*-supporter-story-{story_id}.md")
    text = post_file.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1]), text


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (LONG_STORY, "I went back to work nine days after my son was born, because without a…"),
        ("Paid leave kept my job.\n\nThe rest of it.", "Paid leave kept my job"),
        ("Hi. I'm Rosa. I work nights at a hospital.", "Hi. I'm Rosa. I work nights at a hospital"),
        ("My <b>WIC</b> card came <i>late</i>!", "My WIC card came late!"),
    ],
)
def test_a_storys_default_headline_is_its_first_sentence_cut_at_a_word(words, expected):
    made = headlines.default(words)
    assert made == expected
    assert len(made) <= headlines.DEFAULT_LENGTH + 1  # and the ellipsis


def test_staff_write_a_headline_from_the_command_line_and_go_back_to_the_default(
    app, client, runner
):
    story_id = offered_and_confirmed(client, runner, app, story=LONG_STORY)
    shown = runner.invoke(args=["stories", "headline", str(story_id)])
    assert shown.exit_code == 0
    assert shown.output.strip() == (
        "I went back to work nine days after my son was born, because without a… (the default)"
    )

    given = runner.invoke(args=["stories", "headline", str(story_id), "  Nine days  of leave "])
    assert given.exit_code == 0, given.output
    assert f"story {story_id}'s headline: Nine days of leave" in given.output
    assert stories(app)[0].headline == "Nine days of leave"  # one line, spaces tidied
    details = json.loads(runner.invoke(args=["stories", "show", str(story_id)]).output)
    assert (details["headline"], details["headline_is_default"]) == ("Nine days of leave", False)

    back = runner.invoke(args=["stories", "headline", str(story_id), "--default"])
    assert back.exit_code == 0 and stories(app)[0].headline is None
    both = runner.invoke(args=["stories", "headline", str(story_id), "x", "--default"])
    assert both.exit_code != 0 and "not both" in both.output
    target = f"story {story_id}"
    assert headline_audits(app) == [
        (target, {"default": False}, "ok"),
        (target, {"default": True}, "ok"),
    ]


def test_a_headline_with_markup_or_too_long_is_refused_and_changes_nothing(app, client, runner):
    story_id = offered_and_confirmed(client, runner, app)
    for wrong, said in [
        ("<script>alert(1)</script>", "a headline cannot hold < or >"),
        ("x" * 121, "the headline is 121 characters: at most 120"),
        ("   ", "the headline is empty"),
    ]:
        refused = runner.invoke(args=["stories", "headline", str(story_id), wrong])
        assert refused.exit_code != 0 and said in refused.output, refused.output
    assert stories(app)[0].headline is None and headline_audits(app) == []
    missing = runner.invoke(args=["stories", "headline", "999", "A headline"])
    assert missing.exit_code != 0 and "no confirmed story 999" in missing.output


def test_the_database_never_keeps_an_empty_headline(app, client, runner):
    story_id = offered_and_confirmed(client, runner, app)
    with pytest.raises(IntegrityError), database(app) as session:
        session.get(Story, story_id).headline = ""


def test_a_published_storys_headline_reaches_its_post_at_the_next_sync_exactly_as_typed(
    app, client, runner, tmp_path
):
    content = a_content_folder(tmp_path)
    story_id = offered_and_confirmed(client, runner, app, story=LONG_STORY, consent_name=True)
    runner.invoke(args=["stories", "approve", str(story_id)])
    runner.invoke(args=["stories", "publish", str(story_id), "--content", str(content)])
    front, text = post_of(content, story_id)
    assert front["title"] == headlines.default(LONG_STORY)
    assert "Told by Maria in New York" in text and "# Maria in New York" not in text

    typed = 'Nine days & a "paycheck" [not] *enough* {: .x} #1'
    changed = runner.invoke(args=["stories", "headline", str(story_id), typed])
    assert "when you publish it again or run flask stories sync" in changed.output
    synced = runner.invoke(args=["stories", "sync", "--content", str(content)])
    assert "0 removed, 1 rewritten" in synced.output
    front, text = post_of(content, story_id)
    assert front["title"] == typed

    build = run_build(tmp_path / "mkdocs.yml", tmp_path / "site")
    assert build.returncode == 0, build.output
    [page] = (tmp_path / "site" / "stories").rglob(f"supporter-story-{story_id}/index.html")
    built = page.read_text(encoding="utf-8")
    heading = re.search(r"<h1[^>]*>(.*?)<a class=\"headerlink\"", built, re.S).group(1)
    assert text_of_html(heading) == typed  # no emphasis, link or attribute came of it
    assert f"<title>{typed} - " in built
    assert 'class="x"' not in built and "<em>enough</em>" not in built


def text_of_html(fragment: str) -> str:
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def test_an_editor_writes_a_headline_at_the_console_and_a_wrong_one_is_refused(app, client, runner):
    story_id = offered_and_confirmed(client, runner, app, story=LONG_STORY)
    editor = console_client(app, "editor")
    page = f"/admin/stories/{story_id}"
    shown = text_of(editor.get(page))
    assert "(the default, from the story\N{RIGHT SINGLE QUOTATION MARK}s first words)" in shown
    assert f"Leave it empty for the default: “{headlines.default(LONG_STORY)}”" in shown

    saved = post(editor, f"{page}/headline", {"headline": "Nine days of leave"}, token_from=page)
    assert saved.status_code == 302
    assert f"Story {story_id}'s headline is now “Nine days of leave”." in text_of(editor.get(page))
    assert stories(app)[0].headline == "Nine days of leave"

    refused = post(editor, f"{page}/headline", {"headline": "<b>Big</b>"}, token_from=page)
    assert refused.status_code == 400
    answer = text_of(refused)
    assert "Nothing was changed. Headline: A headline cannot hold < or >" in answer
    assert 'aria-invalid="true"' in answer and 'value="<b>Big</b>"' in answer  # kept to fix
    assert stories(app)[0].headline == "Nine days of leave"

    emptied = post(editor, f"{page}/headline", {"headline": ""}, token_from=page)
    assert emptied.status_code == 302 and stories(app)[0].headline is None
    assert "(the default, from its first words)." in text_of(editor.get(page))
    assert [outcome for _, _, outcome in headline_audits(app)] == ["ok", "refused", "ok"]
