"""The dialogue's actions at the same moment, on PostgreSQL with real threads: a package is
never sent with an incomplete form, sent twice, or both returned and marked as met.

Each actor runs in its own thread, app context, session and connection; a barrier releases
them together."""

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select

from app.models import AccountsFiling, Answer, AppUser, AuditEntry, Package, Recipient
from app.rules.enums import FormStatus, PackageStatus
from app.security import actor_for
from app.services import forms as service
from app.services import meeting, return_package, submit
from app.services.errors import FormError
from tests.clients import act_as
from tests.conftest import requires_postgresql
from tests.services.test_filling import (
    complete_estate_form,
    complete_report,
    estate_form,
    package_of,
)

pytestmark = pytest.mark.postgres

ROUNDS = 12


@pytest.fixture
def complete_pg(app, world, db):
    requires_postgresql(db, "concurrent submissions")
    package = package_of(db, 101)
    _complete(db, package)
    filed = select(AccountsFiling.id).where(
        AccountsFiling.organisation_id == package.organisation_id,
        AccountsFiling.accounting_year == 2025,
    )
    if db.session.scalar(filed) is None:
        db.session.add(
            AccountsFiling(organisation_id=package.organisation_id, accounting_year=2025)
        )
        db.session.commit()
    return package.id


def _complete(db, package):
    for form in package.forms:
        if form.estate_id is None:
            complete_report(db, form)
        else:
            complete_estate_form(db, form)


def _at_once(app, actions):
    """Run each (username, function(actor)) in its own thread and session, released
    together; returns each result or exception, in order."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def work(index, username, action):
        results[index] = act_as(app, username, action, lambda: barrier.wait(timeout=30))

    threads = [threading.Thread(target=work, args=(i, *a)) for i, a in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _version(db, form_id, key):
    answer = db.session.scalar(
        select(Answer).where(Answer.form_id == form_id, Answer.question_key == key)
    )
    return answer.version if answer is not None else 0


def test_a_package_is_never_sent_while_a_form_is_being_emptied(app, db, complete_pg):
    """bo submits while a colleague clears a required answer of estate 1: either the
    submission comes first (and the clearing is refused) or the clearing does (and the
    submission is refused); never a submitted package with an incomplete form."""
    for _ in range(ROUNDS):
        db.session.expire_all()
        package = db.session.get(Package, complete_pg)
        form_id = estate_form(db, package, 1).id
        version = _version(db, form_id, "maintenance_condition")
        db.session.rollback()
        sent, cleared = _at_once(
            app,
            [
                ("bo", lambda who: submit.submit(complete_pg, who)),
                (
                    "bo",
                    lambda who, v=version, f=form_id: service.save_answer(
                        f, "maintenance_condition", None, v, None, who
                    ),
                ),
            ],
        )
        db.session.expire_all()
        package = db.session.get(Package, complete_pg)
        statuses = {f.status for f in package.forms}
        answer = db.session.scalar(
            select(Answer.value).where(
                Answer.form_id == form_id, Answer.question_key == "maintenance_condition"
            )
        )
        if package.status == PackageStatus.SUBMITTED:
            assert isinstance(cleared, FormError), cleared
            assert statuses == {FormStatus.DONE} and answer == "satisfactory"
            return_package.return_package(complete_pg, _actor(db, "kbh"), "Igen.")
        else:
            assert isinstance(sent, FormError), sent
            assert answer is None and package.status == PackageStatus.IN_PROGRESS
            _complete(db, db.session.get(Package, complete_pg))


def _actor(db, username):
    return actor_for(db.session.scalar(select(AppUser).where(AppUser.username == username)))


def test_two_submissions_at_once_send_the_package_once(app, db, complete_pg):
    results = _at_once(
        app,
        [
            ("bo", lambda who: submit.submit(complete_pg, who)),
            ("bo", lambda who: submit.submit(complete_pg, who)),
        ],
    )
    refused = [r for r in results if isinstance(r, FormError)]
    assert len(refused) == 1, results
    assert [v.code for v in refused[0].violations] == ["wrong_status"]
    assert db.session.scalar(select(func.count(Recipient.id))) == 2
    assert (
        db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "submit"))
        == 1
    )


def test_return_and_meeting_at_once_leave_one_of_them(app, db, complete_pg):
    submit.submit(complete_pg, _actor(db, "bo"))
    today = dt.date.today()
    returned, met = _at_once(
        app,
        [
            ("kbh", lambda who: return_package.return_package(complete_pg, who, "Ret det.")),
            ("kbh", lambda who: meeting.mark_meeting_held(complete_pg, who, today)),
        ],
    )
    db.session.expire_all()
    package = db.session.get(Package, complete_pg)
    if isinstance(returned, FormError):
        assert package.status == PackageStatus.MEETING_HELD and package.returns == []
    else:
        assert isinstance(met, FormError), met
        assert package.status == PackageStatus.COMPLETE and package.meeting_date is None
