"""Loading districts and members as a dataset, and switching the active one.

Every load is a new *dataset* (rows of its own, tagged with the Congress
number); the API switches to it in one UPDATE once it is complete, so data can
be replaced while the API serves, and `flask congress activate` switches back.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import case, delete, insert, select, update
from sqlalchemy.orm import Session

from .. import db
from ..models import CongressDataset, CongressOffice, CongressZcta
from .files import CongressDataError, all_offices, read_districts, read_legislators

DEFAULT_CONGRESS = 119


def load(
    districts: Path, legislators: Path, congress: int, activate: bool = True
) -> CongressDataset:
    """Read both files, write them as a new dataset, then make it the active one."""
    zctas = read_districts(districts)
    offices = all_offices(zctas, read_legislators(legislators))
    if not zctas:
        raise CongressDataError(f"{districts}: no districts in it")
    with db.writing() as session:
        dataset = CongressDataset(
            congress=congress,
            districts_source=str(districts)[:500],
            legislators_source=str(legislators)[:500],
            zcta_rows=len(zctas),
            offices=len(offices),
            vacant=sum(o.vacant for o in offices),
        )
        session.add(dataset)
        session.flush()
        for start in range(0, len(zctas), 5000):
            session.execute(
                insert(CongressZcta),
                [
                    {"dataset_id": dataset.id, "zcta": z, "state": s, "district": d}
                    for z, s, d in zctas[start : start + 5000]
                ],
            )
        session.execute(
            insert(CongressOffice),
            [{"dataset_id": dataset.id, **vars(o)} for o in offices],
        )
    if activate:
        activate_dataset(dataset.id)
    return dataset


def activate_dataset(dataset_id: int) -> None:
    """One UPDATE: every process sees the old dataset or the new one, never a mix."""
    with db.writing() as session:
        if session.get(CongressDataset, dataset_id) is None:
            raise CongressDataError(f"no dataset {dataset_id}")
        session.execute(
            update(CongressDataset).values(
                active=case((CongressDataset.id == dataset_id, True), else_=False)
            )
        )


def prune(keep: int = 2) -> int:
    """Delete all but the active dataset and the newest `keep` others."""
    with db.writing() as session:
        datasets = session.scalars(
            select(CongressDataset).order_by(CongressDataset.id.desc())
        ).all()
        old = [d.id for d in datasets if not d.active][keep:]
        if old:
            session.execute(delete(CongressZcta).where(CongressZcta.dataset_id.in_(old)))
            session.execute(delete(CongressOffice).where(CongressOffice.dataset_id.in_(old)))
            session.execute(delete(CongressDataset).where(CongressDataset.id.in_(old)))
    return len(old)


def active_dataset(session: Session) -> CongressDataset | None:
    return session.scalar(select(CongressDataset).where(CongressDataset.active))


def offices(session: Session, dataset_id: int) -> dict[str, CongressOffice]:
    return {
        o.code: o
        for o in session.scalars(
            select(CongressOffice).where(CongressOffice.dataset_id == dataset_id)
        )
    }
