"""Many certificates in one ZIP, streamed: one PDF rendered, written and sent at a time."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from datetime import datetime

from sqlalchemy import select

from ..core.models import aware
from ..extensions import db
from .models import Certificate
from .pdf import Printable, render

BATCH = 100  # certificate rows read per query (their JSON facts are small)


class _Sink:
    """A write-only, non-seekable stream: zipfile writes into it, we hand the bytes on."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        """Nothing is buffered beyond `parts`."""

    def take(self) -> bytes:
        """What was written since the last call."""
        data, self.parts = b"".join(self.parts), []
        return data


def printable(cert: Certificate) -> Printable:
    """The page's facts from a recorded certificate."""
    return Printable(
        cert.code, cert.kind, cert.learner_name or "—", cert.facts or {}, aware(cert.issued_at)
    )


def file_name(cert: Printable) -> str:
    """A safe, unique entry name: certificat-<name>-<code>.pdf."""
    ascii_name = cert.learner_name.encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower()[:40] or "apprenant"
    return f"certificat-{slug}-{cert.code}.pdf"


def printables(ids: Iterable[int]) -> Iterator[Printable]:
    """The certificates of these ids, read in batches and let go once yielded."""
    pending = list(ids)
    for start in range(0, len(pending), BATCH):
        chunk = pending[start : start + BATCH]
        rows = db.session.execute(
            select(
                Certificate.id,
                Certificate.code,
                Certificate.kind,
                Certificate.learner_name,
                Certificate.facts,
                Certificate.issued_at,
            ).where(Certificate.id.in_(chunk))
        ).all()
        by_id = {row[0]: row for row in rows}
        for pk in chunk:
            row = by_id.get(pk)
            if row is not None:
                yield Printable(row[1], row[2], row[3] or "—", row[4] or {}, aware(row[5]))


def zip_stream(
    certs: Iterable[Printable], base_url: str, now: datetime, counter: list[int] | None = None
) -> Iterator[bytes]:
    """The ZIP's bytes, a PDF at a time; `counter[0]` counts the entries written."""
    sink = _Sink()
    stamp = now.timetuple()[:6]
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for cert in certs:
            info = zipfile.ZipInfo(file_name(cert), date_time=stamp)
            # PDF pages are compressed already: storing them is as small and much faster.
            info.compress_type = zipfile.ZIP_STORED
            with archive.open(info, mode="w") as entry:
                entry.write(render(cert, base_url))
            if counter is not None:
                counter[0] += 1
            yield sink.take()
    yield sink.take()
