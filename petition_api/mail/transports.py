"""How a composed message leaves: over SMTP, or as a file in development."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path

from ..models import utcnow
from .wire import Prepared


class PermanentFailure(Exception):
    """The server refused the message for good (bad address, policy)."""


def described(error: Exception) -> str:
    """A failure as the outbox keeps it (last_error): its kind and SMTP codes, never
    the server's words, which often quote the recipient's address."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = sorted(code for code, _ in error.recipients.values())
        return f"SMTPRecipientsRefused: {codes}"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__}: {error.smtp_code}"
    return f"{type(error).__name__}: {error}"  # ours, or the connection's: no address


class FileTransport:
    """Development: one .eml file per message."""

    def __init__(self, directory: str):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)

    def send(self, row_id: int, message: EmailMessage | Prepared) -> None:
        final = self.directory / f"{utcnow():%Y%m%dT%H%M%S}-{row_id:08d}.eml"
        partial = final.with_suffix(".part")
        partial.write_bytes(message.data if isinstance(message, Prepared) else bytes(message))
        partial.rename(final)  # readers never see half a message

    def close(self) -> None:
        pass


class SMTPTransport:
    """One SMTP connection reused for a batch, reopened when it drops."""

    def __init__(self, config):
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        # Verified, as a browser would: the messages carry confirmation links and
        # the login carries the SMTP password, so nobody on the path may read them.
        context = ssl.create_default_context()
        if c["SMTP_CA_FILE"]:  # a private CA, trusted besides the system's
            context.load_verify_locations(cafile=c["SMTP_CA_FILE"])
        if c["SMTP_SECURITY"] == "tls":
            connection = smtplib.SMTP_SSL(
                c["SMTP_HOST"], c["SMTP_PORT"], timeout=c["SMTP_TIMEOUT"], context=context
            )
        else:
            connection = smtplib.SMTP(c["SMTP_HOST"], c["SMTP_PORT"], timeout=c["SMTP_TIMEOUT"])
            if c["SMTP_SECURITY"] == "starttls":
                connection.starttls(context=context)
        if c["SMTP_USERNAME"]:
            connection.login(c["SMTP_USERNAME"], c["SMTP_PASSWORD"])
        return connection

    def send(self, row_id: int, message: EmailMessage | Prepared) -> None:
        if self.connection is None:
            self.connection = self._connect()
        try:
            if isinstance(message, Prepared):
                self.connection.sendmail(message.sender, [message.recipient], message.data)
            else:
                self.connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            if all(500 <= code < 600 for code in codes):
                raise PermanentFailure(f"recipient refused: {codes}") from None
            raise
        except smtplib.SMTPResponseException as error:
            if 500 <= error.smtp_code < 600:
                raise PermanentFailure(f"refused with {error.smtp_code}") from None
            self.close()
            raise
        except (smtplib.SMTPServerDisconnected, OSError):
            self.close()
            raise

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self.connection.quit()
            self.connection = None


def transport(config):
    if config["MAIL_BACKEND"] == "smtp":
        return SMTPTransport(config)
    if config["MAIL_BACKEND"] == "file":
        return FileTransport(config["MAIL_DIR"])
    raise ValueError(f"GROUNDSWELL_MAIL_BACKEND={config['MAIL_BACKEND']!r}: expected smtp or file")


def recipient(message: EmailMessage | Prepared) -> str:
    if isinstance(message, Prepared):
        return message.recipient
    return message["To"].addresses[0].addr_spec
