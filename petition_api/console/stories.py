"""The stories page of the console."""

from flask import Blueprint, render_template

from ..models import Role
from .access import needs


@needs(Role.EDITOR)
def stories():
    return render_template("console/message.html", title="Stories", message="")


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/stories", "stories", stories)
