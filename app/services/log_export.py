"""A dialogue year's log as CSV for LBF: every entry of the year's packages, oldest first,
in words (the same wording as the log on the screen)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Package


def year_log_csv(year: int, describe: Callable[[AuditEntry], list[str]]) -> Iterator[str]:
    """The CSV text in chunks; `describe` turns an entry into its row of words."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    entries = db.session.scalars(
        select(AuditEntry)
        .join(Package, Package.id == AuditEntry.package_id)
        .where(Package.year == year)
        .order_by(AuditEntry.at, AuditEntry.id)
        .execution_options(yield_per=1000)
    )
    for index, entry in enumerate(entries):
        writer.writerow(describe(entry))
        if index % 1000 == 999:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
