"""Delivery packets for congressional offices (being written)."""

from __future__ import annotations

from flask import Blueprint
from flask.cli import AppGroup

bp = Blueprint("delivery", __name__)
delivery_cli = AppGroup("delivery", help="Packets of signatures for congressional offices.")
