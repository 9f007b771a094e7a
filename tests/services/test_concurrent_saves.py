"""Concurrent saves on PostgreSQL, with real threads: the stored form and package statuses
always equal what the stored answers derive to, and copies of one request all get its 200.

Each saver runs in its own thread with its own app context (its own session and connection);
a barrier releases them together so the saves overlap in the database."""

import threading

import pytest
from sqlalchemy import select

from app.models import Answer, AppUser, AuditEntry, Form, Package
from app.rules.enums import FormStatus, PackageStatus
from app.security import actor_for
from app.services import forms as service
from tests.conftest import requires_postgresql
from tests.services.test_filling import (
    complete_estate_form,
    complete_report,
    estate_form,
    package_of,
    save,
)

pytestmark = pytest.mark.postgres

ROUNDS = 40


@pytest.fixture
def pg_world(app, world, db):
    requires_postgresql(db, "concurrent saves")
    return world


def _version(db, form_id, key):
    answer = db.session.scalar(
        select(Answer).where(Answer.form_id == form_id, Answer.question_key == key)
    )
    return answer.version if answer is not None else 0


def _run_at_once(app, saves):
    """Run each (form_id, key, value, username, request_id) in its own thread and session,
    released together; returns the Saved or the exception of each, in order."""
    from app.extensions import db

    barrier = threading.Barrier(len(saves))
    results = [None] * len(saves)

    def work(index, form_id, key, value, username, request_id):
        with app.app_context():
            try:
                user = db.session.scalar(select(AppUser).where(AppUser.username == username))
                who = actor_for(user)
                version = _version(db, form_id, key)
                db.session.rollback()  # the save starts its own transaction, as a request does
                barrier.wait(timeout=30)
                results[index] = service.save_answer(form_id, key, value, version, request_id, who)
            except Exception as error:  # reported by the test, not swallowed
                db.session.rollback()
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work, args=(i, *s)) for i, s in enumerate(saves)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _derived_status(form):
    """What the stored answers say (the rule applied to a fresh read)."""
    definition = service.definition_of(form)
    values = {k: a.value for k, a in service.answers_of(form).items()}
    return service.progress_of(
        form, definition, values, service.form_figures(form, definition)
    ).status


def _fresh(db, model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def test_concurrent_saves_on_one_form_leave_the_status_its_answers_derive_to(pg_world, app, db):
    form = estate_form(db, package_of(db, 101), 1)
    complete_estate_form(db, form)
    save(db, form, "has_estate_board", None)  # the only answer missing: the form is in progress
    form_id = form.id
    wrong = []
    for round_ in range(ROUNDS):
        results = _run_at_once(
            app,
            [
                (form_id, "has_estate_board", True, "bo", None),
                (form_id, "maintenance_condition", None, "bo", None),
            ],
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        form = _fresh(db, Form, form_id)
        # maintenance_condition is required and now empty: in progress, whatever the order
        if (form.status, _derived_status(form)) != (FormStatus.IN_PROGRESS,) * 2:
            wrong.append((round_, form.status, _derived_status(form)))
        save(db, form, "maintenance_condition", "satisfactory")
        save(db, form, "has_estate_board", None)
        assert _fresh(db, Form, form_id).status == FormStatus.IN_PROGRESS
    assert wrong == []


def test_concurrent_saves_on_two_forms_leave_the_package_status_its_forms_derive_to(
    pg_world, app, db
):
    package = package_of(db, 101)
    for form in package.forms:
        if form.estate_id is None:
            complete_report(db, form)
        else:
            complete_estate_form(db, form)
    form_a = estate_form(db, package, 1)
    form_b = estate_form(db, package, 2)
    save(db, form_a, "has_estate_board", None)
    a_id, b_id, package_id = form_a.id, form_b.id, package.id
    wrong = []
    for round_ in range(ROUNDS):
        results = _run_at_once(
            app,
            [
                (a_id, "has_estate_board", True, "bo", None),  # completes form A
                (b_id, "maintenance_condition", None, "bo", None),  # reopens form B
            ],
        )
        assert not [r for r in results if isinstance(r, Exception)], results
        db.session.expire_all()
        package = db.session.get(Package, package_id)
        forms = {f.id: f for f in package.forms}
        stored = {f.id: f.status for f in forms.values()}
        derived = {f.id: _derived_status(f) for f in forms.values()}
        expected_package = (
            PackageStatus.COMPLETE
            if set(stored.values()) == {FormStatus.DONE}
            else PackageStatus.IN_PROGRESS
        )
        state = (stored[a_id], stored[b_id], package.status)
        # by hand: A done, B in progress, so the package is in progress
        if (
            state != (FormStatus.DONE, FormStatus.IN_PROGRESS, PackageStatus.IN_PROGRESS)
            or stored != derived
            or package.status != expected_package
        ):
            wrong.append((round_, state))
        save(db, forms[b_id], "maintenance_condition", "satisfactory")
        save(db, forms[a_id], "has_estate_board", None)
    assert wrong == []


def test_copies_of_one_request_sent_at_once_all_get_the_first_ones_result(pg_world, app, db):
    form_id = estate_form(db, package_of(db, 101), 1).id
    wrong = []
    for round_ in range(ROUNDS // 2):
        key = "maintenance_condition_comment"
        value = f"Tekst {round_}"
        copies = [(form_id, key, value, "bo", f"request-{round_}")] * 3
        results = _run_at_once(app, copies)
        version = round_ + 1  # the first save inserts version 1, each round adds one
        outcomes = {
            (r.value, r.version, r.saved_at, r.form_status, r.package_status)
            if not isinstance(r, Exception)
            else repr(r)
            for r in results
        }
        if len(outcomes) != 1 or next(iter(outcomes))[:2] != (value, version):
            wrong.append((round_, outcomes))
    assert wrong == []
    answers = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "answer")).all()
    assert len(answers) == ROUNDS // 2  # each request applied once
