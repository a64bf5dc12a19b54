"""Settings from the environment, with safe defaults for development.

Every setting is an environment variable named ``GROUNDSWELL_<NAME>``; the
manual's configuration page lists them all. What production
(``GROUNDSWELL_ENV=production``) refuses to start with is in production.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - the refused default, by design
# The site's address when GROUNDSWELL_SITE_URL is unset, for build.py as for the API:
# `make run` records here, beside the development database, where it serves.
SITE_URL_FILE = Path("instance", "site-url")


class ConfigError(RuntimeError):
    """A setting is missing or unsafe; the message says what to set."""


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str
    kind: type = str


# The single list of settings: create_app reads it, the manual's configuration page
# is written from it (docs/settings_page.py; tests/api/test_operators_configure.py
# checks the built page).
SETTINGS = [
    Setting(
        "ENV", "development", "`development` or `production` (production refuses unsafe defaults)"
    ),
    Setting(
        "SECRET_KEY",
        DEV_SECRET_KEY,
        "signs form tokens; must be set to a long random value in production",
    ),
    Setting(
        "DATABASE_URL",
        "sqlite:///instance/groundswell.db",
        "SQLAlchemy URL: `sqlite:///path` or `postgresql+psycopg://user@host/db`",
    ),
    Setting(
        "SQLITE_SYNCHRONOUS",
        "NORMAL",
        "SQLite `synchronous` in WAL mode: NORMAL survives a killed process, FULL a power cut",
    ),
    Setting(
        "ALLOWED_ORIGINS",
        "http://127.0.0.1:8000,http://localhost:8000",
        "comma-separated origins of the campaign site allowed to post and read (CORS)",
    ),
    Setting(
        "SITE_URL",
        "http://127.0.0.1:8000",
        "public address of the campaign site, for links in mail and redirects (unset: the "
        "address `make run` last served, from `instance/site-url`)",
    ),
    Setting("SITE_DIR", "", "development only: serve this built site folder at `/` beside the API"),
    Setting("MAX_BODY_BYTES", "16384", "larger request bodies get 413 before they are parsed", int),
    Setting(
        "TRUSTED_PROXIES",
        "0",
        "how many proxies in front set X-Forwarded-For (0: use the socket address)",
        int,
    ),
    Setting(
        "RATELIMIT_STORAGE_URL",
        "memory://",
        "Flask-Limiter storage; `redis://host:6379/0` when more than one process serves",
    ),
    Setting(
        "RATELIMIT_PREFIX",
        "groundswell",
        "prefix of rate-limit keys, so campaigns can share one Redis",
    ),
    Setting(
        "LIMIT_IP_SOFT",
        "60 per 10 minutes",
        "signatures from one address beyond this are flagged for review (still confirmed by email)",
    ),
    Setting("LIMIT_IP_HARD", "300 per 10 minutes", "signatures from one IP beyond this get 429"),
    Setting(
        "LIMIT_IP_OTHER",
        "120 per minute",
        "form tokens, confirmation presses and staff downloads from one address beyond this "
        "get 429 (an IPv6 address counts by its /64, as for every limit)",
    ),
    Setting(
        "LIMIT_STORIES",
        "20 per hour",
        "stories (each may carry an 8 MB photo) from one address beyond this get 429",
    ),
    Setting(
        "LIMIT_ONE_CLICK",
        "600 per minute",
        "one-click unsubscribes (RFC 8058) from one address beyond this get 429: mail "
        "providers send them for all their users from a few addresses, so they have their own "
        "budget, apart from LIMIT_IP_OTHER",
    ),
    # The staff console (docs/pages/console.md); relative folders are from where it runs.
    Setting(
        "CONTENT_DIR", "content", "the site's content folder: the console publishes stories here"
    ),
    Setting("MAILINGS_DIR", "mailings", "the folder of update emails the console lists and sends"),
    Setting(
        "LIMIT_STAFF_SIGN_IN",
        "10 per minute;50 per hour",
        "failed console sign-ins from one address beyond this get 429",
    ),
    Setting(
        "LIMIT_STAFF_ACCOUNT",
        "10 per 15 minutes",
        "failed console sign-ins to one account from one address, and wrong two-factor codes "
        "for one account from anywhere, beyond this get 429",
    ),
    Setting("STAFF_IDLE_MINUTES", "30", "console sessions end after this many idle minutes", int),
    Setting("STAFF_SESSION_HOURS", "12", "console sessions end this many hours after sign-in", int),
    Setting(
        "LIMIT_PETITION",
        "6000 per minute",
        "signatures to one petition beyond this get 429 (flood brake)",
    ),
    Setting(
        "FORM_TOKEN_MIN_SECONDS",
        "3",
        "a form submitted sooner after its token was issued is treated as a bot",
        float,
    ),
    Setting(
        "FORM_TOKEN_MAX_AGE",
        "86400",
        "a form token older than this (seconds) is treated as suspicious",
        int,
    ),
    Setting("CONFIRM_TOKEN_DAYS", "14", "days a confirmation link stays valid", int),
    Setting(
        "DUPLICATE_NOTICE_CAP",
        "3",
        '"you already signed" emails sent at most this often per signature '
        "(an expired link is always renewed)",
        int,
    ),
    Setting(
        "COUNT_REFRESH_SECONDS",
        "5",
        "how often public counts are refreshed from newly confirmed signatures",
        float,
    ),
    Setting(
        "VIEW_FLUSH_SECONDS",
        "10",
        "each API process adds the page views it counted to the database this often, in one "
        "batch (0: at once, one write per view; for tests and tiny sites)",
        float,
    ),
    Setting(
        "LIMIT_VIEWS",
        "120 per minute",
        "page views counted from one network beyond this get 429 and are not counted (the "
        "limit keeps a keyed hash of the network, never its address)",
    ),
    Setting(
        "RETAIN_UNCONFIRMED_DAYS",
        "30",
        "unconfirmed signatures (and their mail) are deleted this many days after signing",
        int,
    ),
    Setting(
        "RETAIN_IP_DAYS",
        "30",
        "a signature's IP address is dropped this many days after signing",
        int,
    ),
    Setting(
        "ANONYMISE_AFTER_CLOSE_DAYS",
        "730",
        "days after a petition closes that its signatures keep only state, district and dates",
        int,
    ),
    Setting("MAIL_BACKEND", "file", "`file` (writes .eml files to MAIL_DIR) or `smtp`"),
    Setting("MAIL_DIR", "instance/mail", "where the file backend writes one .eml per message"),
    Setting(
        "INSTANCE_DIR",
        "",
        "the API's own folder: the site look `flask petitions sync` keeps, supporters' photos, "
        "`flask mailings preview` pages (empty: `instance/` beside `petition_api/`)",
    ),
    Setting(
        "STORY_PHOTO_DIR",
        "",
        "where supporters' photos are kept, re-encoded, until their story is published "
        "(empty: story-photos in INSTANCE_DIR)",
    ),
    Setting(
        "MAIL_FROM",
        "petitions@localhost",
        "From: address of every message; shown with the campaign site's name unless it names "
        "its own (`Maria at Families First <petitions@example.org>`)",
    ),
    Setting("SMTP_HOST", "localhost", "SMTP server"),
    Setting("SMTP_PORT", "587", "SMTP port", int),
    Setting("SMTP_SECURITY", "starttls", "`starttls`, `tls` (implicit, port 465) or `none`"),
    Setting("SMTP_USERNAME", "", "SMTP login (empty: no login)"),
    Setting("SMTP_PASSWORD", "", "SMTP password"),
    Setting(
        "SMTP_CA_FILE",
        "",
        "PEM file of certificate authorities to trust for the SMTP server, besides the "
        "system's (a private CA); the server's certificate is always verified",
    ),
    Setting(
        "SMTP_TIMEOUT", "30", "seconds before an SMTP conversation is abandoned and retried", float
    ),
    Setting("MAIL_MAX_ATTEMPTS", "8", "delivery attempts before a message is marked failed", int),
    Setting("MAIL_BATCH", "50", "messages the worker claims at a time", int),
    Setting(
        "MAIL_CONNECTIONS",
        "1",
        "SMTP connections each worker process keeps open and sends on at once "
        "(PostgreSQL: run several `flask mail send` processes too; SQLite: one process)",
        int,
    ),
    Setting(
        "MAIL_RATE",
        "0",
        "messages per second each worker process sends at most (0: as fast as the server takes)",
        float,
    ),
    Setting(
        "MAIL_DOMAIN_CONCURRENCY",
        "2",
        "messages each worker process hands over at once to one recipient domain (gmail.com...)",
        int,
    ),
    Setting(
        "MAIL_SENDING_GROUP",
        "20",
        "messages marked `sending` together on each connection: fewer database writes, and "
        "at most this many per connection left `unknown` if a worker is killed (1: one)",
        int,
    ),
    Setting(
        "MAIL_CLAIM_TIMEOUT",
        "600",
        "seconds after which a message claimed by a worker that died is taken back",
        int,
    ),
    Setting(
        "MAIL_LIST_NAME",
        "Campaign updates",
        "the name of the update list, in each update's List-Id header",
    ),
    Setting(
        "MAIL_UNSUBSCRIBE_ADDRESS",
        "",
        "mailbox for List-Unsubscribe by mail (default: unsubscribe@ the MAIL_FROM domain); "
        "read it with `flask mail bounces`",
    ),
    Setting(
        "MAIL_EVENTS_SECRET",
        "",
        "shared secret that signs delivery events posted to /api/mail/events "
        "(empty: the endpoint refuses everything)",
    ),
    Setting(
        "MAIL_EVENTS_MAX_AGE",
        "300",
        "seconds a signed delivery event stays acceptable (older ones are refused as stale)",
        int,
    ),
    # Subject lines that test themselves (updates/subject_tests.py, deciding.py).
    Setting(
        "SUBJECT_TEST_BASE_RATE",
        "0.02",
        "the share of an update's recipients expected to act through its links (sign, tell "
        "a story, share): with SUBJECT_TEST_LIFT, it sets a subject test's least sample",
        float,
    ),
    Setting(
        "SUBJECT_TEST_LIFT",
        "1.0",
        "the smallest difference a subject test must tell, as a share of the base rate "
        "(1.0: one subject bringing twice the actions of another)",
        float,
    ),
    Setting(
        "SUBJECT_TEST_MAX_UNSUBSCRIBES",
        "0.01",
        "the guard: a subject test stops when a sample's unsubscribes pass this share of it",
        float,
    ),
    Setting(
        "SUBJECT_TEST_MAX_COMPLAINTS",
        "0.003",
        "the guard: a subject test stops when a sample's spam complaints pass this share of it",
        float,
    ),
    Setting(
        "SUBJECT_TEST_CHECK_SECONDS",
        "60",
        "how often the mail worker checks subject tests (the guard, the wait, the winner)",
        float,
    ),
    # Who packets' cover letters are from: no packet is made without all five (campaign_sender.py).
    Setting("CAMPAIGN_ORGANISATION", "", "the organisation that signs the packets' cover letters"),
    Setting("CAMPAIGN_ADDRESS", "", "its postal address, lines separated by `;`"),
    Setting("CAMPAIGN_CONTACT_NAME", "", "the person congressional offices may contact"),
    Setting("CAMPAIGN_CONTACT_EMAIL", "", "that person's email address, in every cover letter"),
    Setting("CAMPAIGN_CONTACT_PHONE", "", "that person's phone number, in every cover letter"),
]


def load(environ: dict[str, str] | None = None, recorded: Path = SITE_URL_FILE) -> dict:
    """Read every setting from ``environ`` (SITE_URL, unset, from ``recorded``) into
    Flask-style config keys."""
    environ = os.environ if environ is None else environ
    # Production names its address itself: a file in whatever folder the server starts
    # from must never choose where confirmation and preference links point.
    development = environ.get("GROUNDSWELL_ENV", "development") != "production"
    if (
        "GROUNDSWELL_SITE_URL" not in environ
        and development
        and (url := recorded_site_url(recorded))
    ):
        environ = {**environ, "GROUNDSWELL_SITE_URL": url}
    config: dict[str, object] = {}
    for setting in SETTINGS:
        raw = environ.get(f"GROUNDSWELL_{setting.name}", setting.default)
        try:
            config[setting.name] = setting.kind(raw)
        except ValueError:
            raise ConfigError(
                f"GROUNDSWELL_{setting.name}={raw!r} is not a valid {setting.kind.__name__}"
            ) from None
    return config


def recorded_site_url(recorded: Path = SITE_URL_FILE) -> str | None:
    """Where `make run` last served the site (None: never here), so that a rebuild or a
    `flask` command in another terminal links to the site that is running."""
    try:
        url = recorded.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        raise ConfigError(
            f"{recorded} holds {url[:80]!r}, not the site's http(s) address: "
            "run `make run` again, delete it, or set GROUNDSWELL_SITE_URL"
        )
    return url


def allowed_origins(config) -> frozenset[str]:
    return frozenset(
        o.strip().rstrip("/") for o in config["ALLOWED_ORIGINS"].split(",") if o.strip()
    )
