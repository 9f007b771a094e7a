"""Saving answers, deriving statuses, computed report parts and last year's answers."""

import pytest
from sqlalchemy import select, update

from app.models import (
    AccountsAmount,
    AccountsFiling,
    Answer,
    AppUser,
    AuditEntry,
    Estate,
    Form,
    KeyFigureValue,
    Organisation,
    Package,
)
from app.rules.enums import EstateState, Flag, FormStatus, PackageStatus
from app.rules.flags import ACCOUNTS_NOT_FILED
from app.security import actor_for
from app.services import forms as service
from app.services.key_figure_computation import compute_accounts_figures
from app.services.reading import now
from app.services.report import computed_parts
from app.services.year_opening import open_year


def actor(db, username):
    return actor_for(db.session.scalar(select(AppUser).where(AppUser.username == username)))


def package_of(db, number, year=2026):
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


def save(db, form, key, value, version=None, user="bo", request_id=None):
    if version is None:
        answer = db.session.scalar(
            select(Answer).where(Answer.form_id == form.id, Answer.question_key == key)
        )
        version = answer.version if answer else 0
    return service.save_answer(form.id, key, value, version, request_id, actor(db, user))


def figures_and_definition(form):
    definition = service.definition_of(form)
    return definition, service.form_figures(form, definition)


def complete_estate_form(db, form, user="bo"):
    """Answer everything an estate form requires, commenting every flagged table."""
    definition, figures = figures_and_definition(form)
    save(db, form, "a_challenges", False, user=user)
    if form.estate.state == EstateState.UNDER_CONSTRUCTION:
        return
    save(db, form, "maintenance_condition", "satisfactory", user=user)
    save(db, form, "has_estate_board", True, user=user)
    for table in service.flagged_items(definition, figures):
        save(db, form, definition.item(table).comment.key, "Forklaring af tallet.", user=user)


def complete_report(db, form, user="bo"):
    definition, figures = figures_and_definition(form)
    for question in definition.questions():
        if question.required and question.kind == "yes_no":
            save(db, form, question.key, False, user=user)
        elif question.required:
            save(db, form, question.key, "Status er god.", user=user)
    for table in service.flagged_items(definition, figures):
        save(db, form, definition.item(table).comment.key, "Forklaring.", user=user)


# --- saving --------------------------------------------------------------------------------


def test_first_saved_answer_moves_the_package_from_ready_to_in_progress(world, db):
    package = package_of(db, 101)
    assert package.status == PackageStatus.READY
    saved = save(db, estate_form(db, package, 1), "a_challenges", True)
    assert saved.version == 1
    assert saved.package_status == PackageStatus.IN_PROGRESS
    assert saved.form_status == FormStatus.IN_PROGRESS
    db.session.refresh(package)
    assert package.status == PackageStatus.IN_PROGRESS


# Bilag 4: part A, and part B in three sections
ESTATE_SECTIONS = {"conclusion", "economy", "resident_democracy", "letting"}


def test_a_save_answers_with_the_stored_answer_and_every_sections_status(world, db):
    form = estate_form(db, package_of(db, 101), 1)
    saved = save(db, form, "a_challenges", False)
    stored = db.session.scalar(select(Answer).where(Answer.form_id == form.id))
    assert (saved.key, saved.value, saved.version) == ("a_challenges", False, 1)
    assert saved.saved_at == stored.changed_at
    assert (saved.form_status, saved.package_status) == (
        FormStatus.IN_PROGRESS,
        PackageStatus.IN_PROGRESS,
    )
    # part A asks only whether there are challenges: "no" completes it, nothing else is begun
    assert set(saved.sections) == ESTATE_SECTIONS
    assert saved.sections["conclusion"] == FormStatus.DONE
    assert saved.sections["economy"] == FormStatus.NOT_STARTED


def test_the_statuses_a_first_save_moves_are_logged_field_by_field(world, db):
    package = package_of(db, 101)
    form = estate_form(db, package, 1)
    save(db, form, "a_challenges", False)
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.action.in_(("start", "form_status")))
        .order_by(AuditEntry.id)
    ).all()
    assert [
        (e.action, e.entity, e.entity_id, e.package_id, e.field, e.old_value, e.new_value)
        for e in entries
    ] == [
        ("form_status", "Form", form.id, package.id, "status", "NOT_STARTED", "IN_PROGRESS"),
        ("start", "Package", package.id, package.id, "status", "READY", "IN_PROGRESS"),
    ]


def test_each_saved_answer_is_logged_with_its_old_and_new_value(world, db):
    form = estate_form(db, package_of(db, 101), 1)
    save(db, form, "a_challenges", True)
    save(db, form, "a_challenges", False)
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "answer").order_by(AuditEntry.id)
    ).all()
    assert [(e.field, e.old_value, e.new_value) for e in entries] == [
        (f"{form.id}:a_challenges", None, "True"),
        (f"{form.id}:a_challenges", "True", "False"),
    ]
    answer = db.session.scalar(select(Answer).where(Answer.form_id == form.id))
    bo = db.session.scalar(select(AppUser.id).where(AppUser.username == "bo"))
    assert {(e.entity, e.entity_id, e.package_id, e.user_id) for e in entries} == {
        ("Answer", answer.id, form.package_id, bo)
    }


def test_an_empty_first_answer_saves_nothing_and_answers_with_the_untouched_form(world, db):
    form = estate_form(db, package_of(db, 101), 1)
    before = now()
    saved = save(db, form, "maintenance_condition_comment", "   ", version=0)
    assert (saved.key, saved.value, saved.version) == ("maintenance_condition_comment", None, 0)
    assert before <= saved.saved_at <= now()
    assert (saved.form_status, saved.package_status) == (
        FormStatus.NOT_STARTED,
        PackageStatus.READY,
    )
    assert saved.sections == {}
    assert db.session.scalar(select(Answer.id).where(Answer.form_id == form.id)) is None
    assert package_of(db, 101).status == PackageStatus.READY


def test_a_retried_save_answers_with_the_first_saves_result(world, db):
    form = estate_form(db, package_of(db, 101), 1)
    first = save(db, form, "a_challenges", False, version=0, request_id="r-1")
    again = save(db, form, "a_challenges", False, version=0, request_id="r-1")
    assert again == first


def test_a_too_long_text_is_refused_with_the_limit_in_its_message(world, db):
    form = estate_form(db, package_of(db, 101), 1)
    with pytest.raises(service.Invalid) as refusal:
        save(db, form, "maintenance_condition_comment", "x" * 4001, version=0)
    assert refusal.value.message == "Teksten er for lang: højst %(max)s tegn."
    assert refusal.value.params == {"max": 4000}
    assert [v.field for v in refusal.value.violations] == ["maintenance_condition_comment"]


def test_second_save_with_a_stale_version_is_a_conflict_and_changes_nothing(world, db):
    form = estate_form(db, package_of(db, 101), 1)
    save(db, form, "a_challenges", True, version=0)
    with pytest.raises(service.Conflict) as conflict:
        save(db, form, "a_challenges", False, version=0)
    assert (conflict.value.key, conflict.value.value, conflict.value.version) == (
        "a_challenges",
        True,
        1,
    )
    assert conflict.value.changed_by == "Bo Hansen"
    db.session.rollback()
    answer = db.session.scalar(select(Answer).where(Answer.form_id == form.id))
    assert (answer.value, answer.version) == (True, 1)


def test_a_conflict_with_an_answer_nobody_signed_names_nobody(world, db):
    """An answer written by the platform itself (demo answers, imports) has no user."""
    from app.rules.access import Actor
    from app.rules.enums import Right, Role

    form = estate_form(db, package_of(db, 101), 1)
    platform = Actor(
        user_id=None,
        roles=frozenset({Role.HOUSING}),
        organisation_id=form.package.organisation_id,
        organisation_ids=frozenset({form.package.organisation_id}),
        rights=frozenset({Right.FILL_AND_SEND}),
    )
    service.save_answer(form.id, "a_challenges", True, 0, None, platform)
    with pytest.raises(service.Conflict) as conflict:
        save(db, form, "a_challenges", False, version=0)
    assert (conflict.value.key, conflict.value.changed_by) == ("a_challenges", None)
    db.session.rollback()
    with pytest.raises(service.Conflict) as first:
        save(db, form, "maintenance_condition", "satisfactory", version=3)
    assert (first.value.key, first.value.value, first.value.version) == (
        "maintenance_condition",
        None,
        0,
    )


def test_save_retried_with_the_same_request_id_is_applied_once(world, db):
    form = estate_form(db, package_of(db, 101), 1)
    first = save(db, form, "a_challenges", True, version=0, request_id="abc")
    again = save(db, form, "a_challenges", True, version=0, request_id="abc")
    assert first.version == again.version == 1
    audits = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "answer")).all()
    assert len(audits) == 1


@pytest.mark.parametrize(
    ("key", "value", "code"),
    [
        ("a_challenges", "ja", "not_yes_no"),
        ("maintenance_condition", "fantastisk", "not_an_option"),
        ("maintenance_condition_comment", "x" * 5000, "too_long"),
        ("a_items", "ikke en liste", "not_a_list"),
        ("no_such_question", "svar", "unknown_question"),
        ("q1_proposals", True, "unknown_question"),  # a report question is not in an estate form
    ],
)
def test_bad_input_is_refused_with_a_danish_message_and_saves_nothing(world, db, key, value, code):
    form = estate_form(db, package_of(db, 101), 1)
    with pytest.raises(service.Invalid) as refusal:
        save(db, form, key, value, version=0)
    assert refusal.value.violations[0].code == code
    db.session.rollback()
    assert db.session.scalar(select(Answer.id).where(Answer.form_id == form.id)) is None
    assert package_of(db, 101).status == PackageStatus.READY


def test_every_edit_is_refused_after_submission(world, db):
    package = package_of(db, 101)
    form = estate_form(db, package, 1)
    save(db, form, "a_challenges", True)
    db.session.execute(
        update(Package)
        .where(Package.id == package.id)
        .values(status=PackageStatus.SUBMITTED, submitted_at=Package.created_at)
    )
    db.session.commit()
    with pytest.raises(service.Locked):
        save(db, form, "a_challenges", False)
    db.session.rollback()
    assert db.session.scalar(select(Answer.value).where(Answer.form_id == form.id)) is True


def test_municipality_may_not_save_answers(world, db):
    package = package_of(db, 101)
    db.session.execute(
        update(Package)
        .where(Package.id == package.id)
        .values(status=PackageStatus.SUBMITTED, submitted_at=Package.created_at)
    )
    db.session.commit()
    with pytest.raises(service.Locked):
        save(db, estate_form(db, package, 1), "a_challenges", True, user="kbh")


def test_foreign_organisation_cannot_find_the_form(world, db):
    with pytest.raises(service.NotFound):
        save(db, estate_form(db, package_of(db, 101), 1), "a_challenges", True, user="nord")


def test_administering_organisation_saves_for_the_administered_one(world, db):
    package = package_of(db, 462)
    saved = save(db, estate_form(db, package, 1), "a_challenges", True, user="boadm")
    assert saved.version == 1


# --- statuses ------------------------------------------------------------------------------


def test_flagged_key_figure_needs_a_comment_before_its_section_is_done(world, db):
    form = estate_form(db, package_of(db, 101), 1)
    definition, figures = figures_and_definition(form)
    flagged = service.flagged_items(definition, figures)
    assert flagged, "the demo data gives estate 1 a critical maintenance figure"
    save(db, form, "maintenance_condition", "satisfactory")
    progress = service.refresh_statuses(form)
    economy = next(s for s in progress.sections if s.key == "economy")
    assert economy.status == FormStatus.IN_PROGRESS
    assert {v.code for v in economy.missing} == {"comment_required"}
    for table in flagged:
        save(db, form, definition.item(table).comment.key, "Vi har en plan.")
    progress = service.refresh_statuses(form)
    assert next(s for s in progress.sections if s.key == "economy").status == FormStatus.DONE


def test_package_reaches_complete_when_every_form_is_done_and_back_on_an_edit(world, db):
    package = package_of(db, 101)
    for form in package.forms:
        if form.estate_id is None:
            complete_report(db, form)
        else:
            complete_estate_form(db, form)
    db.session.refresh(package)
    assert {f.status for f in package.forms} == {FormStatus.DONE}
    assert package.status == PackageStatus.COMPLETE
    saved = save(db, estate_form(db, package, 1), "a_challenges", True)  # now a_items is required
    assert saved.form_status == FormStatus.IN_PROGRESS
    assert saved.package_status == PackageStatus.IN_PROGRESS
    saved = save(db, estate_form(db, package, 1), "a_items", ["Fugt i kældrene"])
    assert saved.package_status == PackageStatus.COMPLETE
    transitions = db.session.scalars(
        select(AuditEntry.action)
        .where(
            AuditEntry.package_id == package.id,
            AuditEntry.field == "status",
            AuditEntry.entity == "Package",
        )
        .order_by(AuditEntry.id)
    ).all()
    assert transitions == ["open_year", "start", "complete", "reopen", "complete"]


def test_estate_under_construction_fills_only_part_a(world, db):
    form = estate_form(db, package_of(db, 101), 99)
    assert form.estate.state == EstateState.UNDER_CONSTRUCTION
    saved = save(db, form, "a_challenges", False)
    assert saved.form_status == FormStatus.DONE
    assert list(saved.sections) == ["conclusion"]


def test_accounts_figures_are_empty_without_a_filing(world, db):
    package = package_of(db, 851)  # the demo world's organisation without 2025 accounts
    report = service.report_form(package)
    definition, figures = figures_and_definition(report)
    assert figures["admin_contribution_per_unit"].value is None
    assert figures["admin_contribution_per_unit"].result.note == ACCOUNTS_NOT_FILED
    # the accounts come in: their filing and their amounts, 150,000 kr. over 40 lease units
    db.session.add(AccountsFiling(organisation_id=package.organisation_id, accounting_year=2025))
    for key, value in (("administrationsbidrag", 150000), ("lejemaalsenheder", 40)):
        db.session.add(
            AccountsAmount(
                organisation_id=package.organisation_id, accounting_year=2025, key=key, value=value
            )
        )
    compute_accounts_figures(2025)
    db.session.commit()
    definition, figures = figures_and_definition(report)
    assert figures["admin_contribution_per_unit"].value == 3750


def test_missing_benchmark_gives_no_flag_and_a_visible_note(world, db):
    report = service.report_form(package_of(db, 101))
    _definition, figures = figures_and_definition(report)
    cell = figures["building_fee_renovation_share"]
    assert cell.benchmark is None and cell.result.flag == Flag.NONE
    assert "benchmark" in cell.result.note.lower()
    indexed = figures["working_capital_per_unit"]
    assert indexed.benchmark is not None and indexed.benchmark_indexed


# --- computed report parts -------------------------------------------------------------------


def test_part_a_answers_flow_into_question_7_of_the_report(world, db):
    package = package_of(db, 101)
    save(db, estate_form(db, package, 2), "a_challenges", True)
    save(db, estate_form(db, package, 2), "a_items", ["Tagrenovering", "Tryghed"])
    save(db, estate_form(db, package, 3), "a_challenges", False)
    report = service.report_form(package)
    definition, figures = figures_and_definition(report)
    parts = computed_parts(report, definition.items(), figures)
    conclusions = parts["q7_estate_conclusions"]
    assert [(c.number, c.items) for c in conclusions] == [(2, ("Tagrenovering", "Tryghed"))]


def test_report_lists_estates_with_critical_vacancy_move_out_or_maintenance(world, db):
    package = package_of(db, 101)
    report = service.report_form(package)
    definition, figures = figures_and_definition(report)
    rows = computed_parts(report, definition.items(), figures)["critical_estates"]
    flagged_numbers = set()
    for form in package.forms:
        if form.estate_id is None or form.estate.state != EstateState.IN_OPERATION:
            continue
        _d, estate_figures = figures_and_definition(form)
        keys = [k for k, cell in estate_figures.items() if cell.result.critical]
        if any(k.startswith(("vacancy", "move_out", "maintenance")) for k in keys):
            flagged_numbers.add(form.estate.number)
    assert {row.number for row in rows} == flagged_numbers
    assert flagged_numbers, "the demo data has critical estates"


def test_efficiency_table_holds_organisation_municipality_and_region_averages(world, db):
    report = service.report_form(package_of(db, 101))
    definition, figures = figures_and_definition(report)
    rows = computed_parts(report, definition.items(), figures)["efficiency_table"]
    efficiencies = db.session.scalars(
        select(KeyFigureValue.value)
        .join(Estate, Estate.id == KeyFigureValue.estate_id)
        .join(Organisation, Organisation.id == Estate.organisation_id)
        .where(
            Organisation.number == 101,
            KeyFigureValue.key == "efficiency",
            KeyFigureValue.year == 2026,
        )
    ).all()
    assert len(rows) == len(efficiencies) == 6
    expected = round(sum(float(v) for v in efficiencies) / len(efficiencies), 1)
    assert {row.organisation_average for row in rows} == {expected}
    assert all(
        row.municipality_average is not None and row.region_average is not None for row in rows
    )


def test_letting_tools_and_family_dwellings_fill_themselves_per_municipality(world, db):
    report = service.report_form(package_of(db, 101))
    definition, figures = figures_and_definition(report)
    parts = computed_parts(report, definition.items(), figures)
    assert set(parts["letting_tools"]) <= {"København", "Roskilde"}
    family = parts["family_dwellings"]
    assert family and all(row.family_dwellings > 0 for row in family)
    assert all(row.municipality_employment_rate is not None for row in family)


def test_the_letting_tools_table_sums_the_lettings_register_per_municipality(world, db):
    from sqlalchemy import delete

    from app.models import LettingToolUse
    from app.rules.report import LettingTool

    package = package_of(db, 101)
    estates = {
        e.number: e
        for e in db.session.scalars(
            select(Estate).where(Estate.organisation_id == package.organisation_id)
        )
    }
    one, two = estates[1], estates[2]
    db.session.execute(
        delete(LettingToolUse).where(LettingToolUse.estate_id.in_([e.id for e in estates.values()]))
    )
    for estate, tool, lettings in [
        (one, "waiting_list", 4),
        (one, "flexible", 1),
        (two, "waiting_list", 2),
    ]:
        db.session.add(LettingToolUse(estate_id=estate.id, year=2026, tool=tool, lettings=lettings))
    db.session.commit()
    report = service.report_form(package)
    definition, figures = figures_and_definition(report)
    table = computed_parts(report, definition.items(), figures)["letting_tools"]
    expected: dict = {}
    for estate, tool, lettings in [
        (one, "waiting_list", 4),
        (one, "flexible", 1),
        (two, "waiting_list", 2),
    ]:
        row = expected.setdefault(estate.municipality.name, dict.fromkeys(LettingTool, 0))
        row[LettingTool(tool)] += lettings
    for name, row in expected.items():
        assert table[name] == row
    # every other municipality with family dwellings of 101 is shown, with no lettings
    assert all(sum(row.values()) == 0 for name, row in table.items() if name not in expected)


# --- last year's answers -------------------------------------------------------------------


@pytest.fixture
def two_years(world, db, app):
    open_year(2025, app.config["QUESTIONNAIRE_VERSION"])
    last = package_of(db, 101, 2025)
    save(db, service.report_form(last), "q8_status", "Sidste års status")
    save(db, service.report_form(last), "q1_proposals", True)
    save(db, estate_form(db, last, 1), "a_challenges", True)
    save(db, estate_form(db, last, 1), "a_items", ["Fugt"])
    save(db, estate_form(db, last, 1), "maintenance_annual_comment", "Sidste års kommentar")
    save(db, estate_form(db, last, 2), "a_challenges", False)
    return last, package_of(db, 101, 2026)


def _value(db, form, key):
    return db.session.scalar(
        select(Answer.value).where(Answer.form_id == form.id, Answer.question_key == key)
    )


def test_last_years_answers_load_into_the_chosen_forms_only(two_years, db):
    _last, this = two_years
    result = service.load_last_year(
        this.id,
        actor(db, "bo"),
        report=True,
        estate_ids={estate_form(db, this, 1).estate_id},
        overwrite=False,
    )
    assert result.forms == 2
    assert _value(db, service.report_form(this), "q8_status") == "Sidste års status"
    assert _value(db, estate_form(db, this, 1), "a_items") == ["Fugt"]
    assert _value(db, estate_form(db, this, 2), "a_challenges") is None


def test_last_years_key_figure_comments_are_never_copied(two_years, db):
    _last, this = two_years
    service.load_last_year(this.id, actor(db, "bo"), report=False, estate_ids=None, overwrite=False)
    assert _value(db, estate_form(db, this, 1), "a_challenges") is True
    assert _value(db, estate_form(db, this, 1), "maintenance_annual_comment") is None


def test_answers_given_this_year_stay_unless_the_user_chooses_to_overwrite(two_years, db):
    _last, this = two_years
    save(db, service.report_form(this), "q8_status", "Årets status")
    result = service.load_last_year(
        this.id, actor(db, "bo"), report=True, estate_ids=set(), overwrite=False
    )
    assert result.answers_kept == 1
    assert _value(db, service.report_form(this), "q8_status") == "Årets status"
    service.load_last_year(this.id, actor(db, "bo"), report=True, estate_ids=set(), overwrite=True)
    assert _value(db, service.report_form(this), "q8_status") == "Sidste års status"


def test_last_years_answer_to_a_question_the_form_no_longer_has_stays_behind(two_years, db):
    """Question 6 of Bilag 3 lost its "Hvis ja, hvilke?": a text stored for it last year is
    not loaded, and the answers beside it are."""
    last, this = two_years
    db.session.add(
        Answer(
            form_id=service.report_form(last).id,
            question_key="q6_new_estates_text",
            value="Seniorbofællesskab",
        )
    )
    db.session.commit()
    result = service.load_last_year(
        this.id, actor(db, "bo"), report=True, estate_ids=set(), overwrite=False
    )
    assert result.answers_copied == 2  # q1_proposals and q8_status
    assert _value(db, service.report_form(this), "q8_status") == "Sidste års status"
    assert _value(db, service.report_form(this), "q6_new_estates_text") is None


def test_last_years_answers_of_another_questionnaire_version_are_refused(two_years, db):
    last, this = two_years
    last.questionnaire_version = "2017.1"
    db.session.commit()
    with pytest.raises(service.Invalid) as refusal:
        service.load_last_year(
            this.id, actor(db, "bo"), report=True, estate_ids=None, overwrite=False
        )
    assert refusal.value.violations[0].code == "other_version"
    assert refusal.value.params == {"old": "2017.1", "new": "2026.1"}
    assert refusal.value.message == (
        "Sidste års svar er givet i en anden version af skemaerne (%(old)s) end i år "
        "(%(new)s) og kan derfor ikke indlæses."
    )
    assert _value(db, service.report_form(this), "q8_status") is None


def test_loading_last_years_answers_updates_the_statuses(two_years, db):
    _last, this = two_years
    service.load_last_year(this.id, actor(db, "bo"), report=True, estate_ids=None, overwrite=False)
    db.session.refresh(this)
    assert this.status == PackageStatus.IN_PROGRESS
    assert estate_form(db, this, 2).status != FormStatus.NOT_STARTED


def test_autosave_that_keeps_the_form_status_makes_at_most_nine_statements(world, db):
    from sqlalchemy import event

    form = estate_form(db, package_of(db, 101), 1)
    save(db, form, "a_challenges", False)  # the form is in progress from here on
    version = db.session.scalar(
        select(Answer.version).where(
            Answer.form_id == form.id, Answer.question_key == "a_challenges"
        )
    )
    who = actor(db, "bo")
    form_id = form.id
    db.session.commit()
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        saved = service.save_answer(form_id, "maintenance_condition_comment", "Godt", 0, None, who)
        again = service.save_answer(form_id, "a_challenges", True, version, None, who)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert (saved.form_status, again.form_status) == (FormStatus.IN_PROGRESS,) * 2
    # each: lock the form, read it, read its answers, write the answer, write the audit entry,
    # and the key figures (4; 5 where the year's benchmarks are per peer group) when a flag
    # could change a section's status; the package never
    assert len(statements) <= 2 * 9, "\n".join(s[:90] for s in statements)
    assert not [s for s in statements if s.lower().startswith(("select package", "update package"))]


def test_a_load_counts_every_kept_and_copied_answer_and_is_logged_once(two_years, db):
    """Last year: the report holds q1_proposals and q8_status; estate 1 a_challenges, a_items
    (and a figure comment, never copied); estate 2 a_challenges. This year the user has
    already answered q1_proposals and q8_status and estate 2's a_challenges. Without
    overwriting: 3 kept, and estate 1's a_challenges and a_items copied (2 answers, 1 form).
    Then with overwriting: the 3 kept answers are copied over, in 2 forms."""
    _last, this = two_years
    bo = actor(db, "bo")
    save(db, service.report_form(this), "q1_proposals", False)
    save(db, service.report_form(this), "q8_status", "Årets status")
    save(db, estate_form(db, this, 2), "a_challenges", True)
    result = service.load_last_year(this.id, bo, report=True, estate_ids=None, overwrite=False)
    assert (result.answers_copied, result.answers_kept, result.forms) == (2, 3, 1)
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "load_last_year")
    ).all()
    assert [(e.entity, e.entity_id, e.package_id, e.new_value, e.user_id) for e in entries] == [
        ("Package", this.id, this.id, "2 svar i 1 skemaer", bo.user_id)
    ]
    copied = db.session.scalar(
        select(Answer).where(
            Answer.form_id == estate_form(db, this, 1).id, Answer.question_key == "a_items"
        )
    )
    assert copied.changed_by_id == bo.user_id
    again = service.load_last_year(this.id, bo, report=True, estate_ids=None, overwrite=True)
    assert (again.answers_copied, again.answers_kept, again.forms) == (5, 0, 3)
    assert _value(db, estate_form(db, this, 2), "a_challenges") is False


def test_there_is_nothing_to_load_without_last_years_package(world, db):
    this = package_of(db, 101)
    assert service.last_year_refusal(this).code == "no_previous"
    with pytest.raises(service.Invalid) as refused:
        service.load_last_year(
            this.id, actor(db, "bo"), report=True, estate_ids=None, overwrite=False
        )
    assert refused.value.message == "Der findes ingen dokumentationspakke fra sidste år."
    assert refused.value.violations[0].code == "no_previous"


def test_a_form_without_last_years_counterpart_does_not_stop_the_others(two_years, db):
    """Estate 1's form of last year is gone (the estate was new this year, say): the report
    and estate 2 still load."""
    last, this = two_years
    gone = estate_form(db, last, 1)
    db.session.delete(gone)
    db.session.commit()
    result = service.load_last_year(
        this.id, actor(db, "bo"), report=True, estate_ids=None, overwrite=False
    )
    assert _value(db, estate_form(db, this, 2), "a_challenges") is False
    assert (result.forms, result.answers_copied) == (2, 3)


def test_a_comment_that_is_never_copied_does_not_stop_the_answers_after_it(world, db, app):
    """Last year's figure comment was saved before the form's other answers."""
    open_year(2025, app.config["QUESTIONNAIRE_VERSION"])
    last, this = package_of(db, 101, 2025), package_of(db, 101, 2026)
    save(db, estate_form(db, last, 1), "maintenance_annual_comment", "Kommentar")
    save(db, estate_form(db, last, 1), "a_challenges", False)
    service.load_last_year(this.id, actor(db, "bo"), report=False, estate_ids=None, overwrite=False)
    assert _value(db, estate_form(db, this, 1), "a_challenges") is False
    assert _value(db, estate_form(db, this, 1), "maintenance_annual_comment") is None


def test_the_year_refresh_keeps_the_answers_of_a_package_with_a_single_form(world, db):
    """An administration organisation's package holds its report alone."""
    from app.services.statuses import refresh_year_statuses

    package = package_of(db, 900)
    (report,) = package.forms
    complete_report(db, report, user="adm")
    db.session.refresh(report)
    assert report.status == FormStatus.DONE
    refresh_year_statuses(2026)
    db.session.expire_all()
    assert db.session.get(Form, report.id).status == FormStatus.DONE


def test_a_package_of_a_single_form_leaves_ready_with_its_first_answer(world, db):
    """The administration organisation's package holds its report only: when that one form
    gets its first answer, no form is left unstarted, and the package is in progress."""
    package = package_of(db, 900)
    assert [f.kind.value for f in package.forms] == ["ADMIN_REPORT"]
    assert package.status == PackageStatus.READY
    saved = save(db, package.forms[0], "q1_proposals", True, user="adm")
    assert saved.form_status == FormStatus.IN_PROGRESS
    db.session.expire_all()
    assert package_of(db, 900).status == PackageStatus.IN_PROGRESS
