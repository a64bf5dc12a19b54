"""Tests never write into the repository's own instance/ folder, nor read from it.

A developer's `make run` keeps the site look, supporters' photos and update
previews there. A test that wrote there would leave files in a working copy; a
test that read from there would pass or fail by what the machine last served
(an app without SITE_LOOK wears the look kept there). So every app a test makes
has an instance folder of its own: tests/conftest.py's test_settings sets
INSTANCE_DIR, and the browser campaign sets GROUNDSWELL_INSTANCE_DIR
(tests/browser/test_the_campaign_keeps_out_of_the_repository.py checks that one).

Other tests run beside these (xdist, other checkouts' `make run`), so nothing
here lists or empties the repository's instance/: each check names a file only
this test could have made, or asks the app where it would write.
"""

from __future__ import annotations

import json
import shutil
import uuid
from pathlib import Path

import pytest

from petition_api import production, site_look
from petition_api.stories import intake

from ..conftest import MANIFEST, ROOT, prepared_app

REPOSITORY_INSTANCE = ROOT / "instance"


def where_an_app_writes(app) -> dict[str, Path]:
    """Every place an app keeps files of its own, by what it keeps there."""
    with app.app_context():
        return {
            "instance folder": Path(app.instance_path),
            "kept site look": site_look.kept_file(app),
            "story photos": intake.photo_folder(),
            "update previews": Path(app.instance_path, "previews"),
            "mail": Path(app.config["MAIL_DIR"]),
            "database": production.sqlite_file(app.config["DATABASE_URL"]),
        }


def outside(paths: dict[str, Path], folder: Path) -> dict[str, str]:
    return {
        what: str(path)
        for what, path in paths.items()
        if not path.resolve().is_relative_to(folder.resolve())
    }


@pytest.fixture
def test_app(tmp_path):
    app = prepared_app(f"sqlite:///{tmp_path / 'groundswell.db'}", tmp_path)
    yield app
    app.extensions["engine"].dispose()


def test_an_app_made_for_a_test_keeps_every_file_in_the_tests_own_folder(test_app, tmp_path):
    assert Path(test_app.instance_path) == tmp_path / "instance"
    assert outside(where_an_app_writes(test_app), tmp_path) == {}


def test_an_app_made_for_a_test_wears_the_apis_own_look_whatever_make_run_kept(test_app):
    # The repository's instance/site-look.json, if a developer's `make run` left one,
    # holds their campaign's name and colours: a test app never sees it.
    with test_app.app_context():
        assert site_look.current() == site_look.DEFAULT


def test_a_site_look_synced_in_a_test_is_kept_in_the_tests_own_folder(test_app, tmp_path):
    name = f"Kept by {uuid.uuid4().hex}"
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    built = tmp_path / "petitions.json"
    built.write_text(json.dumps({**manifest, "site": {"name": name}}), encoding="utf-8")
    synced = test_app.test_cli_runner().invoke(args=["petitions", "sync", str(built)])
    assert synced.exit_code == 0, synced.output
    kept = json.loads((tmp_path / "instance" / "site-look.json").read_text(encoding="utf-8"))
    assert kept["site"]["name"] == name
    repository_copy = REPOSITORY_INSTANCE / "site-look.json"
    assert not repository_copy.is_file() or name not in repository_copy.read_text("utf-8")


def test_an_update_previewed_in_a_test_leaves_the_repository_untouched(test_app, tmp_path):
    update = tmp_path / f"preview-{uuid.uuid4().hex}.md"
    shutil.copyfile(ROOT / "mailings" / "example.md", update)
    shown = test_app.test_cli_runner().invoke(args=["mailings", "preview", str(update)])
    assert shown.exit_code == 0, shown.output
    page = f"{update.stem}.html"
    assert f"HTML written to {tmp_path / 'instance' / 'previews' / page}" in shown.output
    assert (tmp_path / "instance" / "previews" / page).is_file()
    assert not (REPOSITORY_INSTANCE / "previews" / page).exists()
