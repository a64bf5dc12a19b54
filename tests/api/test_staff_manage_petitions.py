"""Staff load petitions from the site, manage tokens, and see clear errors for bad input."""

from __future__ import annotations

import json

from sqlalchemy import select

from petition_api.models import ApiToken, Petition, PetitionVersion

from ..conftest import database
from .support import PETITION


def write_manifest(tmp_path, petitions, name="petitions.json"):
    path = tmp_path / name
    path.write_text(json.dumps({"format": 1, "petitions": petitions}))
    return path


def entry(**overrides):
    values = {
        "slug": PETITION,
        "title": "Guarantee paid family leave",
        "ask": "We ask Congress to guarantee paid leave.",
        "goal": 250000,
        "target": "U.S. Congress",
        "page": "/petitions/paid-family-leave/",
        "email_updates_consent": "Email me updates. I can unsubscribe at any time with one click.",
    }
    values.update(overrides)
    return values


def test_a_changed_ask_gets_a_new_version_and_the_old_one_is_kept(app, runner, tmp_path):
    result = runner.invoke(args=["petitions", "sync", str(write_manifest(tmp_path, [entry()]))])
    assert result.exit_code == 0, result.output
    assert f"updated: {PETITION}" in result.output
    assert "unlisted: fund-wic" in result.output

    with database(app) as session:
        versions = session.scalars(
            select(PetitionVersion.ask).join(Petition).where(Petition.slug == PETITION)
        ).all()
    assert len(versions) == 2
    assert "We ask Congress to guarantee paid leave." in versions


def test_an_unlisted_petition_stops_taking_signatures(app, runner, client, tmp_path):
    runner.invoke(args=["petitions", "sync", str(write_manifest(tmp_path, [entry()]))])
    response = client.post("/api/petitions/fund-wic/signatures", json={})
    assert response.status_code == 410


def test_a_broken_manifest_is_refused_with_the_petition_and_field_named(app, runner, tmp_path):
    path = write_manifest(tmp_path, [entry(), entry(slug="x", goal="lots")])
    result = runner.invoke(args=["petitions", "sync", str(path)])
    assert result.exit_code != 0
    assert "petitions[1]: goal: required, a int" in result.output

    bad_date = write_manifest(tmp_path, [entry(closes="next spring")], "b.json")
    result = runner.invoke(args=["petitions", "sync", str(bad_date)])
    assert "petitions[0]: closes: not an ISO date" in result.output

    # The API records the wording the form showed, so it never guesses one.
    no_wording = write_manifest(tmp_path, [entry(email_updates_consent=None)], "c.json")
    result = runner.invoke(args=["petitions", "sync", str(no_wording)])
    assert "petitions[0]: email_updates_consent: required, a str" in result.output


def test_a_missing_manifest_says_to_build_the_site_first(app, runner, tmp_path):
    result = runner.invoke(args=["petitions", "sync", str(tmp_path / "nope.json")])
    assert result.exit_code != 0
    assert "run `python build.py` first" in result.output


def test_a_staff_token_is_shown_once_and_stored_only_as_a_hash(app, runner):
    result = runner.invoke(args=["tokens", "create", "delivery team", "--scope", "deliver"])
    token = result.output.strip()
    assert token.startswith("gs_") and len(token) > 40
    with database(app) as session:
        [row] = session.scalars(select(ApiToken)).all()
    assert row.name == "delivery team" and token not in row.token_hash

    listing = runner.invoke(args=["tokens", "list"]).output
    assert "delivery team\tactive" in listing and token not in listing
    assert runner.invoke(args=["tokens", "revoke", str(row.id)]).exit_code == 0
    assert "revoked" in runner.invoke(args=["tokens", "list"]).output
    assert runner.invoke(args=["tokens", "revoke", str(row.id)]).exit_code != 0


GRAPHIC = {"format": "card", "label": "Link card, 1200 by 630", "width": 1200, "height": 630}


def test_a_manifests_share_is_checked_and_a_manifest_without_one_still_loads(app, runner, tmp_path):
    """Builds from before the share box publish no "share": the petition loads and its
    confirmed page offers the links only."""
    shared = {"text": "Ask Congress.", "alt": "A card.", "graphics": [{**GRAPHIC, "url": "/c.png"}]}
    path = write_manifest(tmp_path, [entry(share=shared), entry(slug="older", page="/o/")])
    result = runner.invoke(args=["petitions", "sync", str(path)])
    assert result.exit_code == 0, result.output
    with database(app) as session:
        shares = dict(session.execute(select(Petition.slug, Petition.share)).all())
    assert (shares[PETITION], shares["older"]) == (shared, None)

    for share, error in [
        ("a card", "petitions[0]: share: expected an object"),
        ({**shared, "text": " "}, "petitions[0]: share.text: required, a str"),
        ({**shared, "graphics": [GRAPHIC]}, "petitions[0]: share.graphics[0].url: required"),
        (
            {**shared, "graphics": [{**GRAPHIC, "url": "https://elsewhere.example/c.png"}]},
            "petitions[0]: share.graphics[0].url: expected a path on the site, from its root",
        ),
    ]:
        bad = write_manifest(tmp_path, [entry(share=share)], "bad.json")
        result = runner.invoke(args=["petitions", "sync", str(bad)])
        assert result.exit_code != 0 and error in result.output
    with database(app) as session:  # nothing changed
        assert session.scalar(select(Petition.share).where(Petition.slug == PETITION)) == shared
