"""Signer data leaves only with a staff token, and every attempt is written down."""

from __future__ import annotations

import json

import pytest

from .support import (
    PETITION,
    add_signatures,
    audit_rows,
    bearer,
    csv_rows,
    read_archive,
    staff_token,
)

EXPORTS = [
    ("delivery.download", f"/api/petitions/{PETITION}/delivery"),
    ("signatures.csv", f"/api/petitions/{PETITION}/signatures.csv"),
    ("signatures.json", f"/api/petitions/{PETITION}/signatures.json"),
]


@pytest.mark.parametrize(("action", "url"), EXPORTS)
def test_a_stranger_without_a_token_is_turned_away_and_recorded(app, client, action, url):
    add_signatures(app, [{"state": "NY", "zip": "10001", "district": "NY-12"}])
    response = client.get(url + "?state=NY")
    assert response.status_code == 401
    assert "Signer0000" not in response.get_data(as_text=True)
    (entry,) = audit_rows(app)
    assert (entry.actor, entry.action, entry.target, entry.outcome) == (
        "anonymous",
        action,
        PETITION,
        "unauthenticated",
    )
    assert entry.filters == {"state": "NY"}
    assert entry.ip == "127.0.0.1"


def test_a_strangers_query_is_recorded_cut_short_and_harmless_to_a_staff_terminal(
    app, client, runner
):
    query = "&".join(f"k{i}{'x' * 200}=\x1b[31mred{'y' * 500}" for i in range(50))
    client.get(f"/api/petitions/{PETITION}%0a%1b[2J/signatures.csv?{query}")
    (entry,) = audit_rows(app)
    assert len(entry.filters) <= 12
    assert all(len(k) <= 40 and len(v) <= 40 for k, v in entry.filters.items())
    text = json.dumps(entry.filters) + entry.target
    assert "\x1b" not in text and "\n" not in text
    listing = runner.invoke(args=["audit", "list"]).output
    assert "\x1b" not in listing and "\\x1b" in listing


@pytest.mark.parametrize(("action", "url"), EXPORTS)
def test_a_wrong_or_revoked_token_is_forbidden_and_recorded(app, client, runner, action, url):
    assert client.get(url, headers=bearer("gs_not-a-real-token")).status_code == 403
    token = staff_token(app, "Former intern")
    assert runner.invoke(args=["tokens", "revoke", "1"]).exit_code == 0
    assert client.get(url, headers=bearer(token)).status_code == 403
    entries = audit_rows(app)
    assert [(e.actor, e.action, e.outcome) for e in entries] == [
        ("invalid-token", action, "forbidden"),
        ("cli:root", "token.revoke", "ok"),
        ("invalid-token", action, "forbidden"),
    ]
    # The token itself is never written down.
    assert all(token not in json.dumps([e.actor, e.filters, e.target]) for e in entries)


def test_an_expired_token_and_a_token_for_something_else_are_refused_and_recorded(
    app, client, runner
):
    from sqlalchemy import update

    from petition_api.models import ApiToken, utcnow
    from petition_api.staff import tokens

    from ..conftest import database

    with database(app) as session:
        exporter = tokens.create(session, "Exports only", ["export"])
        old = tokens.create(session, "Last year's", ["export", "deliver"], days=1)
        session.flush()
        session.execute(
            update(ApiToken).where(ApiToken.name == "Last year's").values(expires_at=utcnow())
        )
    delivery = f"/api/petitions/{PETITION}/delivery"
    refused = client.get(delivery, headers=bearer(exporter))
    assert (
        refused.status_code == 403
        and "not for delivery packets" in refused.get_json()["error"]["message"]
    )
    exported = client.get(f"/api/petitions/{PETITION}/signatures.csv", headers=bearer(exporter))
    assert exported.status_code == 200 and exported.data.startswith(b"id,status")
    expired = client.get(delivery, headers=bearer(old))
    assert expired.status_code == 403 and "expired" in expired.get_json()["error"]["message"]
    refusals = [(e.actor, e.action, e.outcome) for e in audit_rows(app) if e.outcome != "ok"]
    assert refusals == [
        ("token:1:Exports only", "delivery.download", "wrong-scope"),
        ("token:2:Last year's", "delivery.download", "expired-token"),
    ]


def test_making_and_revoking_tokens_is_recorded_and_listed_with_scopes_and_expiry(app, runner):
    made = runner.invoke(
        args=["tokens", "create", "Press desk", "--scope", "export", "--days", "7"]
    )
    assert made.exit_code == 0, made.output
    listing = runner.invoke(args=["tokens", "list"]).output
    assert "Press desk\tactive\texport\texpires " in listing
    assert runner.invoke(args=["tokens", "create", "Nobody"]).exit_code != 0  # a scope is required
    runner.invoke(args=["tokens", "revoke", "1"])
    recorded = [(e.action, e.target, e.filters) for e in audit_rows(app)]
    assert recorded == [
        ("token.create", "Press desk", {"scopes": ["export"], "days": 7}),
        ("token.revoke", "1", None),
    ]


def test_a_staff_members_exports_are_recorded_with_filters_and_row_counts(
    app, client, runner, token
):
    add_signatures(
        app,
        [
            {"state": "NY", "zip": "10001", "district": "NY-12"},
            {"state": "NY", "zip": "10001", "district": "NY-10"},
            {"state": "VT", "zip": "05401"},
        ],
    )
    url = f"/api/petitions/{PETITION}"
    exported = client.get(f"{url}/signatures.csv?state=NY", headers=bearer(token))
    assert len(csv_rows(exported.data)) == 2
    delivered = client.get(f"{url}/delivery?state=VT", headers=bearer(token))
    assert "VT/VT-AL.pdf" in read_archive(delivered.data)
    csv_entry, delivery_entry = audit_rows(app)
    assert csv_entry.actor == "token:1:Dana at the campaign office"
    assert (csv_entry.action, csv_entry.outcome, csv_entry.rows) == ("signatures.csv", "ok", 2)
    assert csv_entry.filters == {"statuses": ["validated"], "state": "NY"}
    assert (delivery_entry.action, delivery_entry.outcome, delivery_entry.rows) == (
        "delivery.download",
        "ok",
        1,
    )

    result = runner.invoke(args=["audit", "list"])
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert "signatures.csv" in lines[0] and "\tok\t2\t" in lines[0]
    assert "delivery.download" in lines[1] and '"state": "VT"' in lines[1]
    as_json = runner.invoke(args=["audit", "list", "--json"]).output.strip().splitlines()
    assert json.loads(as_json[1])["rows"] == 1


def test_a_download_stopped_halfway_is_recorded_as_incomplete(app, client, token):
    add_signatures(app, [{"state": "VT", "zip": "05401"}, {"state": "NY", "zip": "10001"}])
    response = client.get(f"/api/petitions/{PETITION}/delivery", headers=bearer(token))
    next(iter(response.response))
    response.close()
    (entry,) = audit_rows(app)
    assert entry.outcome == "incomplete"


def test_an_unknown_petition_is_a_404_for_staff_and_is_recorded(app, client, token):
    response = client.get("/api/petitions/no-such-thing/delivery", headers=bearer(token))
    assert response.status_code == 404
    assert audit_rows(app)[-1].outcome == "not-found"


def test_bad_filters_are_explained(app, client, token):
    response = client.get(
        f"/api/petitions/{PETITION}/signatures.csv?since=yesterday", headers=bearer(token)
    )
    assert response.status_code == 400
    assert "since must be a date" in response.get_json()["error"]["message"]
    response = client.get(
        f"/api/petitions/{PETITION}/delivery?status=fraudulent", headers=bearer(token)
    )
    assert response.status_code == 400
    assert audit_rows(app)[-1].outcome == "bad-request"


def test_the_cli_export_is_recorded_too(app, runner, tmp_path):
    add_signatures(app, [{"state": "VT", "zip": "05401"}])
    result = runner.invoke(
        args=["delivery", "export", PETITION, "--out", str(tmp_path / "out"), "--state", "VT"]
    )
    assert result.exit_code == 0, result.output
    (entry,) = audit_rows(app)
    assert entry.actor.startswith("cli")
    assert (entry.action, entry.outcome, entry.rows) == ("delivery.download", "ok", 1)
    (archive,) = (tmp_path / "out").glob("*.zip")
    files = read_archive(archive.read_bytes())
    assert sorted(files) == [
        "README.txt",
        "VT/VT-AL.csv",
        "VT/VT-AL.pdf",
        "VT/VT-JR.csv",
        "VT/VT-JR.pdf",
        "VT/VT-SR.csv",
        "VT/VT-SR.pdf",
        "summary.csv",
    ]
    assert [r["office"] for r in csv_rows(files["summary.csv"])] == ["VT-AL", "VT-JR", "VT-SR"]
