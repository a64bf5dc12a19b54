"""Staff export the signatures they need, and only the personal data they ask for."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import func, select

from petition_api.models import Signature

from ..conftest import PRODUCTION, database, load_congress, prepared_app
from .support import (
    PETITION,
    add_signatures,
    audit_rows,
    bearer,
    csv_rows,
    pdf_text,
    read_archive,
)


def people():
    return [
        {"state": "NY", "zip": "10001", "district": "NY-12", "street": "1 Main St",
         "created_at": datetime(2026, 10, 1, 9, tzinfo=UTC)},
        {"state": "NY", "zip": "10001", "district": "NY-10",
         "created_at": datetime(2026, 10, 15, 9, tzinfo=UTC)},
        {"state": "VT", "zip": "05401", "created_at": datetime(2026, 11, 2, 9, tzinfo=UTC)},
        {"state": "VT", "zip": "05401", "status": "pending", "email": "p@example.org",
         "created_at": datetime(2026, 11, 3, 9, tzinfo=UTC)},
    ]  # fmt: skip


def test_exports_filter_by_state_district_status_and_date(app, client, token):
    add_signatures(app, people())
    url = f"/api/petitions/{PETITION}/signatures.csv"

    def names(query=""):
        response = client.get(url + query, headers=bearer(token))
        assert response.status_code == 200, response.data
        return [r["last_name"] for r in csv_rows(response.data)]

    assert names() == ["Signer0000", "Signer0001", "Signer0002"]
    assert names("?status=all") == ["Signer0000", "Signer0001", "Signer0002", "Signer0003"]
    assert names("?status=pending") == ["Signer0003"]
    assert names("?state=vt&status=validated,pending") == ["Signer0002", "Signer0003"]
    assert names("?district=NY-12") == ["Signer0000"]
    assert names("?since=2026-10-15&until=2026-11-02") == ["Signer0001", "Signer0002"]
    assert names("?until=2026-10-01") == ["Signer0000"]


def test_the_json_export_is_shaped_like_osdi_signatures(app, client, token):
    add_signatures(app, people())
    response = client.get(
        f"/api/petitions/{PETITION}/signatures.json?state=NY", headers=bearer(token)
    )
    assert response.mimetype == "application/json"
    body = json.loads(response.data)
    assert body["total_records"] == 2
    first = body["_embedded"]["osdi:signatures"][0]
    assert first["identifiers"][0].startswith("groundswell:")
    assert first["created_date"] == "2026-10-01T09:00:00+00:00"
    person = first["_embedded"]["osdi:person"]
    assert person["family_name"] == "Signer0000"
    assert person["email_addresses"][0]["address"] == "signer0@example.org"
    address = person["postal_addresses"][0]
    assert (address["address_lines"], address["region"], address["postal_code"]) == (
        ["1 Main St"],
        "NY",
        "10001",
    )
    assert person["custom_fields"]["congressional_district"] == "NY-12"
    assert first["custom_fields"]["status"] == "validated"


def test_the_packets_never_carry_emails_or_streets_as_the_privacy_notice_promises(
    app, client, token
):
    add_signatures(app, people())
    url = f"/api/petitions/{PETITION}/delivery?state=NY"
    plain = read_archive(client.get(url, headers=bearer(token)).data)
    row = csv_rows(plain["NY/NY-12.csv"])[0]
    assert "email" not in row and "street" not in row
    assert "signer0@example.org" not in pdf_text(plain["NY/NY-12.pdf"])
    assert "1 Main St" not in pdf_text(plain["NY/NY-12.pdf"])
    assert "VT/VT-AL.pdf" not in plain  # one state only

    for asked in ("&include_email=1", "&include_street=1"):
        refused = client.get(url + asked, headers=bearer(token))
        assert refused.status_code == 400
        assert "never delivered" in refused.get_json()["error"]["message"]
    assert [r.outcome for r in audit_rows(app)][-2:] == ["bad-request", "bad-request"]


def test_unconfirmed_signatures_are_never_delivered(app, client, token, runner):
    add_signatures(app, people())
    url = f"/api/petitions/{PETITION}/delivery?state=VT"
    vermont = read_archive(client.get(url, headers=bearer(token)).data)
    assert len(csv_rows(vermont["VT/VT-AL.csv"])) == 1  # Signer0003 has not confirmed
    for status in ("pending", "validated,pending", "all"):
        refused = client.get(f"{url}&status={status}", headers=bearer(token))
        assert refused.status_code == 400
        assert "confirmed (validated) signatures only" in refused.get_json()["error"]["message"]
    cli = runner.invoke(args=["delivery", "export", PETITION, "--out", "x", "--status", "pending"])
    assert cli.exit_code != 0 and "No such option" in cli.output


def test_a_date_range_limits_the_delivery(app, client, token):
    add_signatures(app, people())
    url = f"/api/petitions/{PETITION}/delivery"
    ranged = read_archive(
        client.get(url + "?since=2026-10-10&until=2026-10-31", headers=bearer(token)).data
    )
    assert sorted(n for n in ranged if n.endswith(".pdf")) == [
        "NY/NY-10.pdf",
        "NY/NY-JR.pdf",
        "NY/NY-SR.pdf",
    ]


def test_without_district_data_the_delivery_says_what_to_do(database_url, tmp_path):
    app = prepared_app(database_url, tmp_path)
    from .support import staff_token

    token = staff_token(app)
    response = app.test_client().get(f"/api/petitions/{PETITION}/delivery", headers=bearer(token))
    assert response.status_code == 409
    assert "flask congress load" in response.get_json()["error"]["message"]
    app.extensions["engine"].dispose()


def test_synthetic_signatures_cover_every_office_and_never_in_production(database_url, tmp_path):
    app = prepared_app(database_url, tmp_path)
    load_congress(app)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["signatures", "synthesize", "3000", "--petition", PETITION,
                                 "--seed", "7"])  # fmt: skip
    assert result.exit_code == 0, result.output
    with database(app) as session:
        count = session.scalar(select(func.count()).select_from(Signature))
        districts = session.scalar(select(func.count(func.distinct(Signature.district))))
        domains = set(session.scalars(select(Signature.email)))
    assert count == 3000
    assert districts > 400  # spread over (nearly) all 441 House seats
    assert all(e.endswith("@example.invalid") for e in domains)
    app.extensions["engine"].dispose()

    production = prepared_app(database_url, tmp_path, **PRODUCTION)
    refused = production.test_cli_runner().invoke(
        args=["signatures", "synthesize", "10", "--petition", PETITION]
    )
    assert refused.exit_code == 1
    assert "refusing" in refused.output
    production.extensions["engine"].dispose()
