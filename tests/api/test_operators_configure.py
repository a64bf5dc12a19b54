"""An operator configures and deploys the API: safe defaults, clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from petition_api import config, create_app, production

from ..conftest import test_settings
from ..manual import words

STRONG_KEY = "k" * 48


def production_settings(**environ) -> dict:
    values = {
        "GROUNDSWELL_ENV": "production",
        "GROUNDSWELL_SECRET_KEY": STRONG_KEY,
        "GROUNDSWELL_ALLOWED_ORIGINS": "https://campaign.example.org",
        "GROUNDSWELL_DATABASE_URL": "postgresql://groundswell@db/groundswell",
        "GROUNDSWELL_SITE_URL": "https://campaign.example.org",
        "GROUNDSWELL_MAIL_BACKEND": "smtp",
        "GROUNDSWELL_MAIL_FROM": "Families First <petitions@campaign.example.org>",
        "GROUNDSWELL_SMTP_HOST": "smtp.example.org",
        "GROUNDSWELL_RATELIMIT_STORAGE_URL": "redis://cache:6379/0",
    }
    values.update(environ)
    return config.load(values)


def test_a_well_configured_production_deployment_starts():
    production.check_production(production_settings())


@pytest.mark.parametrize(
    ("setting", "value", "words"),
    [
        ("GROUNDSWELL_SITE_URL", "http://campaign.example.org", "https"),
        ("GROUNDSWELL_SITE_URL", "https://localhost:8443", "https"),
        ("GROUNDSWELL_ALLOWED_ORIGINS", "https://ok.example.org,http://127.0.0.1:8000", "https"),
        ("GROUNDSWELL_MAIL_BACKEND", "file", "MAIL_BACKEND is not smtp"),
        ("GROUNDSWELL_SMTP_SECURITY", "none", "SMTP_SECURITY is none"),
        ("GROUNDSWELL_RATELIMIT_STORAGE_URL", "memory://", "each worker would count on its own"),
        ("GROUNDSWELL_MAIL_EVENTS_SECRET", "short-secret", "shorter than 32 characters"),
        ("GROUNDSWELL_MAIL_FROM", "petitions@localhost", "a domain only this machine knows"),
        ("GROUNDSWELL_MAIL_FROM", "Families First <petitions@mailhost>", "only this machine"),
        ("GROUNDSWELL_MAIL_FROM", "petitions@campaign.localhost", "only this machine"),
        ("GROUNDSWELL_MAIL_FROM", "petitions@[127.0.0.1]", "only this machine"),
        ("GROUNDSWELL_MAIL_FROM", "petitions", "only this machine"),
        ("GROUNDSWELL_MAIL_UNSUBSCRIBE_ADDRESS", "unsubscribe@localhost", "only this machine"),
    ],
)
def test_production_refuses_what_is_only_safe_on_a_laptop(setting, value, words):
    with pytest.raises(config.ConfigError, match=words) as refused:
        production.check_production(production_settings(**{setting: value}))
    assert setting in str(refused.value)


def test_production_refuses_to_send_mail_from_the_development_default_address():
    default = next(s.default for s in config.SETTINGS if s.name == "MAIL_FROM")
    with pytest.raises(config.ConfigError) as refused:
        production.check_production({**production_settings(), "MAIL_FROM": default})
    assert "GROUNDSWELL_MAIL_FROM is 'petitions@localhost'" in str(refused.value)
    assert "e.g. `Families First <petitions@campaign.example.org>`" in str(refused.value)


@pytest.mark.parametrize(
    "address",
    [
        "petitions@campaign.example.org",
        "Maria at Families First <maria@Families.Example.Org>",
    ],
)
def test_production_sends_mail_from_the_campaigns_own_domain(address):
    production.check_production(production_settings(GROUNDSWELL_MAIL_FROM=address))


def test_gunicorn_refuses_to_serve_without_being_told_which_environment():
    served = {"SERVER_SOFTWARE": "gunicorn/23.0.0"}
    with pytest.raises(config.ConfigError, match="served by gunicorn without GROUNDSWELL_ENV"):
        production.check_served(served)
    production.check_served({**served, "GROUNDSWELL_ENV": "development"})
    production.check_served({})  # flask run, the development server, a script


def test_production_refuses_the_default_secret_key_and_says_what_to_set():
    with pytest.raises(config.ConfigError, match=r"GROUNDSWELL_SECRET_KEY .* set it"):
        production.check_production(
            production_settings(GROUNDSWELL_SECRET_KEY=config.DEV_SECRET_KEY)
        )


def test_production_refuses_a_short_secret_key():
    with pytest.raises(config.ConfigError, match="shorter than 32"):
        production.check_production(production_settings(GROUNDSWELL_SECRET_KEY="hunter2"))


def test_production_refuses_to_run_without_allowed_origins():
    with pytest.raises(config.ConfigError, match="GROUNDSWELL_ALLOWED_ORIGINS is empty"):
        production.check_production(production_settings(GROUNDSWELL_ALLOWED_ORIGINS=" , "))


def test_production_refuses_a_sqlite_file_on_a_network_filesystem(tmp_path):
    mounts = tmp_path / "mounts"
    mounts.write_text(f"server:/export {tmp_path} nfs4 rw 0 0\n/dev/sda1 / ext4 rw 0 0\n")
    database = tmp_path / "groundswell.db"
    assert production.filesystem_type(database, mounts=str(mounts)) == "nfs4"
    assert production.filesystem_type(Path("/usr/lib/x"), mounts=str(mounts)) == "ext4"


def test_the_refusal_names_the_network_filesystem(tmp_path, monkeypatch):
    monkeypatch.setattr(production, "filesystem_type", lambda path, mounts="": "nfs")
    with pytest.raises(config.ConfigError, match="network filesystem \\(nfs\\)"):
        production.check_production(
            production_settings(GROUNDSWELL_DATABASE_URL=f"sqlite:///{tmp_path}/g.db")
        )


def test_create_app_refuses_in_production_with_defaults(tmp_path):
    with pytest.raises(config.ConfigError, match="refusing to start in production"):
        create_app({"ENV": "production", "SECRET_KEY": config.DEV_SECRET_KEY})


def test_a_setting_of_the_wrong_kind_is_named():
    with pytest.raises(config.ConfigError, match="GROUNDSWELL_SMTP_PORT='twenty-five'"):
        config.load({"GROUNDSWELL_SMTP_PORT": "twenty-five"})


def test_the_manual_documents_every_setting_with_its_default_and_description(manual):
    items = manual.section("configuration", "Configuration").items
    documented = {item.split(",", 1)[0]: item for item in items}
    assert sorted(documented) == sorted(f"GROUNDSWELL_{s.name}" for s in config.SETTINGS)
    for setting in config.SETTINGS:
        item = documented[f"GROUNDSWELL_{setting.name}"]
        default, description = item.split(",", 1)[1].split(": ", 1)
        assert default == f" default {setting.default or '(empty)'}"
        assert description == words(setting.help)


def test_development_defaults_start_without_any_configuration(tmp_path):
    app = create_app(test_settings(f"sqlite:///{tmp_path}/g.db", tmp_path))
    assert app.config["ENV"] == "development"
    assert app.config["MAX_CONTENT_LENGTH"] == 16384
    app.extensions["engine"].dispose()
