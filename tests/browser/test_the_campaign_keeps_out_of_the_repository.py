"""The served campaign every browser test uses keeps its files in its own folder.

Its `flask` commands (`petitions sync` keeps the site look) and its server (story
photos, previews) see GROUNDSWELL_INSTANCE_DIR, so neither writes into, nor
reads from, the repository's instance/ (tests/house/test_tests_keep_out_of_the_repository.py
says why).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ..house.test_tests_keep_out_of_the_repository import outside
from .conftest import ROOT

pytestmark = pytest.mark.browser

# The app as the campaign's `flask` commands and server make it, from their environment.
WHERE = """
import json
from petition_api import create_app
from tests.house.test_tests_keep_out_of_the_repository import where_an_app_writes

app = create_app()
paths = where_an_app_writes(app)
paths["content"], paths["mailings"] = app.config["CONTENT_DIR"], app.config["MAILINGS_DIR"]
print(json.dumps({what: str(path) for what, path in paths.items()}))
"""


def test_the_campaign_keeps_every_file_in_its_own_folder(campaign):
    answer = subprocess.run(
        [sys.executable, "-c", WHERE],
        env=campaign.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    paths = {what: Path(path) for what, path in json.loads(answer.stdout).items()}
    assert outside(paths, campaign.work) == {}


def test_the_site_look_the_campaign_synced_is_kept_in_its_own_folder(campaign):
    built = json.loads((campaign.work / "site" / "petitions.json").read_text(encoding="utf-8"))
    kept = campaign.work / "instance" / "site-look.json"
    assert json.loads(kept.read_text(encoding="utf-8"))["site"] == built["site"]
