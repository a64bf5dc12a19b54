"""No secret link in any log line: confirmation tokens and supporters' link keys
(`/confirm/`, `/unsubscribe/`, `/preferences/`) are cut out of paths before a log
sees them.

- our own error logs call `redact()` on the path they name;
- the development server's request log (werkzeug) gets `RedactingFilter` (devserver.py);
- gunicorn: `--logger-class petition_api.logs.GunicornLogger` redacts its access
  log and its error log (docs/pages/production.md), and writes the view beacon's
  lines without the address, the user agent, the referrer or any header: the
  privacy notice says a view keeps none of them.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import unquote

from gunicorn import glogging

# Werkzeug merges repeated slashes (a 308 to the single-slash path), so
# /confirm//<token> leads to the confirmation page too.
SECRET_PATH = re.compile(
    r"(/+(?:confirm|confirm-story|story-permission|unsubscribe|preferences)/+)[^\s/?#\"']+"
)
WORD = re.compile(r"\S*%\S*")
VIEW_BEACON = "/api/views"  # counting/beacon.py
ABOUT_THE_VISITOR = ("h", "a", "f")  # address, user agent, referrer


def redact(text: str) -> str:
    """Cut the secret out of every path that leads to one, percent-encoded or not.

    The server decodes a path before routing it, so `/confirm%2F<token>` and
    `/%63onfirm/<token>` reach the confirmation page as well: a word that
    decodes to a secret path is cut whole (never logged decoded, which would let
    a `%0A` write a line of its own).
    """
    text = SECRET_PATH.sub(r"\1[redacted]", text)
    if "%" in text:
        text = WORD.sub(lambda m: "[redacted]" if _leads_to_secret(m.group()) else m.group(), text)
    return text


def _leads_to_secret(word: str) -> bool:
    for _ in range(3):  # a proxy may decode once more than we do
        decoded = unquote(word)
        if SECRET_PATH.search(decoded):
            return True
        if decoded == word:
            return False
        word = decoded
    return False


class RedactingFilter(logging.Filter):
    """Rewrites a record whose message carries a secret path."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


def redact_logger(name: str) -> None:
    logger = logging.getLogger(name)
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())


class GunicornLogger(glogging.Logger):
    """gunicorn's logger, with secret paths cut from access and error lines."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        self.error_log.addFilter(RedactingFilter())

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        if environ.get("PATH_INFO") == VIEW_BEACON:
            atoms = {k: "-" if _about_the_visitor(k) else v for k, v in atoms.items()}
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}


def _about_the_visitor(atom: str) -> bool:
    """An access log atom that would say who sent a view: the address, the browser,
    where it came from, or any request header or environ value (X-Forwarded-For...)."""
    return atom in ABOUT_THE_VISITOR or atom.endswith(("}i", "}e"))
