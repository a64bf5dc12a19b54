"""A signer's name and email never appear in anything the public can fetch, nor in logs."""

from __future__ import annotations

import logging

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
