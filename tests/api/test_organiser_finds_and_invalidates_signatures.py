"""An organiser finds signatures at the console, takes a bad batch out and puts it back."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from petition_api.models import AuditEntry, Signature

from ..conftest import database
from .console_support import console_client, post
from .support import PETITION, supporter
from .test_staff_invalidate_signatures import count, sign_and_confirm


@pytest.fixture
def signed(app, client):
    sign_and_confirm(app, client, "farm1@clickfarm.example", "203.0.113.7", "TX", "73301")
    sign_and_confirm(app, client, "farm2@clickfarm.example", "203.0.113.8", "TX", "73301")
    sign_and_confirm(app, client, "maria@example.org", "198.51.100.2")
    return client


def found(staff, by: str, q: str) -> str:
    response = post(staff, "/admin/signatures", {"by": by, "q": q})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def audited(app, action: str) -> list[AuditEntry]:
    with database(app) as session:
        return list(session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_an_organiser_searches_by_each_thing_a_signature_holds(app, signed):
    staff = console_client(app, "organiser")
    assert "2 signatures found" in found(staff, "domain", "clickfarm.example")
    assert "2 signatures found" in found(staff, "ip_prefix", "203.0.113.")
    assert "1 signature found" in found(staff, "email", "Maria@Example.org")
    assert "3 signatures found" in found(staff, "name", "hernan")
    assert "2 signatures found" in found(staff, "zip", "73301")
    assert "0 signatures found" in found(staff, "district", "CA-12")
    # What was searched for is in no URL (history, access logs): searches are posted.
    assert 'method="post" action="/admin/signatures"' in staff.get("/admin/signatures").text
    searches = audited(app, "signatures.search")
    assert [e.filters for e in searches][:2] == [{"by": "domain"}, {"by": "ip_prefix"}]
    assert all(
        "clickfarm" not in str(e.filters) and "203.0" not in str(e.filters) for e in searches
    )


def test_an_organiser_opens_one_signature_and_it_is_recorded(app, signed):
    staff = console_client(app, "organiser")
    with database(app) as session:
        first = session.scalar(select(Signature.id).order_by(Signature.id))
    page = staff.get(f"/admin/signatures/{first}").get_data(as_text=True)
    assert "farm1@clickfarm.example" in page and "203.0.113.7" in page
    [viewed] = audited(app, "signatures.view")
    assert viewed.filters == {"ids": [first]} and viewed.actor.startswith("staff:")
    assert staff.get("/admin/signatures/999999").status_code == 404


def test_a_fraudulent_batch_is_previewed_invalidated_and_restored(app, signed):
    staff = console_client(app, "organiser")
    assert count(signed) == 3
    choice = {"by": "domain", "q": "clickfarm.example", "petition": PETITION}
    preview = post(staff, "/admin/signatures/invalidate", choice, token_from="/admin/signatures")
    text = preview.get_data(as_text=True)
    assert "2 signatures</strong> would be invalidated (2 of them counted now" in text
    assert count(signed) == 3  # a preview changes nothing
    no_reason = post(
        staff,
        "/admin/signatures/invalidate",
        choice | {"confirmed": "yes"},
        token_from="/admin/signatures",
    )
    assert no_reason.status_code == 400 and "Say why" in no_reason.get_data(as_text=True)
    assert count(signed) == 3
    done = post(
        staff,
        "/admin/signatures/invalidate",
        choice | {"confirmed": "yes", "reason": "click farm"},
        token_from="/admin/signatures",
    )
    assert done.status_code == 302
    assert "2 signatures invalidated" in staff.get(done.location).get_data(as_text=True)
    assert count(signed) == 1
    [entry] = audited(app, "signatures.invalidate")
    assert entry.rows == 2 and entry.filters["reason"] == "click farm"
    assert entry.filters["by"] == ["domain"] and entry.actor.startswith("staff:")
    post(
        staff,
        "/admin/signatures/restore",
        choice | {"confirmed": "yes", "reason": "not a farm after all"},
        token_from="/admin/signatures",
    )
    assert count(signed) == 3


def test_one_signature_is_invalidated_from_its_own_page(app, signed):
    staff = console_client(app, "organiser")
    with database(app) as session:
        last = session.scalar(select(Signature.id).order_by(Signature.id.desc()))
    page = f"/admin/signatures/{last}"
    preview = post(staff, "/admin/signatures/invalidate", {"id": str(last)}, token_from=page)
    assert "1 signature</strong> would be invalidated" in preview.get_data(as_text=True)
    post(
        staff,
        "/admin/signatures/invalidate",
        {"id": str(last), "confirmed": "yes", "reason": "asked to be removed"},
        token_from=page,
    )
    assert count(signed) == 2
    assert "Restore this signature" in staff.get(page).get_data(as_text=True)


def result_rows(page: str) -> list[list[str]]:
    table = page.split('<h2 id="results">')[1].split("</table>")[0]
    header = re.findall(r'<th scope="col">([^<]*)</th>', table)
    rows = re.findall(r"<tr><td>(.*?)</td></tr>", table, re.S)
    cells = [[re.sub(r"<[^>]+>", "", cell) for cell in row.split("</td><td>")] for row in rows]
    return [header, *cells]


def test_a_search_across_petitions_says_which_petition_each_signature_is_on(app, signed):
    signed.post(
        "/api/petitions/fund-wic/signatures", json=supporter(email="maria@example.org", zip="10118")
    )
    staff = console_client(app, "organiser")

    everywhere = found(staff, "email", "maria@example.org")
    assert "2 signatures found across all petitions" in everywhere
    header, *rows = result_rows(everywhere)
    assert header[3] == "Petition"
    assert sorted(row[3] for row in rows) == ["Fully fund WIC", "Guarantee paid family leave"]

    one = post(staff, "/admin/signatures", {"by": "email", "q": "maria@example.org",
                                            "petition": "fund-wic"}).text  # fmt: skip
    assert "1 signature found on Fully fund WIC" in one
    header, [row] = result_rows(one)[0], result_rows(one)[1:]
    assert "Petition" not in header and len(row) == len(header)
