"""A congressional office opens the packet a campaign delivered: a letter from the campaign
first, then its constituents by ZIP code and surname, and nothing internal."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

from pypdf import PdfReader
from sqlalchemy import select

from petition_api.delivery.letter import VERIFIED
from petition_api.models import AuditEntry, Petition, PetitionVersion

from ..conftest import database
from .support import (
    PETITION,
    add_signatures,
    bearer,
    csv_rows,
    keep_packet,
    pdf_pages,
    pdf_text,
    read_archive,
)

HASH = re.compile(r"\b[0-9a-f]{16}\b")


def flat(text: str) -> str:
    return " ".join(text.split())


def manhattan_signers() -> list[dict]:
    """NY-12 constituents signing in no useful order: several ZIP codes (one they chose
    the district for), surnames that differ only in case and accents, one surname
    shared by two first names, and enough of them for the list to run over pages."""
    people = [
        {"zip": "10028", "first_name": "Zoë", "last_name": "Ødegård"},
        {"zip": "10016", "first_name": "Walt", "last_name": "Young"},
        {"zip": "10001", "first_name": "Ann", "last_name": "Brown", "district": "NY-12"},
        {"zip": "10016", "first_name": "Émile", "last_name": "Abel"},
        {"zip": "10028", "first_name": "Lena", "last_name": "Nash"},
        {"zip": "10016", "first_name": "Bea", "last_name": "de la Cruz"},
        {"zip": "10016", "first_name": "Abe", "last_name": "Davis"},
        {"zip": "10016", "first_name": "Cy", "last_name": "Ábrego"},
        {"zip": "10016", "first_name": "Al", "last_name": "Young"},
    ]
    people += [
        {"zip": z, "first_name": "Sam", "last_name": f"Filler{n:03d}"}
        for n, z in enumerate(["10036", "10022", "10017"] * 40)
    ]
    for person in people:
        person.update(state="NY", city="New York")
        person.setdefault("district", None)
    return people


def in_order(text: str, names: list[str]) -> bool:
    found = [text.find(name) for name in names]
    return -1 not in found and found == sorted(found)


def test_a_packet_read_back_starts_with_the_cover_letter_and_lists_signers_in_order(
    app, client, token, request
):
    people = manhattan_signers()
    add_signatures(app, people)
    files = read_archive(
        client.get(f"/api/petitions/{PETITION}/delivery", headers=bearer(token)).data
    )
    packet = files["NY/NY-12.pdf"]
    keep_packet(request, packet)
    pages = pdf_pages(packet)

    letter = flat(pages[0])
    today = datetime.now(UTC)
    assert letter.startswith(
        "Families First Coalition 1200 Main Street, Suite 4 Springfield, IL 62701 "
        "dana@familiesfirst.example.org · (217) 555-0143 "
        f"{today:%B} {today.day}, {today.year} "
        "The Honorable Jerrold Nadler Representative for New York's 12th district (NY-12) "
        "2132 Rayburn House Office Building Washington, DC 20515-3212 "
    )
    assert (
        "Re: the petition “Guarantee paid family leave”, signed by 129 of your constituents"
        in letter
    )
    assert "Dear Representative Nadler:" in letter
    assert (
        "129 of your constituents in New York's 12th district signed our petition "
        "“Guarantee paid family leave” between November 1, 2026 and November 6, 2026." in letter
    )
    assert "They ask: We ask Congress to guarantee twelve weeks of paid family" in letter
    assert flat(VERIFIED) in letter
    assert "the same list comes as a spreadsheet, NY-12.csv" in letter
    assert (
        "Please write to Dana Whitfield at dana@familiesfirst.example.org or call (217) 555-0143"
        in letter
    )
    assert letter.endswith(
        "Sincerely, Dana Whitfield Families First Coalition Families First Coalition · Page 1 of 4"
    )
    assert "Signer" not in letter and "Filler" not in letter  # the letter has a page to itself

    listing = flat(" ".join(pages[1:]))
    assert listing.startswith("Guarantee paid family leave NY-12 · Representative Jerrold Nadler")
    assert "Signers in New York's 12th district, by ZIP code and surname" in listing
    assert "ZIP Name City Comment" in listing
    expected = [
        "10001 Ann Brown",
        "10016 Émile Abel", "10016 Cy Ábrego", "10016 Abe Davis", "10016 Bea de la Cruz",
        "10016 Al Young", "10016 Walt Young",
        "10017 Sam Filler002", "10017 Sam Filler119",
        "10022 Sam Filler001", "10022 Sam Filler118",
        "10028 Lena Nash", "10028 Zoë Ødegård",
        "10036 Sam Filler000", "10036 Sam Filler117",
    ]  # fmt: skip
    assert in_order(listing, expected), listing[:600]

    rows = csv_rows(files["NY/NY-12.csv"])
    # What the privacy notice says is delivered, and nothing more.
    assert list(rows[0]) == [
        "first_name", "last_name", "city", "zip", "district", "comment",
        "petition_version", "version_in_effect_from", "signed_on",
    ]  # fmt: skip
    assert not any(b"@example.org" in data for data in files.values())
    assert [(r["zip"], r["last_name"], r["first_name"]) for r in rows][:9] == [
        ("10001", "Brown", "Ann"),
        ("10016", "Abel", "Émile"),
        ("10016", "Ábrego", "Cy"),
        ("10016", "Davis", "Abe"),
        ("10016", "de la Cruz", "Bea"),
        ("10016", "Young", "Al"),
        ("10016", "Young", "Walt"),
        ("10017", "Filler002", "Sam"),
        ("10017", "Filler005", "Sam"),
    ]
    # The senators' packets hold the same people in the same order.
    senior = [(r["zip"], r["last_name"]) for r in csv_rows(files["NY/NY-SR.csv"])]
    assert senior == [(r["zip"], r["last_name"]) for r in rows]


def test_each_member_is_greeted_by_title_and_surname(app, client, token):
    add_signatures(
        app,
        [
            {"state": "FL", "zip": "33004"},  # FL-25: Debbie Wasserman Schultz
            {"state": "DC", "zip": "20001"},
            {"state": "CA", "zip": "94541"},  # CA-14, vacant
        ],
    )
    files = read_archive(
        client.get(f"/api/petitions/{PETITION}/delivery", headers=bearer(token)).data
    )

    def letter(name: str) -> str:
        return flat(pdf_pages(files[name])[0])

    house = letter("FL/FL-25.pdf")
    assert (
        "The Honorable Debbie Wasserman Schultz Representative for Florida's 25th district" in house
    )
    assert "Dear Representative Wasserman Schultz:" in house
    assert "One of your constituents in Florida's 25th district signed our petition" in house
    assert "Dear Senator Scott:" in letter("FL/FL-JR.pdf") or "Dear Senator Scott:" in letter(
        "FL/FL-SR.pdf"
    )
    assert "Dear Delegate Norton:" in letter("DC/DC-AL.pdf")
    assert "Delegate for District of Columbia (DC-AL)" in letter("DC/DC-AL.pdf")
    vacant = letter("CA/CA-14.pdf")
    assert "Office of the CA-14 representative (vacant)" in vacant
    assert "To the staff of this office:" in vacant


def test_an_at_large_member_reads_where_her_constituents_live(app, client, token):
    add_signatures(app, [{"state": "VT", "zip": "05401"}, {"state": "VT", "zip": "05401"}])
    files = read_archive(
        client.get(f"/api/petitions/{PETITION}/delivery", headers=bearer(token)).data
    )
    letter = flat(pdf_pages(files["VT/VT-AL.pdf"])[0])
    assert "Representative for Vermont, at large (VT-AL)" in letter
    assert "2 of your constituents in Vermont signed our petition" in letter


def reworded(app) -> None:
    """The petition as first published on October 2, reworded on November 4."""
    with database(app) as session:
        petition = session.scalar(select(Petition).where(Petition.slug == PETITION))
        current = session.scalar(
            select(PetitionVersion).where(PetitionVersion.version == petition.version)
        )
        current.first_seen_at = datetime(2026, 11, 4, 9, tzinfo=UTC)
        session.add(
            PetitionVersion(
                petition_id=petition.id,
                version="0ld0ld0ld0ld0ld0",
                title="Paid family leave now",
                ask="We ask Congress for paid leave.",
                first_seen_at=datetime(2026, 10, 2, 15, tzinfo=UTC),
            )
        )


def test_offices_read_version_numbers_and_dates_never_an_internal_hash(app, client, token, request):
    reworded(app)
    with database(app) as session:
        current = session.scalar(select(Petition.version).where(Petition.slug == PETITION))
    add_signatures(
        app,
        [
            {"state": "VT", "zip": "05401", "last_name": "Early",
             "petition_version": "0ld0ld0ld0ld0ld0",
             "created_at": datetime(2026, 10, 20, 12, tzinfo=UTC)},
            {"state": "VT", "zip": "05401", "last_name": "Later"},
            {"state": "NY", "zip": "10016", "last_name": "Latest"},
        ],
    )  # fmt: skip
    files = read_archive(
        client.get(f"/api/petitions/{PETITION}/delivery", headers=bearer(token)).data
    )
    keep_packet(request, files["VT/VT-AL.pdf"])
    vermont = flat(pdf_text(files["VT/VT-AL.pdf"]))
    assert "The petition's wording changed while it was open" in vermont
    assert (
        "Version 1, in effect from October 2, 2026 (1 signer): Paid family leave now "
        "We ask Congress for paid leave." in vermont
    )
    assert (
        "Version 2, in effect from November 4, 2026 (1 signer): Guarantee paid family leave"
        in vermont
    )
    assert "ZIP Name City Comment Version" in vermont
    assert "05401 Sam Early Springfield 1" in vermont
    assert "05401 Sam Later Springfield 2" in vermont
    rows = {r["last_name"]: r for r in csv_rows(files["VT/VT-AL.csv"])}
    assert rows["Early"]["petition_version"] == "Version 1"
    assert rows["Early"]["version_in_effect_from"] == "2026-10-02"
    assert rows["Early"]["signed_on"] == "2026-10-20"
    assert rows["Later"]["petition_version"] == "Version 2"
    assert rows["Later"]["version_in_effect_from"] == "2026-11-04"
    # A packet whose signers all signed one wording says which, since there were two.
    new_york = flat(pdf_pages(files["NY/NY-12.pdf"])[0])
    assert (
        "They signed its wording Version 2, in effect from November 4, 2026, which asks: "
        "We ask Congress to guarantee" in new_york
    )
    for name, data in files.items():
        text = pdf_text(data) if name.endswith(".pdf") else data.decode("utf-8-sig")
        assert current not in text and "0ld0ld0ld0ld0ld0" not in text, name
        assert not HASH.search(text), name


def test_the_pdf_says_its_language_and_title_and_has_bookmarks(app, client, token):
    add_signatures(app, [{"state": "NY", "zip": "10016", "district": "NY-12"}])
    files = read_archive(
        client.get(f"/api/petitions/{PETITION}/delivery", headers=bearer(token)).data
    )
    reader = PdfReader(io.BytesIO(files["NY/NY-12.pdf"]))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "en-US"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"]
    assert catalog["/PageMode"] == "/UseOutlines"
    assert (
        reader.metadata.title == "Guarantee paid family leave: NY-12, Representative Jerrold Nadler"
    )
    assert reader.metadata.subject == "A petition signed by 1 constituent, and their names"
    assert reader.metadata.author == "Families First Coalition"
    assert [item.title for item in reader.outline] == [
        "Cover letter",
        "Signers in New York's 12th district, by ZIP code and surname",
    ]
    # fpdf2 cannot tag headings or tables: the packet claims no structure it lacks
    # (docs/pages/delivery.md, "The delivery archive"), rather than a partial one that hides text.
    assert "/StructTreeRoot" not in catalog and "/MarkInfo" not in catalog


def test_no_packet_leaves_without_the_campaigns_sender(app, client, token, runner, tmp_path):
    for name in ("CAMPAIGN_CONTACT_NAME", "CAMPAIGN_CONTACT_PHONE"):
        app.config[name] = ""
    app.config["CAMPAIGN_CONTACT_EMAIL"] = "dana at the office"
    add_signatures(app, [{"state": "VT", "zip": "05401"}])

    response = client.get(f"/api/petitions/{PETITION}/delivery", headers=bearer(token))
    assert response.status_code == 409
    message = response.get_json()["error"]["message"]
    assert "GROUNDSWELL_CAMPAIGN_CONTACT_NAME is not set" in message
    assert "GROUNDSWELL_CAMPAIGN_CONTACT_PHONE is not set" in message
    assert (
        "GROUNDSWELL_CAMPAIGN_CONTACT_EMAIL='dana at the office' is not an email address" in message
    )
    assert "ORGANISATION" not in message and "ADDRESS" not in message
    with database(app) as session:
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.outcome) == ("delivery.download", "error")

    result = runner.invoke(args=["delivery", "export", PETITION, "--out", str(tmp_path / "out")])
    assert result.exit_code != 0
    assert "GROUNDSWELL_CAMPAIGN_CONTACT_NAME is not set" in result.output
    assert not (tmp_path / "out").exists()


def test_a_malformed_address_or_phone_is_refused_by_name(app, client, token):
    app.config["CAMPAIGN_ADDRESS"] = "Springfield"
    app.config["CAMPAIGN_CONTACT_PHONE"] = "555-0143"
    response = client.get(f"/api/petitions/{PETITION}/delivery", headers=bearer(token))
    assert response.status_code == 409
    message = response.get_json()["error"]["message"]
    assert "GROUNDSWELL_CAMPAIGN_ADDRESS needs at least two lines" in message
    assert "GROUNDSWELL_CAMPAIGN_CONTACT_PHONE='555-0143' is not a phone number" in message


def test_signers_of_one_zip_code_sort_alike_however_many_there_are(app, client, token):
    """A thousand signers in one ZIP code, and one in the next: the sort within a ZIP code
    holds across pages, and the next ZIP code comes after all of them."""
    base = datetime(2026, 11, 1, tzinfo=UTC)
    people = [
        {"state": "NY", "zip": "10017", "first_name": "Kim",
         "last_name": f"N{(n * 7919) % 1000:03d}", "created_at": base + timedelta(minutes=n)}
        for n in range(1000)
    ]  # fmt: skip
    people.append({"state": "NY", "zip": "10016", "first_name": "Zed", "last_name": "Zzyzx"})
    add_signatures(app, people)
    files = read_archive(
        client.get(f"/api/petitions/{PETITION}/delivery", headers=bearer(token)).data
    )
    names = [r["last_name"] for r in csv_rows(files["NY/NY-12.csv"])]
    assert names == ["Zzyzx", *(f"N{n:03d}" for n in range(1000))]
    table = flat(pdf_text(files["NY/NY-12.pdf"]))
    assert in_order(
        table, ["10016 Zed Zzyzx", "10017 Kim N000", "10017 Kim N500", "10017 Kim N999"]
    )
