"""Admins' pages: the audit log, API tokens, staff accounts."""

from flask import Blueprint, render_template

from ..models import Role
from .access import needs


@needs(Role.ADMIN)
def audit():
    return render_template("console/message.html", title="Audit log", message="")


@needs(Role.ADMIN)
def tokens():
    return render_template("console/message.html", title="API tokens", message="")


@needs(Role.ADMIN)
def staff():
    return render_template("console/message.html", title="Staff", message="")


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/audit", "audit", audit)
    bp.add_url_rule("/tokens", "tokens", tokens)
    bp.add_url_rule("/staff", "staff", staff)
