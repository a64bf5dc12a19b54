"""No secret link in any log line: confirmation (and, later, unsubscribe) tokens are
cut out of paths before a log sees them.

- our own error logs call `redact()` on the path they name;
- the development server's request log (werkzeug) gets `RedactingFilter` (devserver.py);
- gunicorn: `--logger-class petition_api.logs.GunicornLogger` redacts its access
  log and its error log (README, "Deploying").
"""

from __future__ import annotations

import logging
import re

from gunicorn import glogging

SECRET_PATH = re.compile(r"(/(?:confirm|unsubscribe)/)[^\s/?#\"']+")


def redact(text: str) -> str:
    return SECRET_PATH.sub(r"\1[redacted]", text)


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
        return {k: redact(v) if isinstance(v, str) else v for k, v in atoms.items()}
