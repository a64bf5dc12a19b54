"""`flask congress ...`: load, list, switch and prune datasets; list offices."""

from __future__ import annotations

import tempfile
import urllib.request
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from .. import db
from ..models import CongressDataset
from .files import CongressDataError
from .geography import forget
from .loading import DEFAULT_CONGRESS, activate_dataset, active_dataset, load, offices, prune

DOWNLOAD_TIMEOUT = 60
DISTRICTS_URL = (
    "https://www2.census.gov/geo/docs/maps-data/data/rel2020/cd-sld/tab20_cd11920_zcta520_natl.txt"
)
LEGISLATORS_URL = "https://unitedstates.github.io/congress-legislators/legislators-current.csv"

congress_cli = AppGroup("congress", help="Congressional districts and members.")


@congress_cli.command("load")
@click.option("--districts", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--legislators", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--congress", "number", default=DEFAULT_CONGRESS, show_default=True, type=int)
@click.option("--download", is_flag=True, help="Fetch the official current files first.")
def load_command(districts, legislators, number, download):
    """Load districts and members as a new dataset and switch to it."""
    with tempfile.TemporaryDirectory() as folder:
        if download:
            districts = districts or _download(DISTRICTS_URL, Path(folder) / "districts.txt")
            legislators = legislators or _download(
                LEGISLATORS_URL, Path(folder) / "legislators-current.csv"
            )
        if districts is None or legislators is None:
            raise click.UsageError("give --districts PATH and --legislators PATH, or --download")
        for path in (districts, legislators):
            if not path.is_file():
                raise click.ClickException(f"{path}: no such file")
        try:
            dataset = load(districts, legislators, number)
        except (CongressDataError, UnicodeDecodeError) as error:
            raise click.ClickException(str(error)) from None
    forget(current_app._get_current_object())
    click.echo(
        f"dataset {dataset.id} active: {number}th Congress, {dataset.zcta_rows} ZCTA rows, "
        f"{dataset.offices} offices ({dataset.vacant} vacant)"
    )


def _download(url: str, to: Path) -> Path:
    click.echo(f"downloading {url}")
    try:
        # S310: the URLs are our fixed https constants (tests point them elsewhere).
        with (
            urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response,  # noqa: S310
            open(to, "wb") as out,
        ):
            while chunk := response.read(1 << 16):
                out.write(chunk)
    except (OSError, ValueError) as error:
        raise click.ClickException(
            f"could not download {url}: {error}. Without internet here, download the files "
            "elsewhere and run `flask congress load --districts PATH --legislators PATH`."
        ) from None
    return to


@congress_cli.command("list")
def list_command():
    """Every loaded dataset; * marks the active one."""
    with db.reading() as session:
        datasets = session.scalars(select(CongressDataset).order_by(CongressDataset.id)).all()
    for d in datasets:
        mark = "*" if d.active else " "
        click.echo(
            f"{mark} {d.id}\t{d.congress}th\t{d.loaded_at:%Y-%m-%d %H:%M}\t"
            f"{d.zcta_rows} ZCTA rows\t{d.offices} offices ({d.vacant} vacant)\t"
            f"{d.districts_source}"
        )


@congress_cli.command("activate")
@click.argument("dataset_id", type=int)
def activate_command(dataset_id):
    """Switch to an earlier dataset (e.g. to undo a bad load)."""
    try:
        activate_dataset(dataset_id)
    except CongressDataError as error:
        raise click.ClickException(str(error)) from None
    forget(current_app._get_current_object())
    click.echo(f"dataset {dataset_id} active")


@congress_cli.command("prune")
@click.option("--keep", default=1, show_default=True, help="Inactive datasets to keep.")
def prune_command(keep):
    """Delete old inactive datasets."""
    click.echo(f"deleted {prune(keep)} datasets")


@congress_cli.command("offices")
@click.argument("state", required=False)
def offices_command(state):
    """The offices of the active dataset (one STATE, or all)."""
    with db.reading() as session:
        dataset = active_dataset(session)
        if dataset is None:
            raise click.ClickException("no data loaded: run `flask congress load`")
        found = offices(session, dataset.id)
    for code, office in sorted(found.items()):
        if state and office.state != state.upper():
            continue
        click.echo(f"{code}\t{office.full_name or '(vacant)'}\t{office.party or ''}")
