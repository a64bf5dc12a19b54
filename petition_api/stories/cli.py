"""`flask stories ...`: the moderation desk from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask.cli import AppGroup

from .. import db
from ..audit import cli_actor
from ..models import StoryStatus
from . import headlines, permission, publishing, reviewing
from .reviewing import ModerationError

stories_cli = AppGroup("stories", help="Supporters' stories: moderate, ask permission, publish.")
MARKS = {"publish": "P", "name": "N", "congress": "C", "contact": "K"}


def _do(action):
    try:
        with db.writing() as session:
            return action(session)
    except ModerationError as error:
        raise click.ClickException(str(error)) from None


@stories_cli.command("list")
@click.option(
    "--status",
    type=click.Choice(["submitted", "approved", "rejected", "published"]),
    help="only these (default: all confirmed stories)",
)
def list_command(status):
    """One confirmed story a line: ID, status, date, state, consents (P publish, N name,
    C Congress, K contact; lower case: not given), petition, first words."""
    with db.reading() as session:
        rows = reviewing.listing(session, status)
        for story, slug in rows:
            given = reviewing.consents_now(session, story.id)
            marks = "".join(m if given[kind] else m.lower() for kind, m in MARKS.items())
            words = " ".join((story.edited or story.text).split())[:60]
            status = reviewing.status_now(story, given)  # sync takes a withdrawn one down
            click.echo(
                f"{story.id}\t{status}\t{story.created_at:%Y-%m-%d}\t{story.state}\t"
                f"{marks}\t{slug or '-'}\t{words}"
            )
    if not rows:
        click.echo("no stories" + (f" {status}" if status else " to moderate"))


@stories_cli.command("from-comments")
def from_comments_command():
    """Make story candidates of the petition comments their signers let us share."""
    made = _do(lambda session: reviewing.from_comments(session, cli_actor()))
    click.echo(f"story candidates made from comments: {made} (no consent yet: ask before using)")


@stories_cli.command("show")
@click.argument("story_id", type=int)
def show_command(story_id):
    """Everything about one story, its consents with their words, as JSON."""

    shown = _do(lambda session: reviewing.details(session, story_id))
    click.echo(json.dumps(shown, indent=2, ensure_ascii=False))


@stories_cli.command("approve")
@click.argument("story_id", type=int)
@click.option(
    "--edited",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="a UTF-8 text file with the story as staff edited it (approved instead of the words sent)",
)
def approve_command(story_id, edited):
    """Approve a confirmed story (its consents decide where it may go)."""
    text = edited.read_text(encoding="utf-8") if edited else None
    _do(lambda session: reviewing.approve(session, story_id, cli_actor(), text))
    click.echo(f"story {story_id} approved" + (" with your edits" if text else ""))


@stories_cli.command("headline")
@click.argument("story_id", type=int)
@click.argument("text", required=False)
@click.option("--default", "use_default", is_flag=True, help="go back to the story's first words")
def headline_command(story_id, text, use_default):
    """Show a story's headline (the title of its post), or give it TEXT (at most 120
    characters, no < or >); publish again or sync to change a published post."""
    if text is not None and use_default:
        raise click.UsageError("give TEXT or --default, not both")
    if text is None and not use_default:
        shown = _do(lambda session: reviewing.details(session, story_id))
        click.echo(shown["headline"] + (" (the default)" if shown["headline_is_default"] else ""))
        return
    story = _do(lambda session: reviewing.set_headline(session, story_id, cli_actor(), text))
    click.echo(f"story {story_id}'s headline: {headlines.of(story)}")
    if story.status == StoryStatus.PUBLISHED:
        click.echo("its post changes when you publish it again or run flask stories sync")


@stories_cli.command("reject")
@click.argument("story_id", type=int)
@click.option("--reason", required=True, help="why, kept with the story and audited")
def reject_command(story_id, reason):
    """Reject a confirmed story: it is not published or shared unless approved again."""
    _do(lambda session: reviewing.reject(session, story_id, cli_actor(), reason))
    click.echo(f"story {story_id} rejected")


@stories_cli.command("ask")
@click.argument("story_id", type=int)
@click.option("--again", is_flag=True, help="send a new request while one is still open")
def ask_command(story_id, again):
    """Email the author a link to give (or refuse) the consents their story lacks."""
    asked = _do(lambda session: permission.ask(session, story_id, cli_actor(), again))
    click.echo(f"asked for {', '.join(asked)}: the mail worker sends it")


CONTENT = click.option(
    "--content",
    type=click.Path(file_okay=False, path_type=Path),
    default=publishing.CONTENT,
    show_default=True,
    help="the campaign site's content folder",
)


@stories_cli.command("publish")
@click.argument("story_id", type=int)
@CONTENT
def publish_command(story_id, content):
    """Write an approved story, whose author consented, as a post of the stories blog."""
    post = _do(lambda session: publishing.publish(session, story_id, content, cli_actor()))
    click.echo(f"wrote {post}: build the site to publish it")


@stories_cli.command("unpublish")
@click.argument("story_id", type=int)
@CONTENT
def unpublish_command(story_id, content):
    """Remove a published story's post and photo (it stays approved)."""
    removed = _do(lambda session: publishing.unpublish(session, story_id, content, cli_actor()))
    for path in removed:
        click.echo(f"removed {path}")
    click.echo("build the site to take it down")


@stories_cli.command("sync")
@CONTENT
def sync_command(content):
    """Bring the published posts in line with their stories (run it before every build):
    remove those whose author withdrew or was forgotten, rewrite a changed name."""
    done = _do(lambda session: publishing.sync(session, content, cli_actor()))
    for what, stems in done.items():
        for stem in stems:
            click.echo(f"{what}: {stem}")
    click.echo(f"{len(done['removed'])} removed, {len(done['rewritten'])} rewritten")
