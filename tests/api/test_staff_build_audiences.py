"""Staff build audiences: a Meta customer list of the people who agreed, a suppression
list of those who did not, and imports for Mailchimp, Action Network and OSDI tools.

Six people sign: Maria ticks the box, Jo does not, Sam ticks it then unsubscribes,
Lee ticks it and their mail bounces, Kim ticks it and reports an update as spam,
and Ana ticks it and then asks to be forgotten.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json

import pytest
from sqlalchemy import select

from petition_api.audiences import meta
from petition_api.models import AuditEntry, EmailStatus, Supporter, SuppressedEmail
from petition_api.staff import tokens

from ..conftest import database
from .support import SIGN_URL, mailbox, supporter
from .supporters_support import confirm_everyone, supporter_row
from .test_data_is_kept_only_as_promised import PRIVACY

PEOPLE = {
    "maria": dict(first_name="María José", last_name="O'Brien-Núñez", city="St. Paul",
                  email=" Maria.H+petitions@Example.org", state="MN", zip="55101-1234"),
    "jo": dict(first_name="Jo", last_name="Park", email="jo@example.org", email_updates=None),
    "sam": dict(first_name="Sam", last_name="Reyes", email="sam@example.org"),
    "lee": dict(first_name="Lee", last_name="Wong", email="lee@example.org"),
    "kim": dict(first_name="Kim", last_name="Diaz", email="kim@example.org"),
    "ana": dict(first_name="Ana", last_name="Lopez", email="ana@example.org"),
}  # fmt: skip


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def campaign(app, client, runner):
    """The six, each where the story puts them; the runner, for exports."""
    for person in PEOPLE.values():
        client.post(SIGN_URL, json=supporter(**person))
    confirm_everyone(client, runner, lambda: mailbox(app))
    sam = supporter_row(app, "sam@example.org")
    client.post(f"/unsubscribe/{sam.link_key}", data={"List-Unsubscribe": "One-Click"})
    with database(app) as session:  # as the bounce and complaint rules leave them
        for email, status in (("lee@example.org", EmailStatus.BOUNCING),
                              ("kim@example.org", EmailStatus.SPAM_COMPLAINT)):  # fmt: skip
            person = session.scalar(select(Supporter).where(Supporter.email == email))
            session.execute(Supporter.mark(person.id, status, person.created_at))
    assert runner.invoke(args=["supporters", "forget", "ana@example.org", "--yes"]).exit_code == 0
    return runner


def token(app, scopes=("audiences",)) -> dict:
    with database(app) as session:
        made = tokens.create(session, "Dana at the campaign office", list(scopes))
    return {"Authorization": f"Bearer {made}"}


def rows_of(data: bytes | str) -> list[dict]:
    text = data.decode() if isinstance(data, bytes) else data
    return list(csv.DictReader(io.StringIO(text)))


# -- Meta's rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "given", "normalised"),
    [
        ("email", " John_Smith@gmail.com ", "john_smith@gmail.com"),  # Meta's own example
        ("email", "Maria.H+petitions@Example.org", "maria.h+petitions@example.org"),  # tag kept
        ("name", "Mary", "mary"),  # Meta's own example
        ("name", "Valéry", "valéry"),  # Meta's own example: UTF-8, accent kept
        ("name", "Vale\u0301ry", "valéry"),  # the same name, the accent typed apart
        ("name", "O'Brien", "obrien"),
        ("name", "Adebayo-Quist", "adebayoquist"),
        ("name", "María  José", "maría josé"),
        ("name", "D\u2019Angelo, Jr.", "dangelo jr"),
        ("city", "St. Paul", "stpaul"),
        ("city", "Winston-Salem", "winstonsalem"),
        ("city", "Coeur d\u2019Alene", "coeurdalene"),
        ("zip_code", "10118-0110", "10118"),
        ("zip_code", "02134", "02134"),
        ("state", "NY", "ny"),
    ],
)
def test_each_field_is_normalised_as_meta_documents(field, given, normalised):
    assert getattr(meta, field)(given) == normalised


def test_the_hashes_are_the_ones_meta_publishes():
    # From Meta's customer information parameters: the normalised value and its SHA-256.
    assert meta.sha256(meta.name("Mary")) == (
        "6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec"
    )
    assert meta.sha256(meta.name("Valéry")) == (
        "08e1996b5dd49e62a4b4c010d44e4345592a863bb9f8e3976219bac29417149c"
    )
    assert meta.sha256(meta.email("John_Smith@gmail.com")) == (
        "62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f"
    )
    assert meta.sha256("") == ""  # an empty field stays empty, never the hash of nothing


# -- Who is in which list -----------------------------------------------------------------


def test_only_people_who_agreed_are_in_the_meta_list_and_staff_learn_who_was_left_out(
    app, client, campaign
):
    answer = client.get("/api/audiences/meta", headers=token(app))
    assert answer.status_code == 200
    [maria] = rows_of(answer.data)
    assert maria == {
        "email": sha("maria.h+petitions@example.org"),
        "fn": sha("maría josé"),
        "ln": sha("obriennúñez"),
        "zip": sha("55101"),
        "ct": sha("stpaul"),
        "st": sha("mn"),
        "country": sha("us"),
    }
    assert answer.headers["Groundswell-Left-Out"] == (
        "no_consent=1, unsubscribed=1, bouncing=1, complained=1, only_petitions_signed=0"
    )
    plain = rows_of(client.get("/api/audiences/meta?plain=1", headers=token(app)).data)
    assert plain[0]["fn"] == "maría josé" and plain[0]["email"] == "maria.h+petitions@example.org"


def test_the_suppression_list_holds_who_withdrew_complained_or_was_forgotten(app, client, campaign):
    answer = client.get("/api/audiences/meta-suppression", headers=token(app))
    assert answer.status_code == 200
    assert sorted(row["email"] for row in rows_of(answer.data)) == sorted(
        [sha(f"{name}@example.org") for name in ("sam", "kim", "lee", "ana")]
    )
    plain = client.get("/api/audiences/meta-suppression?plain=1", headers=token(app))
    assert sorted(r["email"] for r in rows_of(plain.data)) == [
        "kim@example.org", "lee@example.org", "sam@example.org",
    ]  # fmt: skip
    with database(app) as session:  # Ana is held as that hash and nothing else
        assert session.scalars(select(SuppressedEmail.email_sha256)).all() == [
            sha("ana@example.org")
        ]


def test_a_forgotten_person_never_appears_in_any_list(app, client, campaign):
    for fmt in ("meta?plain=1", "mailchimp", "actionnetwork", "osdi"):
        answer = client.get(f"/api/audiences/{fmt}", headers=token(app))
        assert answer.status_code == 200
        assert b"ana@example.org" not in answer.data and b"Lopez" not in answer.data
        assert sha("ana@example.org").encode() not in answer.data


def test_mailchimp_gets_its_columns_and_a_tag_per_petition(app, client, campaign):
    client.post("/api/petitions/fund-wic/signatures", json=supporter(**PEOPLE["maria"]))
    confirm_everyone(client, campaign, lambda: mailbox(app))
    [maria] = rows_of(client.get("/api/audiences/mailchimp", headers=token(app)).data)
    assert maria == {
        "Email Address": "Maria.H+petitions@example.org",
        "First Name": "María José",
        "Last Name": "O'Brien-Núñez",
        "Address": "",  # never a street
        "City": "St. Paul",
        "State": "MN",
        "Zip Code": "55101-1234",
        "Tags": "fund-wic,paid-family-leave",
    }
    one = "/api/audiences/mailchimp?petition=paid-family-leave"
    [only] = rows_of(client.get(one, headers=token(app)).data)
    assert only["Tags"] == "paid-family-leave"  # a list of one petition names no other
    [row] = rows_of(client.get("/api/audiences/actionnetwork", headers=token(app)).data)
    assert list(row) == ["email", "first_name", "last_name", "zip_code", "petitions_signed"]
    assert row["zip_code"] == "55101-1234"
    assert row["petitions_signed"] == "fund-wic paid-family-leave"


def test_osdi_people_are_shaped_as_the_osdi_documentation_shows(app, client, campaign):
    answer = client.get("/api/audiences/osdi", headers=token(app))
    collection = json.loads(answer.data)
    assert collection["total_records"] == 1
    [person] = collection["_embedded"]["osdi:people"]
    # The keys and shapes of the Person example in OSDI's people.md.
    assert person["given_name"] == "María José" and person["family_name"] == "O'Brien-Núñez"
    assert person["identifiers"][0].startswith("groundswell:")
    assert person["email_addresses"] == [
        {
            "primary": True,
            "address": "Maria.H+petitions@example.org",
            "address_type": "personal",
            "status": "subscribed",
        }
    ]
    assert person["postal_addresses"] == [
        {
            "primary": True,
            "address_type": "Home",
            "locality": "St. Paul",
            "region": "MN",
            "postal_code": "55101-1234",
            "country": "US",
        }
    ]
    assert person["created_date"].endswith("Z") and person["modified_date"].endswith("Z")
    [signature] = person["_embedded"]["osdi:signatures"]
    assert signature["_links"]["osdi:petition"]["href"].endswith("/api/petitions/paid-family-leave")
    assert signature["action_date"].endswith("Z")


def test_filters_narrow_to_a_petition_and_a_day(app, client, campaign):
    other = dict(first_name="Wei", last_name="Chen", email="wei@example.org")
    client.post("/api/petitions/fund-wic/signatures", json=supporter(**other))
    confirm_everyone(client, campaign, lambda: mailbox(app))
    wic = rows_of(client.get("/api/audiences/mailchimp?petition=fund-wic", headers=token(app)).data)
    assert [r["Email Address"] for r in wic] == ["wei@example.org"]
    both = "/api/audiences/mailchimp?petition=fund-wic&petition=paid-family-leave"
    assert len(rows_of(client.get(both, headers=token(app)).data)) == 2
    later = rows_of(
        client.get("/api/audiences/mailchimp?since=2999-01-01", headers=token(app)).data
    )
    assert later == []


# -- Staff only, and every export recorded ------------------------------------------------


def test_an_audience_needs_a_token_for_audiences_and_every_try_is_recorded(app, client, campaign):
    assert client.get("/api/audiences/meta").status_code == 401
    assert client.get("/api/audiences/meta", headers=token(app, ["export"])).status_code == 403
    assert client.get("/api/audiences/tiktok", headers=token(app)).status_code == 404
    wrong = client.get("/api/audiences/meta?petition=no-such", headers=token(app))
    assert wrong.status_code == 400
    assert "no petition called 'no-such'" in wrong.get_json()["error"]["message"]
    done = client.get("/api/audiences/meta?since=2020-01-01", headers=token(app))
    assert done.status_code == 200 and len(rows_of(done.data)) == 1
    with database(app) as session:
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("audiences.%")).order_by(AuditEntry.id)
        ).all()
    assert [e.outcome for e in entries] == [
        "unauthenticated", "wrong-scope", "not-found", "bad-request", "ok",
    ]  # fmt: skip
    finished = entries[-1]
    assert finished.rows == 1 and finished.actor.endswith("Dana at the campaign office")
    assert finished.filters == {"since": "2020-01-01", "plain": False, "left_out": 4}
    head = client.head("/api/audiences/meta", headers=token(app))
    assert head.status_code == 200
    with database(app) as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).one()
    assert last.action == "audiences.meta"  # a HEAD is recorded too
    assert b"maria" not in json.dumps(finished.filters).encode().lower()


def test_an_audience_is_named_for_the_campaign_and_day_never_a_petition(app, client, campaign):
    answer = client.get("/api/audiences/meta?petition=fund-wic", headers=token(app))
    disposition = answer.headers["Content-Disposition"]
    assert "fund-wic" not in disposition and "wic" not in disposition.lower()
    assert disposition.startswith('attachment; filename="') and "-meta.csv" in disposition


def test_staff_export_from_the_command_line_into_a_folder(app, campaign, tmp_path):
    result = campaign.invoke(args=["audiences", "export", "meta", "--out", f"{tmp_path}/ads/"])
    assert result.exit_code == 0, result.output
    [written] = list((tmp_path / "ads").glob("*-meta.csv"))
    assert len(rows_of(written.read_text(encoding="utf-8"))) == 1
    assert "left out: 1 without consent, 1 unsubscribed, 1 bouncing, 1 complained" in result.output
    again = campaign.invoke(args=["audiences", "export", "meta", "--out", f"{tmp_path}/ads/"])
    assert again.exit_code != 0 and "exists; add --force to replace it" in again.output
    assert (written.stat().st_mode & 0o777) == 0o600
    missing = campaign.invoke(args=["audiences", "export", "meta", "--out", f"{tmp_path}/no/x.csv"])
    assert missing.exit_code != 0 and "there is no folder" in missing.output
    plain = campaign.invoke(
        args=["audiences", "export", "osdi", "--plain", "--out", f"{tmp_path}/"]
    )
    assert plain.exit_code != 0 and "--plain is for the meta formats only" in plain.output
    named = campaign.invoke(args=["audiences", "export", "mailchimp",
                                  "--out", str(tmp_path / "fund-wic-signers.csv")])  # fmt: skip
    assert named.exit_code == 0 and "warning: the file name names the petition" in named.output
    one = campaign.invoke(args=["audiences", "export", "meta", "--petition", "fund-wic",
                                "--out", f"{tmp_path}/one/"])  # fmt: skip
    assert "a Meta audience of one petition's signers may suggest its topic" in one.output
    wrong = campaign.invoke(args=["audiences", "export", "meta", "--since", "yesterday",
                                  "--out", str(tmp_path)])  # fmt: skip
    assert wrong.exit_code != 0 and "since must be a date like 2026-11-25" in wrong.output
    with database(app) as session:
        outcomes = session.scalars(
            select(AuditEntry.outcome).where(AuditEntry.action.like("audiences.%"))
        ).all()
    assert outcomes.count("bad-request") == 4  # refusals are recorded too


# -- What the privacy notice promises -----------------------------------------------------


def test_meta_gets_only_what_the_privacy_notice_names_and_never_a_petition(app, client, campaign):
    elsewhere = " ".join(PRIVACY.split("**Our updates elsewhere.**", 1)[1].split("\n- ")[0].split())
    assert (
        "Meta your email, first and last name, city, state and ZIP code in a one-way" in elsewhere
    )
    assert meta.COLUMNS == ("email", "fn", "ln", "zip", "ct", "st", "country")
    for fmt in ("meta", "meta-suppression"):
        for plain in ("0", "1"):
            answer = client.get(f"/api/audiences/{fmt}?plain={plain}", headers=token(app))
            words = answer.data.decode() + answer.headers["Content-Disposition"]
            for named in ("paid-family-leave", "paid family leave", "wic", "fund"):
                assert named not in words.lower()


def test_someone_who_never_agreed_to_updates_leaves_not_even_a_hash_when_forgotten(
    app, client, campaign
):
    assert campaign.invoke(args=["supporters", "forget", "jo@example.org", "--yes"]).exit_code == 0
    with database(app) as session:
        kept = session.scalars(select(SuppressedEmail.email_sha256)).all()
    assert sha("jo@example.org") not in kept and sha("ana@example.org") in kept
    assert "Meta to keep you out of lists we gave it before you left" in " ".join(PRIVACY.split())


def test_a_supporter_who_wants_only_their_petitions_is_in_those_lists_only(app, client, campaign):
    maria = supporter_row(app, "Maria.H+petitions@example.org")
    client.post(f"/preferences/{maria.link_key}", data={"updates": "signed"})
    whole = client.get("/api/audiences/meta", headers=token(app))
    assert rows_of(whole.data) == []
    assert "only_petitions_signed=1" in whole.headers["Groundswell-Left-Out"]
    theirs = client.get("/api/audiences/meta?petition=paid-family-leave", headers=token(app))
    assert len(rows_of(theirs.data)) == 1


def test_every_address_a_gone_supporter_gave_stays_suppressed(app, client, campaign):
    """Jane is uploaded to Meta as jane.doe@gmail.com, signs again as janedoe+wic@gmail.com
    (the same mailbox, so the same supporter, now under the newer spelling), then
    unsubscribes: Meta must be told both. Kim is forgotten under a spelling staff typed."""
    jane = dict(first_name="Jane", last_name="Doe", email="jane.doe@gmail.com")
    client.post(SIGN_URL, json=supporter(**jane))
    confirm_everyone(client, campaign, lambda: mailbox(app))
    uploaded = {
        r["email"] for r in rows_of(client.get("/api/audiences/meta", headers=token(app)).data)
    }
    assert sha("jane.doe@gmail.com") in uploaded
    again = {**jane, "email": "janedoe+wic@gmail.com", "email_updates": None}
    client.post("/api/petitions/fund-wic/signatures", json=supporter(**again))
    confirm_everyone(client, campaign, lambda: mailbox(app))
    key = supporter_row(app, "janedoe+wic@gmail.com").link_key
    client.post(f"/unsubscribe/{key}", data={"List-Unsubscribe": "One-Click"})
    rows = {
        r["email"]
        for r in rows_of(client.get("/api/audiences/meta-suppression", headers=token(app)).data)
    }
    assert {sha("jane.doe@gmail.com"), sha("janedoe+wic@gmail.com")} <= rows
    campaign.invoke(args=["supporters", "forget", "KIM@example.org", "--yes"])
    rows = {
        r["email"]
        for r in rows_of(client.get("/api/audiences/meta-suppression", headers=token(app)).data)
    }
    assert sha("kim@example.org") in rows


def test_retention_keeps_the_hash_of_a_supporter_it_lets_go_who_had_agreed(app, client, campaign):
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import update

    from petition_api.models import Petition

    closes = datetime(2027, 1, 31, tzinfo=UTC)
    with database(app) as session:
        session.execute(update(Petition).values(closes_at=closes))
    when = (closes + timedelta(days=731)).strftime("%Y-%m-%d")
    assert campaign.invoke(args=["retention", "run", "--now", when]).exit_code == 0
    assert supporter_row(app, "sam@example.org") is None  # let go: unsubscribed, nameless
    rows = rows_of(client.get("/api/audiences/meta-suppression", headers=token(app)).data)
    assert sha("sam@example.org") in {r["email"] for r in rows}
    assert sha("jo@example.org") not in {r["email"] for r in rows}  # never agreed


def test_crm_lists_carry_only_what_the_privacy_notice_names(app, client, campaign):
    elsewhere = " ".join(PRIVACY.split("**Our updates elsewhere.**", 1)[1].split("\n- ")[0].split())
    assert "name, email, city, state, ZIP code, congressional district and which of our" in (
        elsewhere
    )
    for fmt in ("mailchimp", "actionnetwork", "osdi"):
        body = client.get(f"/api/audiences/{fmt}", headers=token(app)).data.decode()
        for never in ("Street", "street", "utm_", "comment", "ip_address"):
            assert never not in body, (fmt, never)
