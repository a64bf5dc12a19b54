"""One address for the site: after `make run PORT=8020`, a rebuild and the `flask`
commands run from another terminal link to port 8020, as the running site does.

`make run` records the address in instance/site-url (its `site-url` step, run here
in a copy of the sample); build.py and the API read it when GROUNDSWELL_SITE_URL is
unset, and the variable, where set (production), wins everywhere.
"""

import os
import subprocess
from email import message_from_bytes, policy

import pytest

from petition_api import config, create_app, migrating

from ..conftest import test_settings
from .support import ROOT, copy_sample, run_build

ELSEWHERE = "http://127.0.0.1:8020"


def make_site_url(folder, *variables: str) -> None:
    """The first step of `make run`, in ``folder`` rather than the repository."""
    subprocess.run(
        [
            "make",
            "--silent",
            "-C",
            str(folder),
            "-f",
            str(ROOT / "Makefile"),
            "site-url",
            *variables,
        ],
        check=True,
        capture_output=True,  # the Makefile's checksums of files a copy lacks complain
        env={k: v for k, v in os.environ.items() if k != "GROUNDSWELL_SITE_URL"},
    )


@pytest.fixture
def served_on_8020(tmp_path, monkeypatch):
    """A copy of the sample after `make run PORT=8020`, as the current folder, with
    GROUNDSWELL_SITE_URL unset, as in a second terminal."""
    monkeypatch.delenv("GROUNDSWELL_SITE_URL", raising=False)
    config_path = copy_sample(tmp_path)
    make_site_url(tmp_path, "PORT=8020")
    monkeypatch.chdir(tmp_path)
    return config_path


def cli_app(tmp_path):
    """The API as `flask` builds it for a command: SITE_URL left to its own finding."""
    settings = test_settings(
        f"sqlite:///{tmp_path / 'groundswell.db'}", tmp_path, SITE_LOOK_FILE=str(tmp_path / "look")
    )
    del settings["SITE_URL"]
    app = create_app(settings)
    migrating.upgrade(app.extensions["engine"])
    return app


def test_make_run_records_the_address_it_serves(tmp_path):
    make_site_url(tmp_path, "PORT=8020")
    assert (tmp_path / "instance" / "site-url").read_text() == ELSEWHERE + "\n"
    make_site_url(tmp_path, "HOST=localhost", "PORT=8030")
    assert (tmp_path / "instance" / "site-url").read_text() == "http://localhost:8030\n"
    make_site_url(tmp_path, "PORT=8040", "GROUNDSWELL_SITE_URL=https://families.example.org")
    assert (tmp_path / "instance" / "site-url").read_text() == "https://families.example.org\n"


def test_a_rebuild_from_another_terminal_shares_the_running_sites_address(served_on_8020, tmp_path):
    # cache=True: the config as it is (a copy with other options would fix site_url).
    build = run_build(served_on_8020, tmp_path / "site", cache=True)
    assert build.returncode == 0, build.output
    petition = (tmp_path / "site" / "petitions" / "paid-family-leave" / "index.html").read_text()
    assert f'property="og:url" content="{ELSEWHERE}/petitions/paid-family-leave/"' in petition
    assert "127.0.0.1:8000" not in petition
    feed = (tmp_path / "site" / "feed.xml").read_text(encoding="utf-8")
    assert f"<link>{ELSEWHERE}/stories/" in feed and "127.0.0.1:8000" not in feed


def test_an_organiser_previews_and_tests_an_update_with_links_to_the_running_site(
    served_on_8020, tmp_path
):
    assert run_build(served_on_8020, tmp_path / "site", cache=True).returncode == 0
    app = cli_app(tmp_path)
    assert app.config["SITE_URL"] == ELSEWHERE
    runner = app.test_cli_runner()
    synced = runner.invoke(args=["petitions", "sync", str(tmp_path / "site" / "petitions.json")])
    assert synced.exit_code == 0, synced.output

    preview = runner.invoke(
        args=["mailings", "preview", "mailings/example.md", "--html", str(tmp_path / "p.html")]
    )
    assert preview.exit_code == 0, preview.output
    assert f"{ELSEWHERE}/unsubscribe/" in preview.output
    assert "127.0.0.1:8000" not in preview.output + (tmp_path / "p.html").read_text()

    sent = runner.invoke(args=["mailings", "test", "mailings/example.md", "--to", "me@example.org"])
    assert sent.exit_code == 0, sent.output
    [copy] = (tmp_path / "mail").glob("*.eml")
    text = message_from_bytes(copy.read_bytes(), policy=policy.default)
    body = text.get_body(("plain",)).get_content()
    assert f"{ELSEWHERE}/" in body and "127.0.0.1:8000" not in body
    app.extensions["engine"].dispose()


def test_the_sites_address_in_the_environment_wins_over_the_recorded_one(served_on_8020):
    recorded = config.SITE_URL_FILE
    assert config.load({}, recorded)["SITE_URL"] == ELSEWHERE
    production = {"GROUNDSWELL_SITE_URL": "https://families.example.org"}
    assert config.load(production, recorded)["SITE_URL"] == "https://families.example.org"


def test_without_make_run_the_site_is_at_port_8000(tmp_path):
    assert config.load({}, tmp_path / "none")["SITE_URL"] == "http://127.0.0.1:8000"


def test_a_damaged_address_file_says_how_to_mend_it(tmp_path):
    (tmp_path / "site-url").write_text("127.0.0.1:8020\n", encoding="utf-8")
    with pytest.raises(config.ConfigError, match="not the site's http\\(s\\) address: run"):
        config.load({}, tmp_path / "site-url")


def test_production_never_takes_its_address_from_a_recorded_file(tmp_path):
    (tmp_path / "site-url").write_text("https://elsewhere.example\n", encoding="utf-8")
    production = config.load({"GROUNDSWELL_ENV": "production"}, tmp_path / "site-url")
    assert production["SITE_URL"] == "http://127.0.0.1:8000"  # the default production refuses
