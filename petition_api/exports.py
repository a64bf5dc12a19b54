"""Streamed staff exports of signatures (being written)."""

from __future__ import annotations

from flask import Blueprint
from flask.cli import AppGroup

bp = Blueprint("exports", __name__)
signatures_cli = AppGroup("signatures", help="Signature exports and synthetic test data.")
