"""Staff still get every packet, whole and readable, when the installed fpdf2 is not
the minor whose internals the fast path was written for (fpdf_internals.FAST off)."""

from __future__ import annotations

import io
import logging
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from petition_api.delivery import fpdf_internals
from petition_api.delivery.fonts import cjk_font
from petition_api.models import Petition, PetitionVersion, utcnow

from ..conftest import database
from .support import (
    PETITION,
    add_signatures,
    bearer,
    expected_offices,
    keep_packet,
    pdf_pages,
    pdf_text,
    read_archive,
)

WARNING = "fpdf2 2.9.0 is not the tested 2.8: delivery PDFs use fpdf2's public API (slower)"


def signers() -> list[dict]:
    """A split ZIP with and without a chosen district, DC, a vacant seat, an at-large
    state, accented and Chinese names, and enough NY-12 signers for several pages."""
    people = [
        {"state": "NY", "zip": "10001", "district": "NY-12", "first_name": "José",
         "last_name": "Núñez", "comment": "¡Sí, se puede!"},
        {"state": "NY", "zip": "10001", "first_name": "雷", "last_name": "李",
         "comment": "我支持带薪家庭假"},
        {"state": "DC", "zip": "20001"},
        {"state": "CA", "zip": "94541"},
        {"state": "VT", "zip": "05401", "petition_version": "0ld0ld0ld0ld0ld0"},
        {"state": "VT", "zip": "05401", "comment": "A comment long enough to wrap onto a "
         "second line of the table's comment column, which holds about fifty characters."},
    ]  # fmt: skip
    people += [{"state": "NY", "zip": "10001", "district": "NY-12"} for _ in range(110)]
    for i, person in enumerate(people):
        person.setdefault("last_name", f"Signer{i:04d}")
    return people


def add_old_version(app) -> None:
    with database(app) as session:
        petition = session.scalar(select(Petition).where(Petition.slug == PETITION))
        session.add(
            PetitionVersion(
                petition_id=petition.id,
                version="0ld0ld0ld0ld0ld0",
                title="Paid family leave now",
                ask="We ask Congress for paid leave.",
                first_seen_at=utcnow().replace(year=2025),
            )
        )


def font_names(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    return {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }


def test_only_the_tested_fpdf2_minor_gets_the_fast_path(caplog):
    caplog.set_level(logging.WARNING, logger="petition_api.delivery")
    assert fpdf_internals.FAST  # pyproject.toml pins the tested minor
    assert fpdf_internals.tested("2.8.9") and fpdf_internals.tested("2.8.0")
    assert not caplog.records
    for untested in ("2.9.0", "2.10.1", "3.0", "2.7.9"):
        caplog.clear()
        assert not fpdf_internals.tested(untested)
        (record,) = caplog.records  # one warning, naming the version
        assert record.name == "petition_api.delivery"
        assert record.getMessage() == WARNING.replace("2.9.0", untested)


def test_staff_deliver_packets_even_when_fpdf2_is_an_untested_version(
    app, client, token, monkeypatch, caplog, request
):
    if cjk_font() is None:
        pytest.fail("no CJK font: install Debian's fonts-wqy-microhei (make test-deps)")
    monkeypatch.setattr(fpdf_internals, "FAST", fpdf_internals.tested("2.9.0"))
    assert WARNING in caplog.text
    add_old_version(app)
    people = signers()
    add_signatures(app, people)

    response = client.get(f"/api/petitions/{PETITION}/delivery", headers=bearer(token))
    assert response.status_code == 200
    files = read_archive(response.data)
    expected = expected_offices(people)
    assert {name.split("/")[1][:-4] for name in files if name.endswith(".pdf")} == set(expected)
    everyone = {person["last_name"] for person in people}
    for office, names in expected.items():
        text = pdf_text(files[f"{office[:2]}/{office}.pdf"])
        assert {name for name in everyone if name in text} == names, office
    # Drawn through add_font: headings in DejaVu Bold, which the fast path never embeds.
    assert any(name.endswith("DejaVuSansBold") for name in font_names(files["NY/NY-12.pdf"]))

    keep_packet(request, files["NY/NY-SR.pdf"])
    pages = pdf_pages(files["NY/NY-12.pdf"])
    assert len(pages) >= 3
    cover = " ".join(pages[0].split())
    assert cover.startswith("Families First Coalition")
    assert "The Honorable Jerrold Nadler" in cover and "Dear Representative Nadler:" in cover
    assert "111 of your constituents in New York's 12th district signed our petition" in cover
    assert "We ask Congress to guarantee twelve weeks of paid family" in cover
    for number, page in enumerate(pages, start=1):
        assert f"Families First Coalition · Page {number} of {len(pages)}" in page
        if number > 1:
            assert page.startswith("Guarantee paid family leave NY-12")
    assert "ZIP Name City Comment" in pages[1]
    table = pdf_text(files["NY/NY-12.pdf"])
    assert "10001 José Núñez Springfield ¡Sí, se puede!" in table
    senior = pdf_text(files["NY/NY-SR.pdf"])
    assert "雷 李" in senior and "我支持带薪家庭假" in senior
    assert "雷 李" not in table  # 10001 spans two districts and he chose none

    vacant = " ".join(pdf_pages(files["CA/CA-14.pdf"])[0].split())
    assert "Office of the CA-14 representative (vacant)" in vacant
    vermont = " ".join(pdf_text(files["VT/VT-AL.pdf"]).split())
    assert re.search(
        r"Version 1, in effect from \w+ \d+, 2025 \(1 signer\): Paid family leave now "
        "We ask Congress for paid leave.",
        vermont,
    )
    assert "(1 signer): Guarantee paid family leave" in vermont
    assert "05401 Sam Signer0004 Springfield 1" in vermont
    assert "holds about fifty characters." in vermont
