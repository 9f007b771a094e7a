"""Open a dialogue year on the sector-scale demo world; prints seconds and rows written.

    .venv/bin/python bench/open_year.py                      # SQLite
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
        .venv/bin/python bench/open_year.py

Target (issue 2): under 30 seconds for about 7,600 forms, on SQLite and on PostgreSQL.
"""

import sys
import time
from pathlib import Path

# this file's folder would stand first on the path and hide the standard library's
# `statistics` (bench/statistics.py; the app imports the standard one): the root stands there
sys.path[0] = str(Path(__file__).resolve().parents[1])

from bench._world import database_name, sector_app  # noqa: E402

TARGET_SECONDS = 30


def main() -> int:
    app = sector_app()
    with app.app_context():
        from app.services.year_opening import open_year

        started = time.perf_counter()
        result = open_year(2027, app.config["QUESTIONNAIRE_VERSION"])
        seconds = time.perf_counter() - started
        again_started = time.perf_counter()
        again = open_year(2027, app.config["QUESTIONNAIRE_VERSION"])
        again_seconds = time.perf_counter() - again_started
    print(f"database: {database_name(app)}")
    print(f"packages created: {result.packages_created}, forms created: {result.forms_created}")
    print(f"rows written: {result.rows_written}")
    print(f"open-year seconds: {seconds:.2f} (target < {TARGET_SECONDS})")
    print(f"second run: {again.packages_created} created in {again_seconds:.2f} s")
    return 0 if seconds < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
