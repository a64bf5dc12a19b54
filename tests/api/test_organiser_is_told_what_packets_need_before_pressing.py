"""An organiser opening Exports is told, before any packet button, what stops the
delivery packets (each sender setting missing or malformed, named, with a line to set
it; districts not loaded), and the packet buttons wait until it is set; with everything
set, there is no warning and the button downloads."""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape

from ..conftest import SENDER, load_congress, prepared_app
from .console_support import console_client


def exports_page(database_url, tmp_path, districts: bool = True, **settings) -> str:
    app = prepared_app(database_url, tmp_path, **settings)
    try:
        if districts:
            load_congress(app)
        page = console_client(app, "organiser").get("/admin/exports")
        assert page.status_code == 200
        return unescape(page.get_data(as_text=True))
    finally:
        app.extensions["engine"].dispose()


def warning(page: str) -> str:
    found = re.search(r'<section class="notice" id="packet-problems".*?</section>', page, re.S)
    assert found, "no warning about the packets"
    return found.group(0)


def packet_buttons(page: str) -> list[str]:
    return re.findall(r"<button [^>]*>Download packets</button>", page)


def test_a_campaign_without_its_sender_settings_is_told_each_one_and_how_to_set_it(
    database_url, tmp_path
):
    page = exports_page(database_url, tmp_path)
    said = warning(page)
    assert "Delivery packets cannot be made yet" in said
    for name in SENDER:
        assert f"<li>GROUNDSWELL_{name} is not set</li>" in said
        assert f'GROUNDSWELL_{name}="{SENDER[name]}"' in said  # a line to copy and fill in
    assert "restart the API" in said and "Delivery to Congress" in said
    assert page.index('id="packet-problems"') < page.index("Download packets")
    buttons = packet_buttons(page)
    assert buttons and all(" disabled " in b for b in buttons)
    assert "flask congress load" not in said  # the districts are there


def test_a_malformed_setting_is_named_with_what_is_wrong(database_url, tmp_path):
    settings = {**SENDER, "CAMPAIGN_ADDRESS": "Springfield", "CAMPAIGN_CONTACT_PHONE": "555-0143"}
    said = warning(exports_page(database_url, tmp_path, **settings))
    assert "GROUNDSWELL_CAMPAIGN_ADDRESS needs at least two lines" in said
    assert "GROUNDSWELL_CAMPAIGN_CONTACT_PHONE='555-0143' is not a phone number" in said
    assert "GROUNDSWELL_CAMPAIGN_ORGANISATION" not in said  # set, and well


def test_districts_not_loaded_are_said_too(database_url, tmp_path):
    said = warning(exports_page(database_url, tmp_path, districts=False, **SENDER))
    assert "No congressional districts are loaded" in said and "flask congress load" in said
    assert "<li>" not in said  # nothing wrong with the sender


def test_with_everything_set_there_is_no_warning_and_the_button_downloads(database_url, tmp_path):
    app = prepared_app(database_url, tmp_path, **SENDER)
    try:
        load_congress(app)
        organiser = console_client(app, "organiser")
        page = unescape(organiser.get("/admin/exports").get_data(as_text=True))
        assert 'id="packet-problems"' not in page
        assert all("disabled" not in b for b in packet_buttons(page))
        [ticket] = set(re.findall(r'name="ticket" value="([^"]+)"', page))
        packets = organiser.get(f"/api/petitions/paid-family-leave/delivery?ticket={ticket}")
        assert packets.status_code == 200 and packets.mimetype == "application/zip"
        assert zipfile.ZipFile(io.BytesIO(packets.get_data())).namelist()  # read to its end
    finally:
        app.extensions["engine"].dispose()
