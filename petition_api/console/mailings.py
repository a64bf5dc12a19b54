"""The Mailings page: the update files in the mailings folder, each previewed, tested
and sent, and the mailings queued so far with their figures, live.

The same functions as `flask mailings preview|test|send|status|pause|resume`
(updates/operations.py), and for a subject test `subjects|choose` (updates/standing.py,
deciding.py), audited the same way with the signed-in person as the actor.
Nothing here talks to a mail server: sending queues the audience in the outbox,
and a test copy is one outbox row, both sent by the mail worker.

The folder is GROUNDSWELL_MAILINGS_DIR (`mailings/` in the folder the API runs
in, beside `content/`, where `flask mailings send mailings/...` is typed).
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from .. import db
from ..models import Role
from ..updates import deciding, operations
from ..updates.standing import standing
from .access import me, needs

# An update's name is its file's name without .md: nothing that leaves the folder.
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}")
REFRESH_SECONDS = 5  # how often console.js asks for a mailing's figures


def folder() -> Path:
    return Path(current_app.config["MAILINGS_DIR"]).resolve()


def audience_words(audience: dict | str) -> str:
    if audience == "all":
        return "every subscribed supporter who chose all updates"
    return "; ".join(f"{key}: {', '.join(values)}" for key, values in audience.items())


def _read(name: str) -> tuple[operations.Update | None, str | None]:
    """(the update, None), or (None, what is wrong with its file)."""
    path = folder() / f"{name}.md"
    if not path.is_file():
        return None, f"{path}: there is no such file in the mailings folder (any more)"
    try:
        return operations.checked(path), None
    except operations.MailingError as error:
        return None, str(error)


def _found() -> list[dict]:
    """Every update file in the folder: its name, and its update or what is wrong with it."""
    if not folder().is_dir():
        return []
    found = []
    for path in sorted(folder().glob("*.md")):
        if not NAME.fullmatch(path.stem):
            continue
        update, problem = _read(path.stem)
        found.append({"name": path.stem, "path": path, "parsed": update, "problem": problem})
    return found


def _shown(row: dict) -> dict:
    """A mailing's figures as the page and its JSON show them."""
    return {
        **row,
        "queued_at": row["queued_at"].isoformat(timespec="seconds"),
        "done": operations.done(row),
        "share": round(operations.share(row), 4),
        "state": operations.state(row),
    }


def _standings(session, rows: list[dict]) -> dict:
    """Each subject test's standing, by mailing id, for the mailings shown."""
    return {row["id"]: standing(session, row["id"]) for row in rows if row["test"]}


@needs(Role.ORGANISER)
def mailings_page():
    with db.reading() as session:
        rows = [_shown(row) for row in operations.figures(session)]
    return render_template(
        "console/mailings.html",
        found=_found(),
        folder=folder(),
        folder_exists=folder().is_dir(),
        rows=rows,
        audience_words=audience_words,
    )


def _page(name: str, status: int = 200, error: str | None = None, **more):
    """A file's page: its preview and forms, and the mailings sent from it."""
    update, problem = _read(name)
    preview = earlier = None
    if update is not None:
        preview = operations.preview(update)
    with db.reading() as session:
        if update is not None:
            earlier = operations.sent_before(session, update)
        rows = [_shown(row) for row in operations.figures(session, name=name)]
        standings = _standings(session, rows)
    if update is None and not rows and status == 200:
        abort(404)
    page = render_template(
        "console/mailings_update.html",
        name=name,
        update=update,
        problem=problem,
        preview=preview,
        earlier=earlier,
        rows=rows,
        standings=standings,
        error=error,
        to=more.pop("to", None) or me().email,
        audience_words=audience_words,
        refresh_seconds=REFRESH_SECONDS,
        **more,
    )
    return page, status


@needs(Role.ORGANISER)
def mailing(name: str):
    if not NAME.fullmatch(name):
        abort(404)
    return _page(name)


@needs(Role.ORGANISER)
def mailing_action(name: str):
    """test, send (after a confirmation), pause and resume; each redirects back with
    what happened, or shows the page again with why it was refused (400)."""
    if not NAME.fullmatch(name):
        abort(404)
    action = request.form.get("action", "")
    if action in ("pause", "resume"):
        return _pause(name, action == "pause")
    if action == "choose":
        return _choose(name)
    if action not in ("test", "send"):
        return _page(name, 400, "Choose what to do: test, send, pause, resume or choose.")
    update, problem = _read(name)
    if update is None:
        return _page(name, 400, f"Nothing was done: {problem}")
    if action == "test":
        return _test(name, update)
    return _send(name, update)


def _test(name: str, update: operations.Update):
    given = request.form.get("to", "").strip()
    try:
        address = operations.check_address(given)
    except operations.MailingError as error:
        return _page(name, 400, f"No test copy was queued: {error}", to=given)
    copies = operations.queue_test(update, [address], me().actor)
    flash(
        f"A test copy, its subject marked [TEST], is queued to {address}: the mail worker "
        "sends it in a moment. Nobody else receives anything."
        if copies == 1
        else f"{copies} test copies, one per subject, marked [TEST A], [TEST B] ..., are "
        f"queued to {address}: the mail worker sends them in a moment. Nobody else "
        "receives anything."
    )
    return redirect(url_for("console.mailing", name=name))


def _send(name: str, update: operations.Update):
    try:
        size = operations.reach(update)
    except operations.MailingError as error:
        return _page(name, 400, str(error))
    if request.form.get("confirmed") != "yes":
        # The CLI's question, "Send ... to N supporters?", asked with a form.
        return _page(name, confirm=size)
    if request.form.get("sha256") != update.sha256:
        return _page(
            name,
            400,
            f"{update.path} changed after you confirmed: nothing was queued. Read the preview "
            "again, then send it.",
        )
    try:
        sent = operations.send(update, me().actor, again=request.form.get("again") == "yes")
    except operations.SentBefore as error:
        return _page(
            name, 400, f"{error}: nothing was queued. Tick “send it once more” to send it again."
        )
    flash(
        f"Mailing {sent.id} is queued to {sent.recipients} supporters: the mail worker sends "
        "it, and its figures below follow."
        + (" Its samples go first; the rest waits for the winner." if update.test else "")
    )
    return redirect(url_for("console.mailing", name=name))


def _choose(name: str):
    """Choose a subject test's winner by hand, after a question as sending has."""
    try:
        mailing_id = int(request.form.get("mailing", ""))
    except ValueError:
        return _page(name, 400, "Which mailing? No winner was chosen.")
    letter = request.form.get("subject", "").strip().upper()
    if not letter:
        return _page(name, 400, "subject: choose one of the subjects; no winner was chosen.")
    if request.form.get("confirmed") != "yes":
        return _page(name, choosing={"mailing": mailing_id, "letter": letter})
    try:
        deciding.choose(mailing_id, letter, me().actor)
    except operations.MailingError as error:
        return _page(name, 400, f"No winner was chosen: {error}")
    flash(f"Subject {letter} goes to the rest of mailing {mailing_id}: the mail worker sends it.")
    return redirect(url_for("console.mailing", name=name))


def _pause(name: str, paused: bool):
    try:
        mailing_id = int(request.form.get("mailing", ""))
    except ValueError:
        return _page(name, 400, "Which mailing? Nothing was paused or resumed.")
    try:
        operations.set_paused(mailing_id, paused, me().actor)
    except operations.MailingError as error:
        return _page(name, 400, f"Refused: {error}")
    if paused:
        flash(f"Mailing {mailing_id} is paused: what is queued stays queued until you resume it.")
    else:
        flash(f"Mailing {mailing_id} is sending again.")
    return redirect(url_for("console.mailing", name=name))


@needs(Role.ORGANISER)
def mailing_progress(name: str):
    """The figures of the mailings sent from one file, for console.js."""
    if not NAME.fullmatch(name):
        abort(404)
    with db.reading() as session:
        rows = [_shown(row) for row in operations.figures(session, name=name)]
    return jsonify({"name": name, "mailings": rows})


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/mailings", "mailings", mailings_page)
    bp.add_url_rule("/mailings/<name>", "mailing", mailing)
    bp.add_url_rule("/mailings/<name>", "mailing_action", mailing_action, methods=["POST"])
    bp.add_url_rule("/mailings/<name>/progress", "mailing_progress", mailing_progress)
