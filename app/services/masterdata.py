"""The 98 municipalities and 5 regions are master data, loaded from the shipped CSV files."""

import csv
from importlib import resources

from sqlalchemy import select

from app.extensions import db
from app.models import Municipality, Region


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("app.masterdata").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def load_regions_and_municipalities() -> tuple[int, int]:
    """Insert the regions and municipalities that are missing; returns how many were added."""
    regions = {r.code: r for r in db.session.scalars(select(Region))}
    added_regions = 0
    for row in _rows("regions.csv"):
        code = int(row["code"])
        if code not in regions:
            regions[code] = Region(code=code, name=row["name"])
            db.session.add(regions[code])
            added_regions += 1
    db.session.flush()
    existing = set(db.session.scalars(select(Municipality.code)))
    added = 0
    for row in _rows("municipalities.csv"):
        code = int(row["code"])
        if code not in existing:
            db.session.add(
                Municipality(code=code, name=row["name"], region=regions[int(row["region_code"])])
            )
            added += 1
    db.session.commit()
    return added_regions, added
