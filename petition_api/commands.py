"""Every `flask` command group the app registers, for the manual's commands page.

docs/pages/commands.md documents each group with mkdocs-click, which loads a module
attribute by name: `petition_api.commands:mail` is the `flask mail` group as
create_app assembles it (features add commands to one another's groups, so the
modules' own group objects are not the whole story). The app made for this opens
no database and reads no instance folder.
"""

from __future__ import annotations

from functools import cache

import click


@cache
def registered() -> click.Group:
    """The app's command group (`app.cli`): what `flask` offers besides Flask's own."""
    from . import create_app

    return create_app({"ENV": "development", "DATABASE_URL": "sqlite://"}).cli


def __getattr__(name: str) -> click.Command:
    """`petition_api.commands.<group>`: one registered group, made on first use."""
    try:
        return registered().commands[name]
    except KeyError:
        raise AttributeError(f"no `flask {name}` command group is registered") from None
