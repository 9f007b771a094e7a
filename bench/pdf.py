"""The combined PDF of the largest organisation of the sector-scale demo world (its report
and one estate form per estate, about 250), built as the job builds it; prints the figures.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test .venv/bin/python bench/pdf.py

The floor, measured in the same run: the package's forms read and laid out as HTML (every
query and template, no PDF). Targets (issue 10): under 15 s, peak memory under 1 GB.
"""

import io
import resource
import sys
import time
from pathlib import Path

# this file's folder would stand first on the path and hide the standard library's
# `statistics` (bench/statistics.py; the app imports the standard one): the root stands there
sys.path[0] = str(Path(__file__).resolve().parents[1])

from bench._world import database_name, sector_app  # noqa: E402

YEAR = 2026


def main() -> int:
    from pypdf import PdfReader

    app = sector_app()
    with app.app_context():
        from sqlalchemy import func, select

        from app.extensions import db
        from app.models import Form, Package
        from app.rules.access import Actor
        from app.rules.enums import Role
        from app.services import printing
        from app.services.reading import package_forms
        from app.services.year_opening import open_year

        open_year(YEAR, app.config["QUESTIONNAIRE_VERSION"])
        package_id, forms = db.session.execute(
            select(Package.id, func.count(Form.id))
            .join(Form, Form.package_id == Package.id)
            .where(Package.year == YEAR)
            .group_by(Package.id)
            .order_by(func.count(Form.id).desc())
            .limit(1)
        ).one()
        lbf = Actor(user_id=None, roles=frozenset({Role.LBF}))
        with app.test_request_context("/"):
            package = db.session.get(Package, package_id)
            started = time.perf_counter()
            bodies = [printing._form_html(f) for f in package_forms(package, lbf)]
            floor = time.perf_counter() - started
            db.session.expire_all()
            started = time.perf_counter()
            printed = printing.package_pdf(package_id, lbf)
            whole = time.perf_counter() - started
        pages = len(PdfReader(io.BytesIO(printed.content)).pages)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        organisation = str(db.session.get(Package, package_id).organisation)
        db.session.remove()
    print(f"database: {database_name(app)}")
    print(f"package: {organisation}, {forms} forms ({forms - 1} estate forms)")
    print(f"the forms as HTML (floor): {floor:.1f} s, {sum(map(len, bodies)) / 1e6:.1f} MB of HTML")
    print(
        f"combined PDF: {pages} pages, {len(printed.content) / 1e6:.1f} MB in {whole:.1f} s "
        f"(target < 15 s; {whole / floor:.0f}x the floor)"
    )
    print(f"peak memory of the process: {peak_mb:.0f} MB (target < 1024 MB)")
    return 0 if whole < 15 and peak_mb < 1024 else 1


if __name__ == "__main__":
    sys.exit(main())
