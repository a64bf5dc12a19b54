"""What the API refuses to start with in production: settings only safe on a laptop.

create_app calls :func:`check_served` before it reads any setting and
:func:`check_production` when ``GROUNDSWELL_ENV=production``; each refusal
names the setting and says what to set (docs/pages/configuration.md lists them).
The settings themselves, and their development defaults, are in config.py.
"""

from __future__ import annotations

import os
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from .config import DEV_SECRET_KEY, ConfigError, allowed_origins

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
# Filesystems on which SQLite's locking is unreliable, so a database there can
# be corrupted by two writers (https://www.sqlite.org/howtocorrupt.html, 2.1).
NETWORK_FILESYSTEMS = {
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "9p",
    "afs",
    "ceph",
    "glusterfs",
    "fuse.sshfs",
    "fuse.s3fs",
    "fuse.gcsfuse",
    "lustre",
    "gpfs",
    "davfs",
    "fuse.rclone",
}


def check_production(config) -> None:
    """Refuse settings that are only safe on a developer's machine, all named at once."""
    problems = [
        *_weak_secrets(config),
        *_no_origins(config),
        *_not_public(config),
        *_mail_not_public(config),
        *_mail_not_delivered(config),
        *_limits_per_process(config),
        *_database_on_a_network(config),
    ]
    if problems:
        raise ConfigError("refusing to start in production:\n- " + "\n- ".join(problems))


def check_served(environ: dict[str, str] | None = None) -> None:
    """Under gunicorn, GROUNDSWELL_ENV must be said: a production server left in
    development mode would run with every development default."""
    environ = os.environ if environ is None else environ
    if (
        environ.get("SERVER_SOFTWARE", "").startswith("gunicorn")
        and "GROUNDSWELL_ENV" not in environ
    ):
        raise ConfigError(
            "refusing to start: served by gunicorn without GROUNDSWELL_ENV; set "
            "GROUNDSWELL_ENV=production (or development, to say you mean it)"
        )


def _weak_secrets(config) -> list[str]:
    problems = []
    if config["SECRET_KEY"] in ("", DEV_SECRET_KEY) or len(config["SECRET_KEY"]) < 32:
        problems.append(
            "GROUNDSWELL_SECRET_KEY is the development default or shorter than 32 characters: "
            "set it to a long random value, e.g. from "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`"
        )
    if config["MAIL_EVENTS_SECRET"] and len(config["MAIL_EVENTS_SECRET"]) < 32:
        problems.append(
            "GROUNDSWELL_MAIL_EVENTS_SECRET is shorter than 32 characters: whoever guesses it "
            "can mark any supporter as bouncing or complaining; set a long random value (or "
            "leave it empty to refuse delivery events)"
        )
    return problems


def _no_origins(config) -> list[str]:
    if allowed_origins(config):
        return []
    return [
        "GROUNDSWELL_ALLOWED_ORIGINS is empty: set it to the campaign site's origin, "
        "e.g. https://campaign.example.org"
    ]


def _not_public(config) -> list[str]:
    """Addresses that cannot be the public campaign: http://, or this machine."""
    named = [("GROUNDSWELL_SITE_URL", config["SITE_URL"])]
    named += [("GROUNDSWELL_ALLOWED_ORIGINS", o) for o in sorted(allowed_origins(config))]
    return [
        f"{setting} has {url}: the public site is served over https from a public name"
        for setting, url in named
        if not url.startswith("https://") or urlsplit(url).hostname in LOCAL_HOSTS
    ]


def _mail_not_public(config) -> list[str]:
    """Mail from (or unsubscribes to) a name only this machine knows: supporters'
    providers refuse it or file it as spam, and replies and returned mail go nowhere."""
    named = [("GROUNDSWELL_MAIL_FROM", config["MAIL_FROM"])]
    if config["MAIL_UNSUBSCRIBE_ADDRESS"]:
        named.append(("GROUNDSWELL_MAIL_UNSUBSCRIBE_ADDRESS", config["MAIL_UNSUBSCRIBE_ADDRESS"]))
    return [
        f"{setting} is {value!r}, at a domain only this machine knows: set an address at "
        "the campaign's own domain, e.g. `Families First <petitions@campaign.example.org>`"
        for setting, value in named
        if not _is_public_domain(parseaddr(value)[1].rpartition("@")[2])
    ]


def _is_public_domain(domain: str) -> bool:
    """A name the world can look up: it has a dot and is not localhost (RFC 6761 keeps
    `localhost` and every `*.localhost` for this machine); an IP literal never is."""
    domain = domain.rstrip(".").lower()
    if "." not in domain or domain.startswith("["):
        return False
    return domain != "localhost" and not domain.endswith(".localhost")


def _mail_not_delivered(config) -> list[str]:
    if config["MAIL_BACKEND"] != "smtp":
        return [
            "GROUNDSWELL_MAIL_BACKEND is not smtp: confirmation emails would only be written to "
            "files; set smtp and GROUNDSWELL_SMTP_HOST"
        ]
    if config["SMTP_SECURITY"] not in ("starttls", "tls"):
        return [
            "GROUNDSWELL_SMTP_SECURITY is none: confirmation links and the SMTP password would "
            "cross the network in clear; set starttls or tls"
        ]
    return []


def _limits_per_process(config) -> list[str]:
    if not config["RATELIMIT_STORAGE_URL"].startswith("memory://"):
        return []
    return [
        "GROUNDSWELL_RATELIMIT_STORAGE_URL is memory://: each worker would count on its own, "
        "so every limit is multiplied by the workers; set redis://host:6379/0"
    ]


def _database_on_a_network(config) -> list[str]:
    sqlite_path = sqlite_file(config["DATABASE_URL"])
    if sqlite_path is None or filesystem_type(sqlite_path) not in NETWORK_FILESYSTEMS:
        return []
    return [
        f"GROUNDSWELL_DATABASE_URL points at a SQLite file on a network filesystem "
        f"({filesystem_type(sqlite_path)}), where its locks are unreliable: use a local disk "
        "or PostgreSQL"
    ]


def sqlite_file(url: str) -> Path | None:
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        return None
    return Path(url.removeprefix("sqlite:///"))


def filesystem_type(path: Path, mounts: str = "/proc/mounts") -> str:
    """The type of the filesystem holding ``path``: the longest matching mount point."""
    target = str(path.resolve())
    best, best_type = "", ""
    try:
        with open(mounts, encoding="utf-8") as lines:
            for line in lines:
                fields = line.split()
                if len(fields) < 3:
                    continue
                point = fields[1].replace("\\040", " ")
                inside = target == point or target.startswith(point.rstrip("/") + "/")
                if inside and len(point) >= len(best):
                    best, best_type = point, fields[2]
    except OSError:
        return ""
    return best_type
