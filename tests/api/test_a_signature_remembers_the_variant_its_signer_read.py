"""A signature remembers which variant of the petition page its signer read, so staff
learn which words bring signatures; a variant the petition does not declare is left
out, and never costs the signature."""

from __future__ import annotations

import json

from sqlalchemy import select

from petition_api.models import Petition, PetitionVariant, Status

from ..conftest import MANIFEST, database
from .support import PETITION, SIGN_URL, signatures, supporter

VARIANT_PAGE = f"/petitions/{PETITION}/v/twelve-weeks/"


def declared(app, slug=PETITION) -> list[tuple[str, str, int]]:
    with database(app) as session:
        rows = session.execute(
            select(PetitionVariant.name, PetitionVariant.page, PetitionVariant.position)
            .join(Petition)
            .where(Petition.slug == slug)
            .order_by(PetitionVariant.position)
        )
        return [tuple(row) for row in rows]


def test_a_supporter_signs_from_a_variant_page_without_javascript(app, client):
    form = supporter(email_updates="y", variant="twelve-weeks", page=VARIANT_PAGE)
    response = client.post(SIGN_URL, data=form)

    assert response.status_code == 303
    [signature] = signatures(app)
    assert (signature.variant, signature.page) == ("twelve-weeks", VARIANT_PAGE)


def test_a_supporter_signs_from_a_variant_page_with_javascript(app, sign):
    assert sign(variant="every-worker").status_code == 201
    assert signatures(app)[0].variant == "every-worker"


def test_a_variant_the_petition_does_not_declare_is_left_out_and_the_signature_kept(app, sign):
    for n, variant in enumerate(["no-such-variant", "Twelve-Weeks", "twelve-weeks " * 20, ""]):
        response = sign(email=f"signer{n}@example.org", variant=variant)
        assert response.status_code == 201, response.get_json()
    kept = signatures(app)
    assert [s.variant for s in kept] == [None, None, None, None]
    assert {s.status for s in kept} == {Status.PENDING}


def test_another_petitions_variant_is_left_out(app, client):
    signed = supporter(variant="twelve-weeks")
    response = client.post("/api/petitions/fund-wic/signatures", json=signed)
    assert response.status_code == 201
    assert signatures(app)[0].variant is None


def test_the_api_keeps_the_variants_the_site_declares(app):
    assert declared(app) == [
        ("twelve-weeks", VARIANT_PAGE, 0),
        ("every-worker", f"/petitions/{PETITION}/v/every-worker/", 1),
    ]
    assert declared(app, "fund-wic") == []


def test_a_new_build_changes_the_variants_and_a_retired_one_is_no_longer_recorded(
    app, runner, client, tmp_path
):
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    leave = manifest["petitions"][0]
    leave["variants"] = [
        {"name": "every-worker", "headline": "Paid leave for all", "page": "/p/v/every-worker/"},
        {"name": "small-firms", "headline": "Small firms too", "page": "/p/v/small-firms/"},
    ]
    path = tmp_path / "petitions.json"
    path.write_text(json.dumps(manifest), encoding="utf-8")
    result = runner.invoke(args=["petitions", "sync", str(path)])
    assert result.exit_code == 0, result.output
    assert f"updated: {PETITION}" in result.output
    assert declared(app) == [("every-worker", "/p/v/every-worker/", 0),
                             ("small-firms", "/p/v/small-firms/", 1)]  # fmt: skip

    for n, variant in enumerate(["twelve-weeks", "small-firms"]):
        client.post(SIGN_URL, json=supporter(email=f"s{n}@example.org", variant=variant))
    assert [s.variant for s in signatures(app)] == [None, "small-firms"]

    again = runner.invoke(args=["petitions", "sync", str(path)])
    assert f"updated: {PETITION}" not in again.output  # nothing changed the second time


def test_a_manifest_with_a_bad_variant_is_refused_naming_it(app, runner, tmp_path):
    for variants, said in (
        ("babies", "petitions[0]: variants: expected a list"),
        ([{"name": "Babies!", "headline": "x", "page": "/p/"}], "variants[0].name: expected"),
        ([{"name": "a", "headline": "x", "page": "/p/"}] * 2, "'a' is already a variant"),
        ([{"name": "a", "page": "/p/"}], "variants[0].headline: required, a str"),
    ):
        manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
        manifest["petitions"][0]["variants"] = variants
        path = tmp_path / "petitions.json"
        path.write_text(json.dumps(manifest), encoding="utf-8")
        result = runner.invoke(args=["petitions", "sync", str(path)])
        assert result.exit_code != 0
        assert said in result.output
    assert [name for name, _, _ in declared(app)] == ["twelve-weeks", "every-worker"]
