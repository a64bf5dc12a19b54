"""A signer's name and email never appear in anything the public can fetch, nor in logs."""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from petition_api.logs import redact

from ..conftest import ROOT, environment_for, free_port, test_settings, wait_for_port
from .support import PETITION, confirm_path, mailbox, send_mail, supporter

SECRET_NAME = ("Zebediah", "Quillfeather")
SECRET_EMAIL = "zebediah.quillfeather@example.org"


def public_urls(app) -> list[str]:
    """Every GET route the app has, with the sample petition filled in."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        url = rule.rule.replace("<slug>", PETITION).replace("<token>", "x" * 43)
        urls.append(url.replace("<zip_code>", "10118"))
    return urls


def test_no_public_answer_carries_a_signers_name_or_email(app, client, runner, caplog):
    caplog.set_level(logging.DEBUG)
    first, last = SECRET_NAME
    signed = client.post(
        f"/api/petitions/{PETITION}/signatures",
        json=supporter(first_name=first, last_name=last, email=SECRET_EMAIL),
    )
    client.post(
        f"/api/petitions/{PETITION}/signatures",
        json=supporter(first_name=first, last_name=last, email=SECRET_EMAIL),
    )
    send_mail(runner)
    confirmed = client.post(confirm_path(mailbox(app)[0]))

    answers = [signed, confirmed] + [client.get(url) for url in public_urls(app)]
    assert len(answers) >= 7
    for answer in answers:
        body = answer.get_data(as_text=True)
        for secret in (first, last, SECRET_EMAIL, "quillfeather"):
            assert secret.lower() not in body.lower(), answer.request.path
        for value in answer.headers.values():
            assert SECRET_EMAIL not in value
    log_text = caplog.text.lower()
    for secret in (first.lower(), last.lower(), SECRET_EMAIL):
        assert secret not in log_text


TOKEN = "Sekr1tConfirmationToken_abcdefghijklmnopqrstu"


def test_a_confirmation_link_never_reaches_an_error_log(app, client, caplog):
    with app.extensions["engine"].begin() as connection:
        # Something breaks on the way: the confirm route cannot find its table.
        connection.exec_driver_sql("ALTER TABLE signatures RENAME TO signatures_gone")
    caplog.set_level(logging.DEBUG)
    codes = {
        client.post(f"/confirm/{TOKEN}").status_code,
        client.get(f"/confirm/{TOKEN}").status_code,
    }
    # SQLite calls a missing table an operational error (503, logged without a path);
    # PostgreSQL an unexpected one (500, logged with the path it broke on).
    assert codes in ({500}, {503})
    if codes == {500}:
        assert "/confirm/[redacted]" in caplog.text
    assert TOKEN not in caplog.text


def test_an_encoded_link_is_cut_whole_and_never_decoded_into_the_log():
    line = f'"GET /%63onfirm/{TOKEN}%0AFAKE HTTP/1.1" 404 and /confirm%2F{TOKEN}'
    assert redact(line) == '"GET [redacted] HTTP/1.1" 404 and [redacted]'
    for page in ("unsubscribe", "preferences"):  # a supporter's key never expires
        assert redact(f"POST /{page}/{TOKEN}/forget?m=3") == f"POST /{page}/[redacted]/forget?m=3"
        assert TOKEN not in redact(f"GET /{page}%2F{TOKEN}")
    assert redact("GET /static/100%25.css") == "GET /static/100%25.css"


@pytest.mark.slow
def test_a_confirmation_link_never_reaches_a_servers_request_log(app, tmp_path):
    """The development server's request lines and gunicorn's access log, for real."""
    env = {**os.environ, **environment_for(test_settings(app.config["DATABASE_URL"], tmp_path))}
    access = tmp_path / "access.log"
    servers = {
        "devserver": [sys.executable, "-m", "petition_api.devserver", "--port", "{port}"],
        "gunicorn": [
            sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:{port}",
            "--access-logfile", str(access), "--logger-class", "petition_api.logs.GunicornLogger",
            "petition_api:create_app()",
        ],
    }  # fmt: skip
    for name, command in servers.items():
        port = free_port()
        output = tmp_path / f"{name}.out"
        with output.open("wb") as out:
            server = subprocess.Popen(
                [part.replace("{port}", str(port)) for part in command],
                env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
            try:
                wait_for_port(port, server)
                # Encoded paths reach the confirmation page too: the server decodes them.
                for path in (
                    "/confirm/", "/confirm%2F", "/%63onfirm/", "/confirm%252F", "/confirm//",
                    "//confirm/", "/confirm%2F%2F", "/unsubscribe/", "/preferences/",
                ):  # fmt: skip
                    for method in ("GET", "POST"):
                        request = urllib.request.Request(
                            f"http://127.0.0.1:{port}{path}{TOKEN}", method=method, data=b""
                        )
                        with contextlib.suppress(urllib.error.HTTPError):
                            urllib.request.urlopen(request, timeout=10).close()  # noqa: S310
            finally:
                server.terminate()
                server.wait(timeout=10)
        logged = output.read_text() + (access.read_text() if access.exists() else "")
        assert "/confirm/[redacted]" in logged, name
        assert TOKEN not in logged, name
