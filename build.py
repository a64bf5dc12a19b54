"""Build the campaign site from content/.

    python build.py            check every page's front matter, then build into site/
    python build.py --strict   also fail on MkDocs warnings
    python build.py --serve    rebuild and reload the browser while you edit

A content problem stops the build with one ``file: field: what is wrong``
line each. The site logic lives in campaign_site/; this is only the command.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
from pathlib import Path

from mkdocs.commands import build, serve
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from campaign_site import staging
from petition_api import config


class _Plain(logging.Formatter):
    """Errors as bare lines (they already say file and field); others with their level."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        return message if record.levelno >= logging.ERROR else f"{record.levelname}: {message}"


def _site_url_as_served() -> None:
    """mkdocs.yml's site_url reads GROUNDSWELL_SITE_URL; unset, it is the address `make
    run` last served at (instance/site-url), as for the API, so a rebuild in another
    terminal gives share links and og:url the running site's address."""
    if "GROUNDSWELL_SITE_URL" not in os.environ:
        recorded = config.recorded_site_url()
        if recorded:
            os.environ["GROUNDSWELL_SITE_URL"] = recorded


def _build_then_swap(config_file: str, strict: bool, site_dir: str | None) -> None:
    """Build into a fresh folder beside the site's and put it in place only when the
    build succeeds: MkDocs empties its site_dir before the content check runs, so a
    mistake in content/ would otherwise leave the running site serving nothing."""
    final = Path(site_dir or load_config(config_file).site_dir).resolve()
    fresh = staging.staging(final)
    building = fresh.parent
    shutil.rmtree(building, ignore_errors=True)
    try:
        build.build(load_config(config_file, strict=strict, site_dir=str(fresh)))
        old = building / f"{final.name}.old"
        if final.exists():
            final.rename(old)
        fresh.rename(final)  # the site is missing only between these two renames
    finally:
        shutil.rmtree(building, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--config", default="mkdocs.yml", help="default: mkdocs.yml")
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument("--serve", action="store_true", help="serve with live reload")
    parser.add_argument("--site-dir", help="build here instead of mkdocs.yml's site_dir")
    parser.add_argument("--dev-addr", default="127.0.0.1:8001", help="for --serve")
    parser.add_argument("--quiet", action="store_true", help="print only problems")
    args = parser.parse_args(argv)

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Plain())
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING if args.quiet else logging.INFO)
    try:
        _site_url_as_served()
        if args.serve:
            serve.serve(args.config, strict=args.strict, dev_addr=args.dev_addr, watch_theme=True)
        else:
            _build_then_swap(args.config, args.strict, args.site_dir)
    except (Abort, config.ConfigError) as error:
        print(f"build failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
