"""The accounts register at sector scale: one amounts file for every organisation and estate
of the sector-scale demo world, imported through the register import (checked as a whole,
applied in one transaction, the next dialogue year's key figures and benchmarks computed in
one pandas pass, that year's statuses derived again); prints the figures.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python bench/key_figures.py

Each figure is printed beside a floor measured in the same run: a plain `pandas.read_csv` of
the same file. Targets (issue 9): the key-figure computation under 5 s, the whole import
under 60 s, peak memory under 1 GB.
"""

import random
import resource
import sys
import time
from pathlib import Path

# this file's folder would stand first on the path and hide the standard library's
# `statistics` (bench/statistics.py; the app imports the standard one): the root stands there
sys.path[0] = str(Path(__file__).resolve().parents[1])

from bench._world import database_name, sector_app  # noqa: E402

ACCOUNTING_YEAR = 2025


def amounts_file(db) -> bytes:
    """One row per organisation (its own accounts) and per estate in operation."""
    from sqlalchemy import select

    from app.models import Estate, Organisation
    from app.rules.enums import EstateState
    from app.rules.registers import ACCOUNTS_AMOUNTS

    rng = random.Random(9)
    names = [c.name for c in ACCOUNTS_AMOUNTS.columns]
    lines = [";".join(names)]
    numbers = dict(db.session.execute(select(Organisation.id, Organisation.number)).all())
    for number in numbers.values():
        units = rng.randint(200, 8000)
        lines.append(
            f"{number};;{ACCOUNTING_YEAR};{units * rng.uniform(3000, 4500):.2f};{units};"
            f"{rng.uniform(0, 2e6):.2f};{rng.uniform(2e7, 9e7):.2f};"
            f"{rng.uniform(0, 1e6):.2f};{rng.uniform(1e7, 5e7):.2f};"
            f"{units * rng.uniform(4000, 9000):.2f};{units * rng.uniform(2000, 6000):.2f};;;;"
        )
    for organisation_id, estate_number, area in db.session.execute(
        select(Estate.organisation_id, Estate.number, Estate.area_m2).where(
            Estate.state == EstateState.IN_OPERATION
        )
    ):
        area = area or rng.randint(1000, 20000)
        leases = max(1, area // 80)
        lines.append(
            f"{numbers[organisation_id]};{estate_number};{ACCOUNTING_YEAR};;;;;;;;;"
            f"{area * rng.uniform(60, 180):.2f};{area * rng.uniform(300, 1100):.2f};"
            f"{leases};{area}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


def estates_file(db, move_every: int) -> tuple[bytes, int]:
    """The sector's estates register, every `move_every`-th estate moved to another
    municipality; the file and the number moved."""
    from sqlalchemy import select

    from app.models import Estate, Municipality, Organisation
    from app.rules.registers import ESTATE_STATES, ESTATES

    state_text = {state: text for text, state in ESTATE_STATES.items()}
    codes = sorted(db.session.scalars(select(Municipality.code)))
    lines = [";".join(c.name for c in ESTATES.columns)]
    moved = 0
    for index, (e, number, code) in enumerate(
        db.session.execute(
            select(Estate, Organisation.number, Municipality.code)
            .join(Organisation, Organisation.id == Estate.organisation_id)
            .join(Municipality, Municipality.id == Estate.municipality_id)
            .order_by(Estate.id)
        )
    ):
        if index % move_every == 0:
            code = codes[(codes.index(code) + 1) % len(codes)]
            moved += 1
        lines.append(
            f"{number};{e.number};{e.name};{e.address or ''};{code};{state_text[e.state]};"
            f"{e.built_year or ''};{e.family_dwellings};{e.elderly_dwellings};"
            f"{e.youth_dwellings};{e.area_m2}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8"), moved


def master_data(db, lbf) -> str:
    """The year opened, then an estates register moving 1 % of the estates: the import, and
    the list of what the opened year has not taken, beside a read of the same file."""
    import io

    import pandas as pd

    from app.services.opened_year_master_data import differences
    from app.services.registers import queue_import, run_import
    from app.services.year_opening import open_year

    open_year(ACCOUNTING_YEAR + 1, "2026.1")
    content, moved = estates_file(db, 100)
    started = time.perf_counter()
    pd.read_csv(io.BytesIO(content), sep=";")
    floor = time.perf_counter() - started
    started = time.perf_counter()
    entry = run_import(queue_import("estates", "afdelinger.csv", content, lbf).id)
    imported = time.perf_counter() - started
    started = time.perf_counter()
    listed = differences(ACCOUNTING_YEAR + 1)
    listing = time.perf_counter() - started
    changes = sum(len(p.differences) for p in listed)
    rows = content.count(b"\n") - 1
    return (
        f"estates register: {rows} rows, {moved} moved; "
        f"pandas.read_csv (floor): {floor:.2f} s; import {entry.status.value} "
        f"({entry.changed} changes) in {imported:.1f} s ({imported / floor:.0f}x the floor); "
        f"the opened year's {changes} differences listed in {listing:.2f} s"
    )


def main() -> int:
    import io

    import pandas as pd

    app = sector_app()
    with app.app_context():
        from sqlalchemy import Integer

        from app.extensions import db
        from app.rules.access import Actor
        from app.rules.enums import ImportStatus, Role
        from app.services import key_figure_computation
        from app.services.registers import queue_import, run_import

        content = amounts_file(db)
        rows = content.count(b"\n") - 1
        started = time.perf_counter()
        pd.read_csv(io.BytesIO(content), sep=";")
        floor = time.perf_counter() - started

        computed = {}
        original = key_figure_computation.compute_accounts_figures

        def timed(year):
            begun = time.perf_counter()
            written = original(year)
            computed["seconds"] = time.perf_counter() - begun
            computed["values"] = written
            return written

        key_figure_computation.compute_accounts_figures = timed
        lbf = Actor(user_id=None, roles=frozenset({Role.LBF}))
        started = time.perf_counter()
        entry = run_import(queue_import("accounts_amounts", "bench.csv", content, lbf).id)
        whole = time.perf_counter() - started
        key_figure_computation.compute_accounts_figures = original
        if entry.status != ImportStatus.IMPORTED:
            print(f"the import ended {entry.status.value}")
            return 1
        started = time.perf_counter()
        again = run_import(queue_import("accounts_amounts", "bench.csv", content, lbf).id)
        unchanged = time.perf_counter() - started
        changed, again_status = entry.changed, again.status
        moved_estates = master_data(db, lbf)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        from sqlalchemy import func, select

        from app.models import Benchmark

        benchmarks = db.session.execute(
            select(func.count(Benchmark.id), func.sum(Benchmark.indexed.cast(Integer))).where(
                Benchmark.year == ACCOUNTING_YEAR + 1,
                Benchmark.valid_to.is_(None),
                Benchmark.basis.is_not(None),
            )
        ).one()
        db.session.remove()
    print(f"database: {database_name(app)}")
    print(f"file: {rows} rows, {len(content) / 1e6:.1f} MB; pandas.read_csv (floor): {floor:.2f} s")
    print(
        f"key figures computed: {computed['values']} values in {computed['seconds']:.2f} s "
        f"(target < 5 s; {computed['seconds'] / floor:.0f}x the floor)"
    )
    print(
        f"whole import (check, {changed} amounts written and logged, key figures, "
        f"statuses): {whole:.1f} s (target < 60 s; {whole / floor:.0f}x the floor)"
    )
    print(
        f"benchmarks computed with them (per peer group): {benchmarks[0]}, "
        f"{benchmarks[1] or 0} of them indexed"
    )
    print(f"the same file again: {again_status.value} in {unchanged:.1f} s")
    print(moved_estates)
    print(f"peak memory of the process: {peak_mb:.0f} MB (target < 1024 MB)")
    ok = computed["seconds"] < 5 and whole < 60 and peak_mb < 1024
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
