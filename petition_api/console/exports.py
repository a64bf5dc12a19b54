"""The exports page of the console."""

from flask import Blueprint, render_template

from ..models import Role
from .access import needs


@needs(Role.ORGANISER)
def exports():
    return render_template("console/message.html", title="Exports", message="")


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/exports", "exports", exports)
