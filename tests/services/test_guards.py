"""The guards of filling in a package, each with a test that fails when the guard is removed:
versions from the future, concurrent first saves, who may edit, yellow figures needing a
comment, the year refresh, and the attachment filter. Figures, benchmarks and thresholds are
made by hand here, so every expected flag and status is worked out in the comments."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from sqlalchemy import delete, event, func, or_, select, text, update
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from app.models import (
    Answer,
    AppUser,
    Attachment,
    Benchmark,
    Estate,
    FlagThreshold,
    Form,
    KeyFigureValue,
    Organisation,
    Package,
)
from app.rules.enums import FormStatus, PackageStatus
from app.security import actor_for, row_filter
from app.services import forms as service
from app.services.year_opening import open_year
from tests.conftest import requires_postgresql

YEAR = 2026


def actor(db, username):
    return actor_for(db.session.scalar(select(AppUser).where(AppUser.username == username)))


def package_of(db, number, year=YEAR):
    return db.session.scalar(
        select(Package)
        .join(Package.organisation)
        .where(Organisation.number == number, Package.year == year)
    )


def estate_form(db, package, estate_number):
    return db.session.scalar(
        select(Form)
        .join(Estate)
        .where(Form.package_id == package.id, Estate.number == estate_number)
    )


def report_form(db, package):
    return db.session.scalar(
        select(Form).where(Form.package_id == package.id, Form.estate_id.is_(None))
    )


def stored(db, form_id, key=None):
    """{question_key: (value, version)} of a form, read fresh from the database."""
    db.session.expire_all()
    query = select(Answer.question_key, Answer.value, Answer.version).where(
        Answer.form_id == form_id
    )
    if key is not None:
        query = query.where(Answer.question_key == key)
    return {k: (v, n) for k, v, n in db.session.execute(query)}


def save(db, form, key, value, version, user="bo", request_id=None):
    return service.save_answer(form.id, key, value, version, request_id, actor(db, user))


def submit(db, package_id):
    db.session.execute(
        update(Package)
        .where(Package.id == package_id)
        .values(status=PackageStatus.SUBMITTED, submitted_at=Package.created_at)
    )
    db.session.commit()


# --- the version check: never overwrite, whatever the client's version says --------------------


def test_save_with_a_version_from_the_future_is_refused_and_changes_nothing(world, db):
    form = estate_form(db, package_of(db, 101), 1)
    save(db, form, "a_challenges", True, version=0)  # stored: version 1, value True
    with pytest.raises(service.Conflict) as conflict:
        save(db, form, "a_challenges", False, version=2)
    assert (conflict.value.value, conflict.value.version) == (True, 1)
    db.session.rollback()
    assert stored(db, form.id) == {"a_challenges": (True, 1)}


def test_first_save_claiming_an_existing_version_is_refused_and_stores_nothing(world, db):
    form = estate_form(db, package_of(db, 101), 1)
    with pytest.raises(service.Conflict) as conflict:
        save(db, form, "a_challenges", True, version=3)  # nothing stored: version 0
    assert (conflict.value.value, conflict.value.version) == (None, 0)
    db.session.rollback()
    assert stored(db, form.id) == {}
    assert package_of(db, 101).status == PackageStatus.READY


# --- two first saves of one answer at once ------------------------------------------------------


def test_first_save_losing_the_race_to_another_first_save_is_a_conflict(world, db):
    """Deterministic on every database: between this save's read (no answer yet) and its flush,
    a second connection stores the same answer first; the unique constraint refuses the second
    insert, and the loser gets a 409 with the winner's value, never an unhandled error."""
    form = estate_form(db, package_of(db, 101), 1)
    form_id = form.id
    bo_id = actor(db, "bo").user_id
    session = db.session()
    state = {"done": False, "blocked": False}

    def other_first_save(flushing, _context, _instances):
        if state["done"] or not any(
            isinstance(o, Answer) and o.question_key == "a_challenges" for o in flushing.new
        ):
            return
        state["done"] = True
        with Session(db.engine) as other:
            if other.get_bind().dialect.name == "postgresql":
                # a writer that takes no lock of the form: without the foreign-key check it
                # does not wait for a row lock the save may hold (needs a superuser)
                other.execute(text("SET LOCAL lock_timeout = '3s'"))
                try:
                    with other.begin_nested():
                        other.execute(text("SET LOCAL session_replication_role = replica"))
                except DBAPIError:
                    pass  # not a superuser: the lock may then keep it out (skipped below)
            other.add(
                Answer(
                    form_id=form_id, question_key="a_challenges", value=True, changed_by_id=bo_id
                )
            )
            try:
                other.commit()
            except OperationalError:
                state["blocked"] = True  # the save holds a lock that keeps the other one out

    event.listen(session, "before_flush", other_first_save)
    try:
        try:
            saved = save(db, form, "a_challenges", False, version=0)
        except service.Conflict as conflict:
            saved = conflict
    finally:
        event.remove(session, "before_flush", other_first_save)
    assert state["done"]
    if state["blocked"]:
        pytest.skip("save_answer serialises first saves by a lock: the threaded test covers it")
    assert isinstance(saved, service.Conflict)
    assert saved.status == 409
    assert (saved.value, saved.version, saved.changed_by) == (True, 1, "Bo Hansen")
    db.session.rollback()
    assert stored(db, form_id) == {"a_challenges": (True, 1)}


def _race(app, form_id, key, bo, tag):
    """Two first saves of one answer (values True and False), released at once by a barrier,
    each in its own thread, app context and database session; returns both outcomes."""
    barrier = threading.Barrier(2)
    outcomes: list[object] = [None, None]

    def first_save(slot):
        with app.app_context():
            from app.extensions import db as database

            try:
                barrier.wait(timeout=10)
                outcomes[slot] = service.save_answer(
                    form_id, key, slot == 0, 0, f"{tag}-{slot}", bo
                )
            except service.Conflict as conflict:
                database.session.rollback()
                outcomes[slot] = conflict
            except Exception as error:  # noqa: BLE001 - an unhandled error is a 500: the test fails
                database.session.rollback()
                outcomes[slot] = error
            finally:
                database.session.remove()

    threads = [threading.Thread(target=first_save, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.postgres
def test_concurrent_first_saves_of_one_answer_give_one_200_and_one_409(world, db, app):
    requires_postgresql(db, "real concurrent transactions")
    package = package_of(db, 101)
    form_ids = [f.id for f in package.forms if f.estate_id is not None][:4]
    bo = actor(db, "bo")
    db.session.commit()
    rounds = 0
    for form_id in form_ids:
        for key in ("a_challenges", "has_estate_board"):
            rounds += 1
            outcomes = _race(app, form_id, key, bo, f"round{rounds}")
            saved = [o for o in outcomes if isinstance(o, service.Saved)]
            conflicts = [o for o in outcomes if isinstance(o, service.Conflict)]
            assert len(saved) == 1 and len(conflicts) == 1, f"round {rounds}: {outcomes!r}"
            assert conflicts[0].status == 409
            # the loser sees the winner's value, stored once in version 1
            assert (conflicts[0].value, conflicts[0].version) == (saved[0].value, 1)
            assert stored(db, form_id, key) == {key: (saved[0].value, 1)}
    assert rounds == 8


# --- who may edit -------------------------------------------------------------------------------


def test_lbf_may_not_save_an_organisations_answers(world, db):
    form = estate_form(db, package_of(db, 101), 1)
    with pytest.raises(service.Locked) as refused:
        save(db, form, "a_challenges", True, version=0, user="lbf")
    assert refused.value.message == "Du kan ikke redigere denne dokumentationspakke."
    db.session.rollback()
    assert stored(db, form.id) == {}
    assert package_of(db, 101).status == PackageStatus.READY


@pytest.mark.parametrize("submitted", [False, True])
def test_home_municipality_may_not_save_an_organisations_answers(world, db, submitted):
    package = package_of(db, 101)
    form = estate_form(db, package, 1)
    if submitted:
        submit(db, package.id)
    # before submission the form is not even visible to the municipality
    with pytest.raises(service.Locked if submitted else service.NotFound):
        save(db, form, "a_challenges", True, version=0, user="kbh")
    db.session.rollback()
    assert stored(db, form.id) == {}


def test_may_edit_is_true_only_for_the_organisation_before_submission(world, db):
    package = package_of(db, 101)
    assert service.may_edit(package, actor(db, "bo"))
    assert not service.may_edit(package, actor(db, "lbf"))
    assert not service.may_edit(package, actor(db, "kbh"))
    assert not service.may_edit(package, actor(db, "nord"))
    submit(db, package.id)
    assert not service.may_edit(package_of(db, 101), actor(db, "bo"))


@pytest.fixture
def last_year(world, db, app):
    """Organisation 101 answered q8_status in its 2025 report and a_challenges in estate 1."""
    open_year(2025, app.config["QUESTIONNAIRE_VERSION"])
    old = package_of(db, 101, 2025)
    save(db, report_form(db, old), "q8_status", "Sidste års status", version=0)
    save(db, estate_form(db, old, 1), "a_challenges", True, version=0)
    return package_of(db, 101)


def _answers_in(db, package_id):
    db.session.expire_all()
    return db.session.scalar(
        select(func.count(Answer.id)).join(Form).where(Form.package_id == package_id)
    )


@pytest.mark.parametrize("user", ["lbf", "kbh"])
def test_last_years_answers_are_not_loaded_by_anyone_but_the_organisation(last_year, db, user):
    with pytest.raises(service.Locked):
        service.load_last_year(
            last_year.id, actor(db, user), report=True, estate_ids=None, overwrite=False
        )
    db.session.rollback()
    assert _answers_in(db, last_year.id) == 0


def test_last_years_answers_are_not_loaded_into_a_submitted_package(last_year, db):
    submit(db, last_year.id)
    with pytest.raises(service.Locked):
        service.load_last_year(
            last_year.id, actor(db, "bo"), report=True, estate_ids=None, overwrite=True
        )
    db.session.rollback()
    assert _answers_in(db, last_year.id) == 0
    assert package_of(db, 101).status == PackageStatus.SUBMITTED


def test_the_organisation_loads_last_years_answers_into_its_open_package(last_year, db):
    result = service.load_last_year(
        last_year.id, actor(db, "bo"), report=True, estate_ids=None, overwrite=False
    )
    assert (result.forms, result.answers_copied) == (2, 2)
    assert _answers_in(db, last_year.id) == 2


# --- yellow and red figures need a comment; the year refresh follows ----------------------------

FIGURE = "vacancy_rate_family"  # in the estate form's "vacancy" table, higher is worse


def _no_figures(db, organisation_number):
    """Remove every key figure of one organisation: nothing of it is flagged."""
    organisation_id = db.session.scalar(
        select(Organisation.id).where(Organisation.number == organisation_number)
    )
    estates = select(Estate.id).where(Estate.organisation_id == organisation_id)
    db.session.execute(
        delete(KeyFigureValue).where(
            or_(
                KeyFigureValue.organisation_id == organisation_id,
                KeyFigureValue.estate_id.in_(estates),
            )
        )
    )
    db.session.commit()
    return organisation_id


def _hand_figure(db, organisation_id, estate_id, value):
    """Benchmark 2.0, thresholds yellow 25 % and red 75 % above it, and one estate's value:
    3.0 lies (3.0 - 2.0) / 2.0 = 50 % above (yellow), 4.0 lies 100 % above (red), 2.2 lies
    10 % above (no flag)."""
    db.session.execute(delete(Benchmark).where(Benchmark.key == FIGURE))
    db.session.execute(
        delete(FlagThreshold).where(FlagThreshold.key == FIGURE, FlagThreshold.year == YEAR)
    )
    # valid since before the package was opened: the benchmark it is compared with
    db.session.add(
        Benchmark(
            year=YEAR,
            key=FIGURE,
            value=Decimal("2.0"),
            indexed=False,
            valid_from=dt.datetime(2000, 1, 1),
        )
    )
    db.session.add(
        FlagThreshold(
            year=YEAR,
            key=FIGURE,
            direction="higher_is_worse",
            yellow=Decimal("25"),
            red=Decimal("75"),
        )
    )
    db.session.add(
        KeyFigureValue(
            year=YEAR,
            key=FIGURE,
            organisation_id=organisation_id,
            estate_id=estate_id,
            value=Decimal(str(value)),
        )
    )
    db.session.commit()


ESTATE_ANSWERS = (
    ("a_challenges", False),
    ("maintenance_condition", "satisfactory"),
    ("has_estate_board", True),
)


def _fill_estate_form(db, form, user="boadm"):
    for key, value in ESTATE_ANSWERS:
        save(db, form, key, value, version=0, user=user)


def _fill_report(db, form, user="boadm"):
    definition = service.definition_of(form)
    for question in definition.questions():
        if question.required and question.kind == "yes_no":
            save(db, form, question.key, False, version=0, user=user)
        elif question.required:
            save(db, form, question.key, "Status er god.", version=0, user=user)


def test_a_yellow_figure_alone_keeps_the_estate_form_in_progress_until_commented(world, db):
    # organisation 462 (Lillebo, saved by boadm who administers it): only one figure at all
    organisation_id = _no_figures(db, 462)
    form = estate_form(db, package_of(db, 462), 1)
    _hand_figure(db, organisation_id, form.estate_id, 3.0)  # 50 % above: yellow
    _fill_estate_form(db, form)
    db.session.refresh(form)
    assert form.status == FormStatus.IN_PROGRESS
    saved = save(
        db, form, "vacancy_comment", "Ledigheden skyldes renovering.", version=0, user="boadm"
    )
    assert saved.form_status == FormStatus.DONE
    assert saved.sections["letting"] == FormStatus.DONE


def test_a_figure_below_yellow_needs_no_comment(world, db):
    organisation_id = _no_figures(db, 462)
    form = estate_form(db, package_of(db, 462), 1)
    _hand_figure(db, organisation_id, form.estate_id, 2.2)  # 10 % above: no flag
    _fill_estate_form(db, form)
    db.session.refresh(form)
    assert form.status == FormStatus.DONE


@pytest.fixture
def complete_462(world, db):
    """Organisation 462's package, every form done, no key figure anywhere: COMPLETE."""
    organisation_id = _no_figures(db, 462)
    package = package_of(db, 462)
    _fill_report(db, report_form(db, package))
    _fill_estate_form(db, estate_form(db, package, 1))
    _fill_estate_form(db, estate_form(db, package, 2))
    db.session.expire_all()
    package = package_of(db, 462)
    assert package.status == PackageStatus.COMPLETE
    assert {f.status for f in package.forms} == {FormStatus.DONE}
    return organisation_id, package.id


def _statuses(db, package_id):
    db.session.expire_all()
    package = db.session.get(Package, package_id)
    by_form = {
        (f.estate.number if f.estate else None): f.status
        for f in db.session.scalars(select(Form).where(Form.package_id == package_id))
    }
    return package.status, by_form


@pytest.mark.parametrize("value", [3.0, 4.0], ids=["yellow", "red"])
def test_year_refresh_reopens_an_estate_form_whose_figure_became_critical(complete_462, db, value):
    organisation_id, package_id = complete_462
    estate_id = db.session.scalar(
        select(Estate.id).where(Estate.organisation_id == organisation_id, Estate.number == 1)
    )
    _hand_figure(db, organisation_id, estate_id, value)
    changed = service.refresh_year_statuses(YEAR)
    assert changed == 1  # estate 1's form; no other package of the year holds an answer
    status, forms = _statuses(db, package_id)
    assert status == PackageStatus.IN_PROGRESS
    assert forms == {None: FormStatus.DONE, 1: FormStatus.IN_PROGRESS, 2: FormStatus.DONE}


def test_year_refresh_touches_only_its_own_year(complete_462, db):
    organisation_id, package_id = complete_462
    estate_id = db.session.scalar(
        select(Estate.id).where(Estate.organisation_id == organisation_id, Estate.number == 1)
    )
    _hand_figure(db, organisation_id, estate_id, 4.0)  # red in 2026
    assert service.refresh_year_statuses(YEAR + 1) == 0
    assert _statuses(db, package_id)[0] == PackageStatus.COMPLETE


def test_year_refresh_leaves_a_submitted_package_and_its_forms_untouched(complete_462, db):
    organisation_id, package_id = complete_462
    submit(db, package_id)
    estate_id = db.session.scalar(
        select(Estate.id).where(Estate.organisation_id == organisation_id, Estate.number == 1)
    )
    _hand_figure(db, organisation_id, estate_id, 4.0)  # red, but the package is submitted
    assert service.refresh_year_statuses(YEAR) == 0
    status, forms = _statuses(db, package_id)
    assert status == PackageStatus.SUBMITTED
    assert forms == {None: FormStatus.DONE, 1: FormStatus.DONE, 2: FormStatus.DONE}


# --- attachments: the row-level filter itself ---------------------------------------------------


@pytest.fixture
def attachments(world, db):
    """One attachment in organisation 101's package and one in 851's (Nordjysk)."""
    ids = {}
    for number in (101, 851):
        package = package_of(db, number)
        attachment = Attachment(
            package_id=package.id,
            filename=f"bilag-{number}.pdf",
            content_type="application/pdf",
            size=3,
            content=b"pdf",
        )
        db.session.add(attachment)
        db.session.flush()
        ids[number] = attachment.id
    db.session.commit()
    return ids


def _visible_attachments(db, username, package_id=None):
    query = select(Attachment.filename).where(row_filter(Attachment, actor(db, username)))
    if package_id is not None:
        query = query.where(Attachment.package_id == package_id)
    return set(db.session.scalars(query))


def test_attachment_filter_before_submission(attachments, db):
    assert _visible_attachments(db, "lbf") == {"bilag-101.pdf", "bilag-851.pdf"}
    assert _visible_attachments(db, "bo") == {"bilag-101.pdf"}
    assert _visible_attachments(db, "nord") == {"bilag-851.pdf"}
    assert _visible_attachments(db, "boadm") == set()  # a foreign organisation: none at all
    # kbh is 101's home municipality, roskilde a location municipality: nothing before submission
    assert _visible_attachments(db, "kbh") == set()
    assert _visible_attachments(db, "roskilde") == set()
    assert _visible_attachments(db, "aarhus") == set()


def test_attachment_filter_after_submission_opens_to_the_package_municipalities(attachments, db):
    submit(db, package_of(db, 101).id)
    assert _visible_attachments(db, "kbh") == {"bilag-101.pdf"}
    assert _visible_attachments(db, "roskilde") == {"bilag-101.pdf"}
    assert _visible_attachments(db, "aarhus") == set()  # no estate of 101 in Aarhus
    assert _visible_attachments(db, "boadm") == set()
    assert _visible_attachments(db, "nord") == {"bilag-851.pdf"}
    assert _visible_attachments(db, "lbf") == {"bilag-101.pdf", "bilag-851.pdf"}


def test_attachment_query_of_a_package_page_is_limited_by_the_filter(attachments, db):
    package_id = package_of(db, 101).id
    assert _visible_attachments(db, "kbh", package_id) == set()
    assert _visible_attachments(db, "nord", package_id) == set()
    assert _visible_attachments(db, "lbf", package_id) == {"bilag-101.pdf"}
    assert _visible_attachments(db, "bo", package_id) == {"bilag-101.pdf"}
