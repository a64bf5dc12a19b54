"""The mailings page of the console."""

from flask import Blueprint, render_template

from ..models import Role
from .access import needs


@needs(Role.ORGANISER)
def mailings():
    return render_template("console/message.html", title="Mailings", message="")


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/mailings", "mailings", mailings)
