"""Mail leaves over TLS that is verified: confirmation links and the SMTP password are
for the mail server, not for whoever sits on the path to it."""

from __future__ import annotations

import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller

from ..conftest import free_port, prepared_app
from .support import SIGN_URL, outbox, send_mail, supporter
from .test_supporter_confirms import Inbox


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: what an impostor on the path could show."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture(params=["starttls", "tls"])
def tls_server(request, certificate):
    cert, key = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    port = free_port()
    if request.param == "starttls":
        controller = Controller(
            inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True
        )
    else:  # implicit TLS, as on port 465
        controller = Controller(inbox, hostname="127.0.0.1", port=port, ssl_context=context)
    controller.start()
    yield request.param, port, inbox
    controller.stop()


def tls_app(database_url, tmp_path, server, **settings):
    security, port, _ = server
    return prepared_app(
        database_url,
        tmp_path,
        MAIL_BACKEND="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
        SMTP_SECURITY=security,
        SMTP_TIMEOUT=5.0,
        **settings,
    )


def test_a_server_whose_certificate_cannot_be_verified_gets_no_mail(
    database_url, tmp_path, tls_server
):
    app = tls_app(database_url, tmp_path, tls_server)
    app.test_client().post(SIGN_URL, json=supporter())
    send_mail(app.test_cli_runner())

    _, _, inbox = tls_server
    assert inbox.messages == []
    [row] = outbox(app)
    assert row.status == "queued"  # kept for when the server shows a certificate we trust
    assert "CERTIFICATE_VERIFY_FAILED" in row.last_error
    app.extensions["engine"].dispose()


def test_a_server_signed_by_a_trusted_authority_gets_the_mail(
    database_url, tmp_path, tls_server, certificate
):
    cert, _ = certificate
    app = tls_app(database_url, tmp_path, tls_server, SMTP_CA_FILE=str(cert))
    app.test_client().post(SIGN_URL, json=supporter())
    send_mail(app.test_cli_runner())

    _, _, inbox = tls_server
    assert [m["To"] for m in inbox.messages] == ["maria.hernandez@example.org"]
    assert outbox(app)[0].status == "sent"
    app.extensions["engine"].dispose()
