"""A supporter's ZIP code tells the form her congressional district, or asks her to choose."""

from __future__ import annotations

from ..api.support import SIGN_URL, signatures, supporter


def test_the_form_script_learns_the_districts_of_a_zip(client):
    response = client.get("/api/districts/10001")
    assert response.status_code == 200
    body = response.get_json()
    assert body["zip"] == "10001"
    assert [d["district"] for d in body["districts"]] == ["NY-10", "NY-12"]
    assert body["districts"][1] == {
        "district": "NY-12",
        "state": "NY",
        "representative": "Jerrold Nadler",
    }
    assert body["states"] == ["NY"]
    assert "max-age" in response.headers["Cache-Control"]


def test_a_zip_across_a_state_line_names_both_states(client):
    body = client.get("/api/districts/30165").get_json()
    assert body["states"] == ["AL", "GA"]
    assert {d["district"] for d in body["districts"]} == {"AL-03", "GA-14"}


def test_a_vacant_seat_and_an_unknown_zip(client):
    body = client.get("/api/districts/94541-1234").get_json()
    assert body["districts"] == [{"district": "CA-14", "state": "CA", "representative": None}]
    missing = client.get("/api/districts/00000")
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == 404
    assert client.get("/api/districts/abc").status_code == 404


def test_a_supporter_in_a_one_district_zip_gets_her_district_without_being_asked(app, client):
    assert client.post(SIGN_URL, json=supporter(zip="10021")).status_code == 201
    (signature,) = signatures(app)
    assert signature.district == "NY-12"


def test_at_large_states_dc_and_territories_resolve_by_the_state(app, client):
    for i, (state, zip_code) in enumerate([("AK", "99501"), ("DC", "20001"), ("GU", "96910")]):
        person = supporter(state=state, zip=zip_code, email=f"p{i}@example.org")
        assert client.post(SIGN_URL, json=person).status_code == 201
    assert [s.district for s in signatures(app)] == ["AK-AL", "DC-AL", "GU-AL"]


def test_a_supporter_in_a_split_zip_who_does_not_choose_stays_unresolved(app, client):
    assert client.post(SIGN_URL, json=supporter(zip="10001")).status_code == 201
    assert (
        client.post(
            SIGN_URL, json=supporter(zip="10001", district="NY-10", email="b@example.org")
        ).status_code
        == 201
    )
    assert [s.district for s in signatures(app)] == [None, "NY-10"]


def test_a_district_that_does_not_contain_the_zip_is_refused(client):
    response = client.post(SIGN_URL, json=supporter(zip="10001", district="NY-15"))
    assert response.status_code == 422
    assert response.get_json()["errors"]["district"] == [
        "ZIP code 10001 is not in district NY-15: choose NY-10 or NY-12."
    ]
    nowhere = client.post(SIGN_URL, json=supporter(zip="10118", district="NY-99"))
    assert nowhere.get_json()["errors"]["district"] == ["There is no district NY-99."]


def test_the_zip_must_agree_with_the_state_by_the_census_table(client):
    # 10001 is in New York; its prefix would pass for New Jersey, a neighbour.
    response = client.post(SIGN_URL, json=supporter(state="NJ", zip="10001"))
    assert response.status_code == 422
    assert "not in New Jersey" in response.get_json()["errors"]["zip"][0]
    # A single-building ZIP the Census table lacks falls back to the prefix check.
    assert client.post(SIGN_URL, json=supporter(zip="10118")).status_code == 201


def test_signing_reads_the_district_table_once_not_per_signature(app, client):
    from sqlalchemy import event

    statements = []
    engine = app.extensions["engine"]
    assert client.get("/api/districts/10021").status_code == 200  # loads the map

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        for i in range(20):
            person = supporter(zip="10021", email=f"s{i}@example.org")
            assert client.post(SIGN_URL, json=person).status_code == 201
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert [s for s in statements if "congress_" in s] == []
    assert {s.district for s in signatures(app)} == {"NY-12"}
