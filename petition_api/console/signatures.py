"""The signatures page of the console."""

from flask import Blueprint, render_template

from ..models import Role
from .access import needs


@needs(Role.ORGANISER)
def signatures():
    return render_template("console/message.html", title="Signatures", message="")


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/signatures", "signatures", signatures)
