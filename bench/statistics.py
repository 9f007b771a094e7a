"""The statistics reports on the sector-scale demo world, asked for as LBF asks for them
(logged in, through the screens' routes): the sector-wide estate report of one year as Excel,
and the five-year key-figure report of the largest organisation on screen.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
        .venv/bin/python bench/statistics.py

The sector world holds two dialogue years; the three years before are copied from them, so
the five-year report reads as many rows as five real years would hold. The floor, measured in
the same run: the bare query of the values the report reads. Targets (issue 10): the estate
report as Excel under 5 s, the key-figure report under 1 s.
"""

import sys
from pathlib import Path

# this file's folder would stand first on the path and hide the standard library's
# `statistics` (which the app imports): the project's root stands there instead
sys.path[0] = str(Path(__file__).resolve().parents[1])

import io  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

from bench._world import database_name, sector_app  # noqa: E402

YEAR = 2026
RUNS = 5


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    result = function()
    return time.perf_counter() - started, result


def median_of(function) -> tuple[float, object]:
    runs = [timed(function) for _ in range(RUNS)]
    return statistics.median(t for t, _ in runs), runs[-1][1]


def main() -> int:
    from openpyxl import load_workbook

    app = sector_app()
    with app.app_context():
        from sqlalchemy import func, select, text

        from app.extensions import db
        from app.models import Estate, KeyFigureValue, Organisation
        from app.services.year_opening import open_year

        open_year(YEAR, app.config["QUESTIONNAIRE_VERSION"])
        # three older years, copied from the two the world holds
        for year, source in ((2024, 2026), (2023, 2025), (2022, 2026)):
            db.session.execute(
                text(
                    "INSERT INTO key_figure_value (year, key, organisation_id, estate_id, value,"
                    " source) SELECT :year, key, organisation_id, estate_id, value, source"
                    " FROM key_figure_value WHERE year = :source"
                ),
                {"year": year, "source": source},
            )
        db.session.commit()
        largest, estates = db.session.execute(
            select(Organisation.id, func.count(Estate.id))
            .join(Estate, Estate.organisation_id == Organisation.id)
            .group_by(Organisation.id)
            .order_by(func.count(Estate.id).desc())
            .limit(1)
        ).one()
        all_estates = db.session.scalar(select(func.count(Estate.id)))
        values = db.session.scalar(select(func.count()).select_from(KeyFigureValue))
        engine = db.engine

        def floor_year():
            with engine.connect() as connection:
                return connection.execute(
                    select(
                        KeyFigureValue.estate_id, KeyFigureValue.key, KeyFigureValue.value
                    ).where(KeyFigureValue.year == YEAR)
                ).all()

        def floor_history():
            with engine.connect() as connection:
                return connection.execute(
                    select(
                        KeyFigureValue.estate_id, KeyFigureValue.key, KeyFigureValue.value
                    ).where(
                        KeyFigureValue.organisation_id == largest,
                        KeyFigureValue.year.between(YEAR - 4, YEAR),
                    )
                ).all()

        db.session.remove()

    lbf = app.test_client()
    lbf.post("/login/", data={"username": "lbf", "password": "demo"})
    estate_url = f"/statistics/excel?report=ESTATES&year={YEAR}"
    history_url = f"/statistics/?report=KEY_FIGURES&year={YEAR}&organisation={largest}"
    lbf.get(history_url)  # warm up: templates, questionnaire

    floor_estates, year_rows = median_of(floor_year)

    def download(url):
        response = lbf.get(url)
        response.get_data()  # the whole body, as the browser receives it
        return response

    excel_time, excel = median_of(lambda: download(estate_url))
    floor_keys, history_rows = median_of(floor_history)
    history_time, page = median_of(lambda: download(history_url))
    assert excel.status_code == 200 and page.status_code == 200
    sheet = load_workbook(io.BytesIO(excel.data), read_only=True).active
    lines = sum(1 for _ in sheet.iter_rows(values_only=True)) - 1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"database: {database_name(app)}; {values:,} key figure values, {all_estates:,} estates")
    print(
        f"estate report {YEAR} as Excel, sector-wide ({lines:,} lines, "
        f"{len(excel.data) / 1e6:.1f} MB): {excel_time:.2f} s "
        f"(floor: the year's {len(year_rows):,} values read, {floor_estates:.2f} s); target < 5 s"
    )
    print(
        f"key-figure report {YEAR - 4}-{YEAR} of the largest organisation ({estates} estates, "
        f"{len(history_rows):,} values): {history_time:.2f} s "
        f"(floor: its values read, {floor_keys:.3f} s); target < 1 s"
    )
    print(f"peak memory of the process: {peak_mb:.0f} MB")
    met = excel_time < 5 and history_time < 1
    print("targets met" if met else "TARGET MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
