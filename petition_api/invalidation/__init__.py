"""Invalidation: staff take signatures out (invalidate) and put them back (restore)."""

from flask import Flask

from .cli import invalidate_command, restore_command


def init_app(app: Flask) -> None:
    # Under `flask signatures`, beside export: the commands staff look for there.
    group = app.cli.commands["signatures"]
    group.add_command(invalidate_command)
    group.add_command(restore_command)
