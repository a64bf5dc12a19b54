"""A queued message as an email: subject, headers, plain text and HTML from templates."""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app, render_template

from ..models import Outbox, Petition, Signature
from .outbox import SUBJECTS

# Headers folded at 78 characters can break right after "Subject:", and mail
# programs then show the subject with a leading space; 998 is the RFC's limit.
# Only for plain ASCII: other text is written as encoded words, which must stay
# short (75 characters), so the default folding is right for it.
UNFOLDED = policy.default.clone(max_line_length=998)


def compose(row: Outbox, signature: Signature, petition: Petition) -> EmailMessage:
    config = current_app.config
    site = config["SITE_URL"].rstrip("/")
    context = {
        "signature": signature,
        "petition": petition,
        "petition_url": site + petition.page,
        "confirm_url": f"{site}/confirm/{row.payload['token']}" if row.payload else None,
        "expires_days": config["CONFIRM_TOKEN_DAYS"],
    }
    subject = SUBJECTS[row.kind].format(title=petition.title)
    message = EmailMessage(policy=UNFOLDED if subject.isascii() else policy.default)
    message["Subject"] = subject
    message["From"] = config["MAIL_FROM"]
    message["To"] = signature.email
    message["Date"] = formatdate(localtime=False)
    domain = config["MAIL_FROM"].rpartition("@")[2].rstrip(">") or "localhost"
    # A stable id per outbox row: if a message ever did go out twice, mail
    # systems that de-duplicate by Message-ID would fold the copies.
    message["Message-ID"] = make_msgid(idstring=f"outbox-{row.id}", domain=domain)
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(render_template(f"mail/{row.kind}.txt", **context))
    message.add_alternative(render_template(f"mail/{row.kind}.html", **context), subtype="html")
    return message
