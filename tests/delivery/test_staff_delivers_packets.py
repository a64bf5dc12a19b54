"""Campaign staff hand each congressional office the petition signed by its own constituents."""

from __future__ import annotations

import csv
import random
import re
from collections import defaultdict

import pytest

from ..api.support import confirm_path, mailbox, send_mail, supporter
from ..conftest import ZCCD, database
from .support import (
    PETITION,
    add_signatures,
    bearer,
    csv_rows,
    expected_offices,
    pdf_pages,
    pdf_text,
    read_archive,
)

SIGNER = re.compile(r"Signer\d{4}")


def generated_signers(seed: int = 4) -> list[dict]:
    """Signers across the map: one-district ZIPs, split ZIPs with and without a chosen
    district, at-large states, DC, Puerto Rico, Guam (no ZCTA), and a vacant seat."""
    by_zcta = defaultdict(set)
    with open(ZCCD, newline="") as handle:
        for row in csv.DictReader(handle):
            number = int(row["cd"])
            by_zcta[row["zcta"]].add(
                (
                    row["state_abbr"],
                    f"{row['state_abbr']}-{'AL' if number == 0 else f'{number:02d}'}",
                )
            )
    rng = random.Random(seed)
    people = []
    for zcta in rng.sample(sorted(by_zcta), 50):
        state, _ = sorted(by_zcta[zcta])[0]
        people.append({"state": state, "zip": zcta})
    split = [z for z, d in sorted(by_zcta.items()) if len({c for s, c in d if s == "NY"}) > 1]
    for zcta in rng.sample(split, 6):
        choices = sorted(c for s, c in by_zcta[zcta] if s == "NY")
        people.append({"state": "NY", "zip": zcta, "district": choices[-1]})  # chose
        people.append({"state": "NY", "zip": zcta})  # did not choose: unresolved
    people += [
        {"state": "NY", "zip": "10118"},  # a single-building ZIP with no ZCTA: unresolved
        {"state": "DC", "zip": "20001"},
        {"state": "PR", "zip": "00901"},
        {"state": "GU", "zip": "96910"},
        {"state": "AK", "zip": "99501"},
        {"state": "CA", "zip": "94541"},  # CA-14, vacant
        {"state": "CA", "zip": "94541-1234"},
    ]
    for i, person in enumerate(people):
        person["last_name"] = f"Signer{i:04d}"
        person["comment"] = f"Comment from signer {i}" if i % 3 == 0 else None
    return people


def test_each_signer_lands_in_exactly_their_own_offices_packets(app, client, token):
    people = generated_signers()
    add_signatures(app, people)
    # Not validated: never delivered.
    add_signatures(
        app, [{"state": "NY", "zip": "10001", "last_name": "Pending", "status": "pending",
               "email": "pending@example.org"}]
    )  # fmt: skip

    response = client.get(f"/api/petitions/{PETITION}/delivery", headers=bearer(token))
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    files = read_archive(response.data)
    expected = expected_offices(people)

    delivered_pdfs = {name.split("/")[1][:-4] for name in files if name.endswith(".pdf")}
    delivered_csvs = {name.split("/")[-1][:-4] for name in files if name.endswith(".csv")}
    assert delivered_pdfs == set(expected) == delivered_csvs - {"summary"}
    for office, names in expected.items():
        state = office[:2]
        text = pdf_text(files[f"{state}/{office}.pdf"])
        assert set(SIGNER.findall(text)) == names, office
        rows = csv_rows(files[f"{state}/{office}.csv"])
        assert {r["last_name"] for r in rows} == names, office
        assert "Pending" not in text
    # Nobody from DC or the territories goes to a senator; DC has its delegate.
    assert not any(n.startswith(("DC-S", "PR-S", "GU-S", "DC-J", "PR-J", "GU-J")) for n in expected)
    assert {"DC-AL", "PR-AL", "GU-AL", "AK-AL", "AK-SR", "AK-JR", "CA-14"} <= set(expected)

    summary = {r["office"]: r for r in csv_rows(files["summary.csv"])}
    assert len(summary) == 541  # every office, with or without signers
    for office, names in expected.items():
        assert int(summary[office]["signers"]) == len(names)
    assert summary["CA-14"]["vacant"] == "yes"
    assert summary["NY-SR"]["member"] == "Charles E. Schumer"
    assert summary["NY-JR"]["member"] == "Kirsten E. Gillibrand"
    assert int(summary["NY-SR"]["district_unresolved"]) == 7
    readme = files["README.txt"].decode()
    assert f"Signers: {len(people)} (validated signatures)" in readme
    in_house = set().union(*(n for o, n in expected.items() if not o.endswith(("SR", "JR"))))
    unresolved = len(people) - len(in_house)
    assert unresolved >= 7
    assert f"{unresolved} signers gave a ZIP code that spans more than one district" in readme


def test_a_packet_has_a_cover_letter_and_every_page_is_headed_and_numbered(app, client, token):
    people = [{"state": "NY", "zip": "10001", "district": "NY-12"} for _ in range(120)]
    add_signatures(app, people)
    files = read_archive(
        client.get(f"/api/petitions/{PETITION}/delivery", headers=bearer(token)).data
    )
    pages = pdf_pages(files["NY/NY-12.pdf"])
    assert len(pages) >= 3
    cover = " ".join(pages[0].split())
    assert cover.startswith("Families First Coalition")  # the letterhead, no running header
    assert "The Honorable Jerrold Nadler" in cover
    assert "Representative for New York's 12th district (NY-12)" in cover
    assert "120 of your constituents in New York's 12th district signed our petition" in cover
    assert "between November 1, 2026 and November 6, 2026" in cover
    assert "We ask Congress to guarantee twelve weeks of paid family" in cover
    for number, page in enumerate(pages, start=1):
        assert f"Families First Coalition · Page {number} of {len(pages)}" in page
        if number > 1:
            assert page.startswith("Guarantee paid family leave NY-12")
    assert "ZIP Name City Comment" in pages[1]

    senior = " ".join(pdf_text(files["NY/NY-SR.pdf"]).split())
    assert "The Honorable Charles E. Schumer Senior senator for New York (NY-SR)" in senior
    assert "Dear Senator Schumer:" in senior


def test_a_vacant_seat_still_gets_its_packet(app, client, token):
    add_signatures(app, [{"state": "CA", "zip": "94541"}])
    files = read_archive(
        client.get(f"/api/petitions/{PETITION}/delivery", headers=bearer(token)).data
    )
    cover = pdf_pages(files["CA/CA-14.pdf"])[0]
    assert "Office of the CA-14 representative (vacant)" in cover
    assert "Signer0000" in pdf_text(files["CA/CA-14.pdf"])


def test_names_like_formulas_come_out_inert_in_the_csv(app, client, token):
    add_signatures(
        app,
        [
            {
                "state": "NY",
                "zip": "10001",
                "district": "NY-12",
                "first_name": '=HYPERLINK("http://evil.example/x","Click")',
                "last_name": "+SUM(A1:A9)",
                "comment": "@cmd|' /C calc'!A0",
                "city": "-2+3",
            }
        ],
    )
    files = read_archive(
        client.get(f"/api/petitions/{PETITION}/delivery", headers=bearer(token)).data
    )
    (row,) = csv_rows(files["NY/NY-12.csv"])
    assert row["first_name"] == '\'=HYPERLINK("http://evil.example/x","Click")'
    assert row["last_name"] == "'+SUM(A1:A9)"
    assert row["comment"] == "'@cmd|' /C calc'!A0"
    assert row["city"] == "'-2+3"
    for cell in row.values():
        assert not cell.startswith(("=", "+", "-", "@"))
    # The staff export too.
    export = client.get(f"/api/petitions/{PETITION}/signatures.csv", headers=bearer(token))
    (exported,) = csv_rows(export.data)
    assert exported["first_name"].startswith("'=HYPERLINK(")


def test_unicode_names_appear_in_the_pdf(app, client, token):
    from petition_api.delivery.fonts import cjk_font

    if cjk_font() is None:
        pytest.fail("no CJK font: install Debian's fonts-wqy-microhei (make test-deps)")
    add_signatures(
        app,
        [
            {"state": "NY", "zip": "10001", "district": "NY-12", "first_name": "José",
             "last_name": "Núñez", "comment": "¡Sí, se puede!"},
            {"state": "NY", "zip": "10001", "district": "NY-12", "first_name": "雷",
             "last_name": "李", "comment": "我支持带薪家庭假"},
            {"state": "NY", "zip": "10001", "district": "NY-12", "first_name": "Zoë",
             "last_name": "Ødegård-Łukasiewicz"},
        ],
    )  # fmt: skip
    files = read_archive(
        client.get(f"/api/petitions/{PETITION}/delivery", headers=bearer(token)).data
    )
    text = pdf_text(files["NY/NY-12.pdf"])
    assert "José Núñez" in text
    assert "雷 李" in text
    assert "我支持带薪家庭假" in text
    assert "Zoë Ødegård-Łukasiewicz" in text
    names = {(r["first_name"], r["last_name"]) for r in csv_rows(files["NY/NY-12.csv"])}
    assert ("José", "Núñez") in names and ("雷", "李") in names


def test_a_supporter_signs_confirms_and_finds_herself_in_her_representatives_packet(
    app, client, runner, token, tmp_path
):
    # 10001 spans NY-10 and NY-12: the form asked her, and she chose NY-12.
    signed = client.post(
        f"/api/petitions/{PETITION}/signatures",
        json=supporter(zip="10001", district="NY-12", last_name="Hernandez-Delivery"),
    )
    assert signed.status_code == 201
    send_mail(runner)
    assert client.post(confirm_path(mailbox(app)[-1])).status_code == 200

    result = runner.invoke(args=["delivery", "export", PETITION, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "1 signers" in result.output
    (archive,) = (tmp_path / "out").glob("paid-family-leave-delivery-*.zip")
    files = read_archive(archive.read_bytes())
    assert "Maria Hernandez-Delivery" in pdf_text(files["NY/NY-12.pdf"])
    assert "Maria Hernandez-Delivery" in pdf_text(files["NY/NY-SR.pdf"])
    assert "NY/NY-10.pdf" not in files
    assert sorted(n for n in files if n.endswith(".pdf")) == [
        "NY/NY-12.pdf",
        "NY/NY-JR.pdf",
        "NY/NY-SR.pdf",
    ]


def test_a_petition_reworded_27_times_numbers_every_version(app, client, token):
    from datetime import timedelta

    from sqlalchemy import select

    from petition_api.models import Petition, PetitionVersion, utcnow

    with database(app) as session:
        petition = session.scalar(select(Petition).where(Petition.slug == PETITION))
        for n in range(27):
            session.add(
                PetitionVersion(
                    petition_id=petition.id,
                    version=f"old{n:013d}",
                    title=f"Wording number {n}",
                    ask=f"We ask Congress, version {n}.",
                    first_seen_at=utcnow().replace(year=2025) + timedelta(days=n),
                )
            )
    add_signatures(
        app,
        [
            {"state": "VT", "zip": "05401", "petition_version": "old0000000000000"},
            {"state": "VT", "zip": "05401", "petition_version": "old0000000000026"},
        ],
    )
    files = read_archive(
        client.get(f"/api/petitions/{PETITION}/delivery", headers=bearer(token)).data
    )
    cover = " ".join(pdf_pages(files["VT/VT-AL.pdf"])[0].split())
    assert re.search(
        r"Version 1, in effect from \w+ \d+, \d{4} \(1 signer\): Wording number 0", cover
    )
    assert re.search(
        r"Version 27, in effect from \w+ \d+, \d{4} \(1 signer\): Wording number 26", cover
    )
    versions = {r["petition_version"] for r in csv_rows(files["VT/VT-AL.csv"])}
    assert versions == {"Version 1", "Version 27"}
