"""Two files of one register imported at the same moment, on PostgreSQL with real threads:
the second waits for the first and replaces what it stored, so the register ends as exactly
one of the files, never a mix, and neither job fails."""

import threading

import pytest
from sqlalchemy import select

from app.extensions import db as _db
from app.models import Estate, LettingToolUse, Organisation
from app.rules.enums import ImportStatus
from app.services.registers import queue_import, run_import
from tests.conftest import requires_postgresql
from tests.services.test_register_imports import LBF

pytestmark = pytest.mark.postgres

ROUNDS = 8
YEAR = 2031
HEADER = "organisation;afdeling;aar;redskab;udlejninger\n"
FILES = {
    "a": {(1, "waiting_list"): 4, (1, "flexible"): 1},
    "b": {(1, "waiting_list"): 5, (2, "waiting_list"): 2},
}


def content(name, round_number):
    # each round's numbers differ, so every import changes something
    return (
        HEADER
        + "".join(
            f"101;{estate};{YEAR};{tool};{count + round_number}\n"
            for (estate, tool), count in FILES[name].items()
        )
    ).encode()


def stored(db):
    db.session.expire_all()
    return {
        (number, use.tool): use.lettings
        for use, number in db.session.execute(
            select(LettingToolUse, Estate.number)
            .join(Estate, Estate.id == LettingToolUse.estate_id)
            .join(Organisation, Organisation.id == Estate.organisation_id)
            .where(LettingToolUse.year == YEAR)
        )
    }


def run_at_once(app, jobs):
    """Each job in its own thread, app context and session, released together."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def work(index, job):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results[index] = run_import(job).status
            except Exception as error:  # reported by the test
                _db.session.rollback()
                results[index] = error
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=work, args=(i, j)) for i, j in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_files_of_one_register_at_once_leave_exactly_one_of_them(app, world, db):
    requires_postgresql(db, "concurrent imports")
    for round_number in range(ROUNDS):
        jobs = [
            queue_import("lettings", f"{name}.csv", content(name, round_number), LBF).id
            for name in FILES
        ]
        results = run_at_once(app, jobs)
        assert all(r in (ImportStatus.IMPORTED, ImportStatus.UNCHANGED) for r in results), results
        expected = [
            {key: count + round_number for key, count in FILES[name].items()} for name in FILES
        ]
        assert stored(db) in expected
