"""Updates to supporters: a Markdown file becomes a mailing, queued once to its audience.

An update is a Markdown file with YAML front matter (docs/pages/supporters.md, "Writing an update"):

    ---
    subject: We delivered 230,000 signatures
    preheader: What the offices said, and what comes next   # optional
    from_name: Maria at the campaign                       # optional
    audience: all          # or any of: petitions: [slug], states: [OH], districts: [OH-03]
    ---
    Hello {{ first_name }}, ...

or, instead of `subject:`, two to four subjects that test themselves
(`subject_test:`, subject_tests.py).

Who receives it: supporters whose email status is `subscribed`, and nobody else.
`all` reaches those who chose every update of the campaign; a mapping narrows
(each key must match, any value within a key), and with `petitions` it also
reaches those who chose only updates about the petitions they signed.

Queuing is one INSERT .. SELECT in one transaction with the mailing's row, so a
mailing of 200,000 takes seconds and constant memory, and the outbox's unique
(mailing, supporter) makes a second queuing of the same mailing add nobody.

What staff do with an update (`flask mailings ...` and the console's Mailings page
alike) is in operations.py.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from flask import current_app
from sqlalchemy import Select, exists, func, insert, literal, or_, select
from sqlalchemy.orm import Session

from ..mail.outbox import UPDATE
from ..models import (
    CongressDataset,
    CongressOffice,
    EmailStatus,
    Mailing,
    Outbox,
    OutboxStatus,
    Petition,
    Priority,
    Scope,
    Signature,
    Status,
    Supporter,
    utcnow,
)
from ..states import STATES
from . import subject_tests
from .updates import buttons

FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n(.*)\Z", re.DOTALL)
DISTRICT = re.compile(r"^[A-Z]{2}-(\d{2}|AL)$")
AUDIENCE_KEYS = ("petitions", "states", "districts")
KNOWN_FIELDS = {"subject", "subject_test", "preheader", "from_name", "audience"}
PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


class MailingError(ValueError):
    """What is wrong with an update file, naming the file and the field."""


class SentBefore(MailingError):
    """The file was sent already (as `earlier`): sending it again must be asked for."""

    def __init__(self, message: str, earlier: Mailing):
        super().__init__(message)
        self.earlier = earlier


@dataclass
class Update:
    name: str
    sha256: str
    subject: str
    body: str
    audience: dict | str
    preheader: str | None = None
    from_name: str | None = None
    path: Path | None = field(default=None, repr=False)
    test: subject_tests.Plan | None = None  # its subjects test themselves

    @property
    def subjects(self) -> tuple[str, ...]:
        return self.test.subjects if self.test else (self.subject,)


def read(path: Path) -> Update:
    """An update file, checked: every error names the file and the field."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise MailingError(f"{path}: cannot read it ({error.strerror})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MailingError(f"{path}: not UTF-8 text") from None
    match = FRONT_MATTER.match(text.replace("\r\n", "\n"))
    if not match:
        raise MailingError(f"{path}: no front matter (start with ---, end it with ---)")
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as error:
        raise MailingError(f"{path}: front matter is not valid YAML ({error})") from None
    if not isinstance(meta, dict):
        raise MailingError(f"{path}: front matter must be a mapping of fields")
    unknown = sorted(set(meta) - KNOWN_FIELDS)
    if unknown:
        raise MailingError(
            f"{path}: unknown field {unknown[0]!r} (fields: subject or subject_test, "
            "preheader, from_name, audience)"
        )
    body = _placeholders(path, match.group(2).strip())
    if not body:
        raise MailingError(f"{path}: the update has no text below its front matter")
    if (count := buttons(body)) > 1:
        raise MailingError(
            f"{path}: body: {count} links are written as a button ({{.button}}); an update "
            "has one button at most, so the one thing to do stands out"
        )
    test = _test(path, meta)
    return Update(
        name=path.stem,
        sha256=hashlib.sha256(raw).hexdigest(),
        subject=test.subjects[0] if test else _line(path, meta, "subject", 200, required=True),
        test=test,
        preheader=_line(path, meta, "preheader", 200),
        from_name=_line(path, meta, "from_name", 100),
        audience=_audience(path, meta.get("audience")),
        body=body,
        path=path,
    )


def _test(path: Path, meta: dict) -> subject_tests.Plan | None:
    """The update's subject test, if it declares one instead of a subject."""
    if "subject_test" not in meta:
        return None
    if "subject" in meta:
        raise MailingError(
            f"{path}: subject and subject_test: write the subject lines in one place, "
            "subject_test.subjects (the first one is the preview's)"
        )
    try:
        plan = subject_tests.plan(
            meta["subject_test"], lambda name, value: _line(path, {name: value}, name, 200, True)
        )
        subject_tests.check_shares(plan)
    except subject_tests.PlanError as error:
        raise MailingError(f"{path}: {error}") from None
    return plan


def _placeholders(path: Path, body: str) -> str:
    """The body with `{{ first_name }}` written one way; any other placeholder is a
    mistake that would reach every inbox as typed."""
    for found in PLACEHOLDER.finditer(body):
        if found.group(1) != "first_name":
            raise MailingError(
                f"{path}: body: unknown placeholder {found.group()!r}; the only one is "
                f"{{{{ first_name }}}}"
            )
    return PLACEHOLDER.sub("{{ first_name }}", body)


def _line(path: Path, meta: dict, name: str, limit: int, required: bool = False) -> str | None:
    value = meta.get(name)
    if value is None:
        if required:
            raise MailingError(f"{path}: {name} is missing")
        return None
    if not isinstance(value, str) or not value.strip():
        raise MailingError(f"{path}: {name} must be text")
    if len(value) > limit or "\n" in value.strip():
        raise MailingError(f"{path}: {name} must be one line of at most {limit} characters")
    if "{{" in value or "}}" in value:
        raise MailingError(
            f"{path}: {name}: placeholders such as {{{{ first_name }}}} work only in the body"
        )
    return value.strip()


def _audience(path: Path, audience) -> dict | str:
    if audience == "all":
        return "all"
    if not isinstance(audience, dict) or not audience:
        raise MailingError(
            f"{path}: audience must be `all` or a mapping with any of petitions, states, districts"
        )
    chosen = {}
    for key, values in audience.items():
        if key not in AUDIENCE_KEYS:
            raise MailingError(
                f"{path}: audience.{key} is not known (petitions, states, districts)"
            )
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) for v in values)
        ):
            raise MailingError(f"{path}: audience.{key} must be a list, e.g. [{_example(key)}]")
        chosen[key] = sorted(
            {v.strip().upper() if key != "petitions" else v.strip() for v in values}
        )
    for state in chosen.get("states", []):
        if state not in STATES:
            raise MailingError(f"{path}: audience.states: {state!r} is not a US state code")
    for district in chosen.get("districts", []):
        if not DISTRICT.match(district) or district[:2] not in STATES:
            raise MailingError(
                f"{path}: audience.districts: {district!r} is not a district like OH-03"
            )
    return chosen


def _example(key: str) -> str:
    return {"petitions": "paid-family-leave", "states": "OH, PA", "districts": "OH-03"}[key]


def check_names(session: Session, update_: Update) -> None:
    """Every petition the audience names exists, and every district is one of the
    loaded congressional data (when it is loaded: OH-03 has a shape, NY-AL is not a seat)."""
    if not isinstance(update_.audience, dict):
        return
    wanted = set(update_.audience.get("petitions", []))
    known = set(session.scalars(select(Petition.slug).where(Petition.slug.in_(wanted))))
    missing = sorted(wanted - known)
    if missing:
        raise MailingError(f"{update_.path}: audience.petitions: no petition {missing[0]!r}")
    districts = set(update_.audience.get("districts", []))
    seats = set(
        session.scalars(
            select(CongressOffice.code)
            .join(CongressDataset, CongressDataset.id == CongressOffice.dataset_id)
            .where(CongressDataset.active.is_(True), CongressOffice.chamber == "house")
        )
    )
    if seats and districts - seats:
        raise MailingError(
            f"{update_.path}: audience.districts: {sorted(districts - seats)[0]!r} is not a "
            "district in the loaded congressional data (a state with one seat is XX-AL)"
        )


def audience(chosen: dict | str) -> Select:
    """The ids of the supporters an update reaches (see the module's doc)."""
    query = select(Supporter.id).where(Supporter.status == EmailStatus.SUBSCRIBED)
    if chosen == "all":
        return query.where(Supporter.scope == Scope.ALL)
    if "petitions" in chosen:
        signed = exists().where(
            Signature.email_canonical == Supporter.email_canonical,
            Signature.status == Status.VALIDATED,
            Signature.petition_id.in_(
                select(Petition.id).where(Petition.slug.in_(chosen["petitions"]))
            ),
        )
        query = query.where(signed)
    else:
        query = query.where(Supporter.scope == Scope.ALL)
    if "states" in chosen:
        query = query.where(Supporter.state.in_(chosen["states"]))
    if "districts" in chosen:
        query = query.where(Supporter.district.in_(chosen["districts"]))
    return query


def audience_size(session: Session, chosen: dict | str) -> int:
    return session.scalar(select(func.count()).select_from(audience(chosen).subquery()))


def sent_before(session: Session, update_: Update) -> Mailing | None:
    return session.scalars(
        select(Mailing)
        .where(or_(Mailing.sha256 == update_.sha256, Mailing.name == update_.name))
        .order_by(Mailing.id)
    ).first()


def queue(session: Session, update_: Update, actor: str) -> Mailing:
    """The mailing's row and one outbox row per recipient, in the caller's transaction."""
    now = utcnow()
    mailing = Mailing(
        name=update_.name,
        sha256=update_.sha256,
        subject=update_.subject,
        preheader=update_.preheader,
        from_name=update_.from_name,
        body=update_.body,
        audience=update_.audience,
        queued_by=actor[:120],
        queued_at=now,
    )
    session.add(mailing)
    session.flush()
    if update_.test is not None:
        _queue_test(session, mailing, update_)
        return mailing
    recipients = audience(update_.audience).add_columns(
        literal(UPDATE),
        literal(mailing.id),
        literal(int(Priority.BULK)),
        literal(OutboxStatus.QUEUED.value),
        literal(0),
        literal(now),
        literal(now),
    )
    columns = [
        "supporter_id",
        "kind",
        "mailing_id",
        "priority",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
    ]
    session.execute(insert(Outbox).from_select(columns, recipients))
    # Counted, not taken from the INSERT: psycopg reports no rowcount for INSERT .. SELECT.
    mailing.recipients = session.scalar(select(func.count()).where(Outbox.mailing_id == mailing.id))
    return mailing


def _queue_test(session: Session, mailing: Mailing, update_: Update) -> None:
    try:
        mailing.recipients = subject_tests.queue(
            session, mailing, update_.test, audience(update_.audience), current_app.config
        )
    except subject_tests.PlanError as error:
        raise MailingError(f"{update_.path}: {error}") from None


def pause(session: Session, mailing_id: int, paused: bool) -> None:
    """Pause (or resume) a mailing: workers leave its queued messages where they are.
    MailingError when there is no such mailing, or nothing to do."""
    mailing = session.get(Mailing, mailing_id, with_for_update=True)
    if mailing is None:
        raise MailingError(f"no mailing {mailing_id} (see flask mailings status)")
    if paused == (mailing.paused_at is not None):
        raise MailingError(f"mailing {mailing_id} is {'already' if paused else 'not'} paused")
    waiting = select(Outbox.id).where(
        Outbox.mailing_id == mailing_id,
        Outbox.status.in_([OutboxStatus.QUEUED, OutboxStatus.CLAIMED, OutboxStatus.HELD]),
    )
    if paused and session.scalar(waiting.limit(1)) is None:
        raise MailingError(f"mailing {mailing_id} has nothing left to send: nothing to pause")
    mailing.paused_at = utcnow() if paused else None
