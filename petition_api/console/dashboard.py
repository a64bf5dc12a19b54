"""The dashboard: how a petition is doing, from counts and tallies, never from signatures."""

from flask import Blueprint, render_template

from ..models import Role
from .access import needs


@needs(Role.EDITOR)
def dashboard():
    return render_template("console/message.html", title="Dashboard", message="")


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/", "dashboard", dashboard)
