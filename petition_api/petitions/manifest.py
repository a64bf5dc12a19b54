"""Petitions come from the site: `build.py` writes site/petitions.json, `flask petitions
sync` makes the petitions table match it, so the site and the API never disagree.

Each entry carries the exact consent wording its form shows (the site's default
lives with the content schema, campaign_site/schema.py), and a version: a hash
of the title and ask that signers saw. An entry may carry "share" (builds since
issue 22): the words, picture description and share graphics the confirmed page
offers; a manifest without it still loads, and that page offers links only. An entry
may carry "variants" (builds since issue 23): the names, headlines and pages of the
petition page's variants, the only names a signature's `variant` is recorded as."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..models import (
    ConsentWording,
    CurrentWording,
    Petition,
    PetitionVariant,
    PetitionVersion,
    utcnow,
)
from ..models.petitions import VARIANT_NAME

MANIFEST_FORMAT = 1
# As the site's schema allows a variant's name (campaign_site/variants.py).
VARIANT = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class ManifestError(ValueError):
    """The manifest is not what `build.py` writes; the message names the petition and field."""


def ask_version(title: str, ask: str) -> str:
    """A content hash of what signers are shown, so a delivery can say which text they signed."""
    return hashlib.sha256(json.dumps([title, ask]).encode()).hexdigest()[:16]


STORY_CONSENTS = ("publish", "name", "congress", "contact")


def read_stories(path: Path) -> dict[str, str] | None:
    """The story form's consent wordings the build published (`"stories"`), by kind;
    None when the site has no story form. Read after read_manifest checked the file."""
    stories = json.loads(path.read_text(encoding="utf-8")).get("stories")
    if stories is None:
        return None
    consents = stories.get("consents") if isinstance(stories, dict) else None
    if not isinstance(consents, dict):
        raise ManifestError(f"{path}: stories.consents: expected an object")
    for kind in STORY_CONSENTS:
        if not isinstance(consents.get(kind), str) or not consents[kind].strip():
            raise ManifestError(f"{path}: stories.consents.{kind}: required, a str")
    return {kind: consents[kind] for kind in STORY_CONSENTS}


def sync_story_wordings(session: Session, wordings: dict[str, str]) -> None:
    """Each story consent box's words, stored once and made the version a story
    submitted from now on records."""
    for kind, text in wordings.items():
        wording = consent_wording(session, f"story_{kind}", text)
        current = session.get(CurrentWording, f"story_{kind}")
        if current is None:
            session.add(CurrentWording(kind=f"story_{kind}", wording_id=wording.id))
        elif current.wording_id != wording.id:
            current.wording_id, current.since = wording.id, utcnow()


def read_manifest(path: Path) -> list[dict]:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{path}: no such file (run `python build.py` first)") from None
    except json.JSONDecodeError as error:
        raise ManifestError(f"{path}: not JSON: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise ManifestError(f"{path}: format: expected {MANIFEST_FORMAT}")
    petitions = manifest.get("petitions")
    if not isinstance(petitions, list):
        raise ManifestError(f"{path}: petitions: expected a list")
    return [_check_entry(path, i, entry) for i, entry in enumerate(petitions)]


def _check_entry(path: Path, index: int, entry: dict) -> dict:
    where = f"{path}: petitions[{index}]"
    if not isinstance(entry, dict):
        raise ManifestError(f"{where}: expected an object")
    for field, kind in (
        ("slug", str),
        ("title", str),
        ("ask", str),
        ("goal", int),
        ("target", str),
        ("page", str),
        ("email_updates_consent", str),
    ):
        if not isinstance(entry.get(field), kind) or entry.get(field) in ("", None):
            raise ManifestError(f"{where}: {field}: required, a {kind.__name__}")
    for field in ("opens", "closes"):
        if entry.get(field) is not None:
            try:
                entry[field] = _moment(entry[field], end_of_day=(field == "closes"))
            except (TypeError, ValueError):
                raise ManifestError(
                    f"{where}: {field}: not an ISO date: {entry[field]!r}"
                ) from None
    entry["share"] = _check_share(where, entry.get("share"))
    entry["variants"] = _check_variants(where, entry.get("variants"))
    return entry


def _check_variants(where: str, variants: object) -> list[dict]:
    """The entry's variants: each a name (as the site's schema allows) once, with its
    headline and page; none for a manifest from before them."""
    if variants is None:
        return []
    if not isinstance(variants, list):
        raise ManifestError(f"{where}: variants: expected a list")
    seen: set[str] = set()
    for i, variant in enumerate(variants):
        at = f"{where}: variants[{i}]"
        if not isinstance(variant, dict):
            raise ManifestError(f"{at}: expected an object")
        name = variant.get("name")
        if not isinstance(name, str) or len(name) > VARIANT_NAME or not VARIANT.fullmatch(name):
            raise ManifestError(
                f"{at}.name: expected lower-case letters, digits and hyphens "
                f"(at most {VARIANT_NAME}), got {name!r}"
            )
        if name in seen:
            raise ManifestError(f"{at}.name: {name!r} is already a variant of this petition")
        seen.add(name)
        for field in ("headline", "page"):
            if not isinstance(variant.get(field), str) or not variant[field].strip():
                raise ManifestError(f"{at}.{field}: required, a str")
    return [{field: v[field] for field in ("name", "headline", "page")} for v in variants]


GRAPHIC_FIELDS = (("format", str), ("label", str), ("width", int), ("height", int), ("url", str))


def _check_share(where: str, share: object) -> dict | None:
    """The entry's "share", keeping only what the confirmed page shows; each graphic's
    url a path on the site (the page links to it from the site's address)."""
    if share is None:
        return None
    if not isinstance(share, dict):
        raise ManifestError(f"{where}: share: expected an object")
    for field in ("text", "alt"):
        if not isinstance(share.get(field), str) or not share[field].strip():
            raise ManifestError(f"{where}: share.{field}: required, a str")
    if not isinstance(share.get("graphics"), list):
        raise ManifestError(f"{where}: share.graphics: expected a list")
    for i, graphic in enumerate(share["graphics"]):
        at = f"{where}: share.graphics[{i}]"
        if not isinstance(graphic, dict):
            raise ManifestError(f"{at}: expected an object")
        for field, kind in GRAPHIC_FIELDS:
            value = graphic.get(field)
            if not isinstance(value, kind) or isinstance(value, bool) or value in ("", 0):
                raise ManifestError(f"{at}.{field}: required, a {kind.__name__}")
        if not graphic["url"].startswith("/") or graphic["url"].startswith("//"):
            raise ManifestError(f"{at}.url: expected a path on the site, from its root")
    graphics = [{field: g[field] for field, _ in GRAPHIC_FIELDS} for g in share["graphics"]]
    return {"text": share["text"], "alt": share["alt"], "graphics": graphics}


def _moment(value: str, end_of_day: bool) -> datetime:
    """An ISO date or datetime; a bare closing date means the end of that day (UTC)."""
    if len(value) == 10:
        day = date.fromisoformat(value)
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return start + timedelta(days=1) if end_of_day else start
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def sync(session: Session, entries: list[dict]) -> dict[str, list[str]]:
    """Make the petitions table match the manifest; returns what changed."""
    changes: dict[str, list[str]] = {"added": [], "updated": [], "unlisted": []}
    seen = set()
    for entry in entries:
        seen.add(entry["slug"])
        petition = session.scalar(select(Petition).where(Petition.slug == entry["slug"]))
        if petition is None:
            petition = Petition(slug=entry["slug"])
            _apply_changes(petition, entry, session)
            session.add(petition)
            changes["added"].append(entry["slug"])
        elif _apply_changes(petition, entry, session):
            changes["updated"].append(entry["slug"])
        session.flush()
        _record_version(session, petition)
        varied = _sync_variants(session, petition, entry["variants"])
        if varied and entry["slug"] not in changes["added"] + changes["updated"]:
            changes["updated"].append(entry["slug"])
    stale = session.scalars(
        select(Petition.slug).where(Petition.listed, Petition.slug.not_in(seen or {""}))
    ).all()
    if stale:
        unlisted = {"listed": False, "unlisted_at": utcnow()}
        session.execute(update(Petition).where(Petition.slug.in_(stale)).values(**unlisted))
        changes["unlisted"] = list(stale)
    return changes


def _apply_changes(petition: Petition, entry: dict, session: Session) -> bool:
    consent = consent_wording(session, "email_updates", entry["email_updates_consent"])
    share = entry.get("comment_share_consent")
    sharing = consent_wording(session, "comment_share", share) if share else None
    values = {
        "title": entry["title"],
        "ask": entry["ask"],
        "goal": entry["goal"],
        "target": entry["target"],
        "page": entry["page"],
        "thanks_page": entry.get("thanks_page"),
        "opens_at": entry.get("opens"),
        "closes_at": entry.get("closes"),
        "listed": True,
        "unlisted_at": None,
        "version": ask_version(entry["title"], entry["ask"]),
        "updates_consent_id": consent.id,
        "comment_share_consent_id": sharing.id if sharing else None,
        "share": entry.get("share"),
    }
    changed = any(getattr(petition, field) != value for field, value in values.items())
    for field, value in values.items():
        setattr(petition, field, value)
    if changed:
        petition.synced_at = utcnow()
    return changed


def _sync_variants(session: Session, petition: Petition, variants: list[dict]) -> bool:
    """The petition's variant rows as the manifest lists them; True if any changed. A
    variant the site no longer declares goes: its signatures keep the name they recorded."""
    kept = {
        row.name: row
        for row in session.scalars(
            select(PetitionVariant).where(PetitionVariant.petition_id == petition.id)
        )
    }
    wanted = {v["name"]: {**v, "position": n} for n, v in enumerate(variants)}
    changed = False
    for name in kept.keys() - wanted.keys():
        session.delete(kept.pop(name))
        changed = True
    for name, values in wanted.items():
        row = kept.get(name)
        if row is None:
            session.add(PetitionVariant(petition_id=petition.id, **values))
            changed = True
            continue
        for field in ("headline", "page", "position"):
            if getattr(row, field) != values[field]:
                setattr(row, field, values[field])
                changed = True
    return changed


def _record_version(session: Session, petition: Petition) -> None:
    exists = session.scalar(
        select(PetitionVersion.id).where(
            PetitionVersion.petition_id == petition.id, PetitionVersion.version == petition.version
        )
    )
    if exists is None:
        session.add(
            PetitionVersion(
                petition_id=petition.id,
                version=petition.version,
                title=petition.title,
                ask=petition.ask,
            )
        )


def consent_wording(session: Session, kind: str, wording: str) -> ConsentWording:
    digest = hashlib.sha256(f"{kind}\n{wording}".encode()).hexdigest()
    found = session.scalar(select(ConsentWording).where(ConsentWording.sha256 == digest))
    if found is None:
        found = ConsentWording(kind=kind, sha256=digest, text=wording)
        session.add(found)
        session.flush()
    return found
