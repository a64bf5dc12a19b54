"""The delivery archive, streamed as it is written, and its audit row."""

from __future__ import annotations

import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from .. import audit, db
from ..campaign_sender import Sender
from ..models import Petition, ToldStory
from .packets import Delivery, DeliveryError, Options


class _Sink:
    """A write-only file for zipfile that hands out what was written since last asked."""

    def __init__(self):
        self.chunks: list[bytes] = []
        self.position = 0

    def write(self, data) -> int:
        data = bytes(data)
        self.chunks.append(data)
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def zip_chunks(parts: Iterator[tuple[str, Path]], folder: str) -> Iterator[bytes]:
    """A ZIP archive of the parts, yielded as it is written (data descriptors, no seeking)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for name, path in parts:
            # PDFs are compressed already: stored, they cost no time to pack.
            method = zipfile.ZIP_STORED if name.endswith(".pdf") else zipfile.ZIP_DEFLATED
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=time.gmtime()[:6])
            info.compress_type = method
            info.external_attr = 0o644 << 16
            with open(path, "rb") as source, archive.open(info, "w", force_zip64=True) as target:
                while block := source.read(1 << 16):
                    target.write(block)
                    if sink.position and len(sink.chunks) > 16:
                        yield sink.take()
            yield sink.take()
    yield sink.take()


def archive_name(petition: Petition, when: datetime) -> str:
    return f"{petition.slug}-delivery-{when:%Y%m%d-%H%M}"


def audited_archive(
    petition: Petition,
    options: Options,
    actor: str,
    sender: Sender,
    stories: list[ToldStory],
    progress=None,
):
    """The archive's bytes; the audit row is completed when the last byte is out."""
    with db.writing() as session:
        entry = audit.add(
            session, "delivery.download", petition.slug, actor, options.as_dict(), "started"
        )
    workdir = Path(tempfile.mkdtemp(prefix="groundswell-delivery-"))
    outcome, delivery = "incomplete", None
    try:
        delivery = Delivery(petition, options, workdir, sender, stories, progress)
        folder = archive_name(petition, delivery.generated)
        yield from zip_chunks(delivery.parts(), folder)
        outcome = "ok"
    except DeliveryError:
        outcome = "error"
        raise
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        audit.finish(entry.id, outcome, delivery.signers if delivery else 0)
