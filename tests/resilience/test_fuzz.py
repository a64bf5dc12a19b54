"""Hypothesis-generated requests to every public endpoint: never a 5xx, and a request
that is refused stores nothing."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from petition_api.signing.form import SignatureForm

from .fuzzing import EXAMPLES, accepted, fuzz_app, rows, tally
from .support import PETITION

FIELDS = [field.name for field in SignatureForm()]  # every field the form reads
SLUGS = st.one_of(
    st.sampled_from([PETITION, "fund-wic", "closed-petition"]), st.text(min_size=1, max_size=40)
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=300),
    st.sampled_from(["NY", "10118", "ana@example.org", "NY-12", "y", "=1+1", "<script>"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner),
    max_leaves=4,
)
BODIES = st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=20)), VALUES)
CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain",
        "application/json; charset=latin-1",
        "",
    ]
)
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    app = fuzz_app(tmp_path_factory.mktemp("fuzz"))
    yield app, app.test_client()
    app.extensions["engine"].dispose()


def segment(text: str) -> str:
    return quote(text, safe="")


def check(app, before, response) -> None:
    tally()
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if not accepted(response.status_code):
        assert rows(app) == before, f"a refused request ({response.status_code}) stored a row"


@FUZZ
@given(slug=SLUGS, body=BODIES, origin=st.sampled_from([None, "http://127.0.0.1:8000", "null"]))
def test_json_signatures(fuzzed, slug, body, origin):
    app, client = fuzzed
    before = rows(app)
    headers = {"Origin": origin} if origin else {}
    response = client.post(f"/api/petitions/{segment(slug)}/signatures", json=body, headers=headers)
    check(app, before, response)


@FUZZ
@given(slug=SLUGS, body=st.binary(max_size=2000) | st.text(max_size=2000), kind=CONTENT_TYPES)
def test_raw_signature_bodies(fuzzed, slug, body, kind):
    app, client = fuzzed
    before = rows(app)
    response = client.post(
        f"/api/petitions/{segment(slug)}/signatures",
        data=body if isinstance(body, bytes) else body.encode(),
        headers={"Content-Type": kind} if kind else {},
    )
    check(app, before, response)


@FUZZ
@given(
    body=st.dictionaries(
        st.sampled_from(FIELDS), st.one_of(st.text(max_size=300), st.sampled_from(["NY", "y"]))
    )
)
def test_form_signatures(fuzzed, body):
    app, client = fuzzed
    before = rows(app)
    response = client.post(f"/api/petitions/{PETITION}/signatures", data=body)
    check(app, before, response)


@FUZZ
@given(
    path=st.one_of(
        SLUGS.map(lambda s: f"/api/petitions/{segment(s)}"),
        SLUGS.map(lambda s: f"/api/petitions/{segment(s)}/form-token"),
        st.text(max_size=20).map(lambda z: f"/api/districts/{segment(z) or '0'}"),
        st.just("/api/petitions"),
        st.just("/api/openapi.json"),
    ),
    query=st.text(max_size=50),
)
def test_public_reads(fuzzed, path, query):
    app, client = fuzzed
    before = rows(app)
    response = client.get(f"{path}?{quote(query)}")
    tally()
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    assert rows(app) == before
    if response.status_code == 200 and response.is_json:
        text = json.dumps(response.get_json())
        assert "@example.org" not in text, "a public answer carried an email"


@FUZZ
@given(
    token=st.one_of(
        st.text(min_size=1, max_size=120), st.binary(min_size=1, max_size=60).map(lambda b: b.hex())
    ),
    method=st.sampled_from(["GET", "POST"]),
    body=st.binary(max_size=200),
)
def test_confirmation_links(fuzzed, token, method, body):
    app, client = fuzzed
    before = rows(app)
    response = client.open(f"/confirm/{segment(token)}", method=method, data=body)
    tally()
    assert response.status_code < 500
    assert response.status_code in (308, 400, 404, 405, 410, 413, 415)  # no such token
    assert rows(app) == before


def test_fuzzing_signs_too(fuzzed):
    """The generators reach the storing path, or the row checks above prove little."""
    _app, client = fuzzed
    response = client.post(
        f"/api/petitions/{PETITION}/signatures",
        json={
            "first_name": "Ana",
            "last_name": "Lopez",
            "email": "fuzz-ok@example.org",
            "state": "NY",
            "zip": "10118",
        },
    )
    assert response.status_code == 201
