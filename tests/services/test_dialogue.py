"""Submission and the municipality's side as use cases: submit, return, meeting held,
statements, attachments; who may fire what, every reason at once, nothing changed on a
refusal."""

import datetime as dt

import pytest
from sqlalchemy import delete, func, select

from app.models import (
    AccountsFiling,
    Attachment,
    AuditEntry,
    Estate,
    KeyFigureValue,
    MailMessage,
    Municipality,
    Package,
    Recipient,
    Statement,
)
from app.rules.enums import PackageStatus
from app.services import agreements, attachments, meeting, return_package, statement, submit
from app.services import forms as service
from app.services.errors import Locked, NotFound
from app.services.opened_year_master_data import apply_to_year
from app.services.transitions import Refused
from tests.services.test_filling import (
    actor,
    complete_estate_form,
    complete_report,
    estate_form,
    package_of,
    save,
)
from tests.services.test_guards import _hand_figure, complete_462  # noqa: F401

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def codes(error) -> list[str]:
    return [v.code for v in error.value.violations]


@pytest.fixture
def complete_101(world, db):
    """101's 2026 package with every form done: estates 1-4 and 99 (under construction) in
    Copenhagen (home), 5 and 6 in Roskilde; its 2025 accounts filed."""
    package = package_of(db, 101)
    for form in package.forms:
        if form.estate_id is None:
            complete_report(db, form)
        else:
            complete_estate_form(db, form)
    db.session.expire_all()
    package = package_of(db, 101)
    assert package.status == PackageStatus.COMPLETE
    organisation_id = package.organisation_id
    if not db.session.scalar(
        select(AccountsFiling.id).where(
            AccountsFiling.organisation_id == organisation_id,
            AccountsFiling.accounting_year == 2025,
        )
    ):
        db.session.add(AccountsFiling(organisation_id=organisation_id, accounting_year=2025))
        db.session.commit()
    return package.id


@pytest.fixture
def submitted_101(complete_101, db):
    submit.submit(complete_101, actor(db, "bo"))
    return complete_101


def snapshot(db, package_id):
    """What a refused action must leave as it was."""
    db.session.expire_all()
    package = db.session.get(Package, package_id)
    return (
        package.status,
        package.submitted_at,
        package.meeting_date,
        tuple(sorted((f.id, f.status) for f in package.forms)),
        db.session.scalar(select(func.count(AuditEntry.id))),
        db.session.scalar(select(func.count(Recipient.id))),
        db.session.scalar(select(func.count(Statement.id))),
        db.session.scalar(select(func.count(Attachment.id))),
        db.session.scalar(select(func.count(MailMessage.id))),
    )


# --- submission ---------------------------------------------------------------------------


def test_submission_sends_the_whole_package_home_and_each_part_to_its_location(complete_101, db):
    package = submit.submit(complete_101, actor(db, "bo"))
    assert package.status == PackageStatus.SUBMITTED
    assert package.submitted_at is not None
    recipients = {
        r.municipality.name: r.home
        for r in db.session.scalars(select(Recipient).where(Recipient.package_id == complete_101))
    }
    assert recipients == {"København": True, "Roskilde": False}
    parts = {p.municipality.name: p for p in submit.recipients_of(package)}
    assert len(parts["København"].forms) == 8  # the report and seven estate forms
    roskilde = parts["Roskilde"].forms
    assert [f.estate.number if f.estate else None for f in roskilde] == [None, 5, 6]


def test_submission_refused_with_every_missing_answer_and_the_unfiled_accounts(world, db):
    package = package_of(db, 101)
    # no key figures at all: no flag asks for a comment
    db.session.execute(
        delete(KeyFigureValue).where(KeyFigureValue.organisation_id == package.organisation_id)
    )
    save(db, estate_form(db, package, 1), "a_challenges", False)
    db.session.execute(
        delete(AccountsFiling).where(AccountsFiling.organisation_id == package.organisation_id)
    )
    db.session.commit()
    before = snapshot(db, package.id)
    with pytest.raises(Refused) as refused:
        submit.submit(package.id, actor(db, "bo"))
    found = codes(refused)
    assert found[0] == "wrong_status"  # not complete, and here is why:
    assert "accounts_not_filed" in found
    # estate 1 misses its two required questions (Bilag 4 part B); the others miss more
    estate_1 = [
        v.field
        for v in refused.value.violations
        if v.field and v.field.startswith(f"form:{estate_form(db, package, 1).id}/")
    ]
    assert sorted(f.rsplit("/", 1)[1] for f in estate_1) == [
        "has_estate_board",
        "maintenance_condition",
    ]
    named = {
        v.params_dict()["form"]
        for v in refused.value.violations
        if v.field and v.field.startswith(f"form:{estate_form(db, package, 1).id}/")
    }
    assert named == {"Afdelingsskema: 1 Højvangen 1"}
    assert snapshot(db, package.id) == before


def test_submission_refused_when_a_critical_figure_has_no_comment(complete_101, db):
    package = package_of(db, 101)
    form = next(
        f
        for f in package.forms
        if f.estate_id is not None and service.flagged_items(*_definition_and_figures(f))
    )
    definition, figures = _definition_and_figures(form)
    table = sorted(service.flagged_items(definition, figures))[0]
    save(db, form, definition.item(table).comment.key, "")
    with pytest.raises(Refused) as refused:
        submit.submit(package.id, actor(db, "bo"))
    assert codes(refused) == ["wrong_status", "comment_required"]


def test_submission_refused_when_question_4_is_no_and_the_efficiency_targets_are_missing(
    complete_101, db
):
    """Almenboligloven § 14 b, stk. 4: the efficiency targets belong in the report, so a
    "nej" to question 4 does not let its text go unanswered."""
    report = service.report_form(package_of(db, 101))
    save(db, report, "q4_efficiency", False)
    save(db, report, "q4_efficiency_text", None)
    with pytest.raises(Refused) as refused:
        submit.submit(complete_101, actor(db, "bo"))
    assert codes(refused) == ["wrong_status", "answer_required"]
    assert refused.value.violations[1].field == (
        f"form:{report.id}/organisation/q4_efficiency_text"
    )


def test_a_figure_turned_red_since_the_last_refresh_stops_the_submission(request, db):
    """The stored statuses say COMPLETE, but estate 1's figure is now red (4.0 against a
    benchmark of 2.0) and the year's refresh has not run: the submission derives the
    statuses afresh, finds the missing comment, and leaves everything as it was."""
    organisation_id, package_id = request.getfixturevalue("complete_462")  # accounts filed
    estate_id = db.session.scalar(
        select(Estate.id).where(Estate.organisation_id == organisation_id, Estate.number == 1)
    )
    _hand_figure(db, organisation_id, estate_id, 4.0)
    before = snapshot(db, package_id)
    assert before[0] == PackageStatus.COMPLETE
    with pytest.raises(Refused) as refused:
        submit.submit(package_id, actor(db, "boadm"))
    assert codes(refused) == ["wrong_status", "comment_required"]
    assert snapshot(db, package_id) == before


def _definition_and_figures(form):
    definition = service.definition_of(form)
    return definition, service.form_figures(form, definition)


def test_submission_refused_when_the_accounts_are_not_filed(complete_101, db):
    db.session.execute(delete(AccountsFiling))
    db.session.commit()
    with pytest.raises(Refused) as refused:
        submit.submit(complete_101, actor(db, "bo"))
    assert codes(refused) == ["accounts_not_filed"]


@pytest.mark.parametrize("username", ["kbh", "roskilde", "nord"])
def test_only_the_organisation_submits(complete_101, db, username):
    before = snapshot(db, complete_101)
    with pytest.raises((Refused, NotFound)):
        submit.submit(complete_101, actor(db, username))
    assert snapshot(db, complete_101) == before


def test_lbf_cannot_submit_for_an_organisation(complete_101, db):
    with pytest.raises(Refused) as refused:
        submit.submit(complete_101, actor(db, "lbf"))
    assert codes(refused) == ["not_allowed"]


def test_a_submitted_package_cannot_be_submitted_again(submitted_101, db):
    with pytest.raises(Refused) as refused:
        submit.submit(submitted_101, actor(db, "bo"))
    assert codes(refused) == ["wrong_status"]


def test_after_submission_no_answer_and_no_attachment_changes(submitted_101, db):
    form = estate_form(db, db.session.get(Package, submitted_101), 1)
    with pytest.raises(Locked):
        save(db, form, "a_challenges", True)
    with pytest.raises(Locked):
        attachments.add_attachment(submitted_101, actor(db, "bo"), "bilag.pdf", PDF)


def test_opening_a_received_package_is_the_municipalitys_receipt(submitted_101, db):
    package = db.session.get(Package, submitted_101)
    submit.mark_opened(package, actor(db, "roskilde"))
    opened = {
        r.municipality.name: r.opened_at is not None
        for r in db.session.scalars(select(Recipient).where(Recipient.package_id == package.id))
    }
    assert opened == {"København": False, "Roskilde": True}


def test_a_receipt_records_the_first_opening_of_that_package_only(submitted_101, db):
    import time

    roskilde = actor(db, "roskilde")
    package = db.session.get(Package, submitted_101)
    submit.mark_opened(package, roskilde)
    first = db.session.scalar(
        select(Recipient.opened_at).where(Recipient.municipality_id == roskilde.municipality_id)
    )
    time.sleep(0.01)
    submit.mark_opened(package, roskilde)
    again = db.session.scalar(
        select(Recipient.opened_at).where(Recipient.municipality_id == roskilde.municipality_id)
    )
    assert first is not None and again == first
    # another package sent to Roskilde is not marked opened by this one
    other = Recipient(package_id=package_of(db, 851).id, municipality_id=roskilde.municipality_id)
    db.session.add(other)
    db.session.commit()
    submit.mark_opened(package, roskilde)
    assert db.session.get(Recipient, other.id).opened_at is None


def test_a_submission_is_logged_as_a_status_change_by_its_sender(complete_101, db):
    bo = actor(db, "bo")
    submit.submit(complete_101, bo)
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "submit").order_by(AuditEntry.id)
    ).all()
    assert [
        (e.entity, e.entity_id, e.package_id, e.field, e.old_value, e.new_value, e.user_id)
        for e in entries
    ] == [("Package", complete_101, complete_101, "status", "COMPLETE", "SUBMITTED", bo.user_id)]


def test_location_municipalities_are_listed_by_name_after_the_home(complete_101, db):
    from app.models import Estate, Municipality

    aarhus = db.session.scalar(select(Municipality.id).where(Municipality.code == 751))
    package = db.session.get(Package, complete_101)
    estate_6 = estate_form(db, package, 6).estate_id
    db.session.get(Estate, estate_6).municipality_id = aarhus
    db.session.commit()
    apply_to_year(package.year, [complete_101], actor(db, "lbf"))
    parts = submit.recipients_of(db.session.get(Package, complete_101))
    assert [p.municipality.name for p in parts] == ["København", "Aarhus", "Roskilde"]


def test_a_refusal_says_the_action_cannot_be_done(complete_101, db):
    with pytest.raises(Refused) as refused:
        submit.submit(complete_101, actor(db, "lbf"))
    assert refused.value.message == "Handlingen kan ikke udføres."


def test_submission_queues_one_mail_per_municipality_address(complete_101, db):
    for municipality in db.session.scalars(select(Municipality)):
        municipality.notification_email = f"styring@{municipality.code}.dk"
    db.session.commit()
    submit.submit(complete_101, actor(db, "bo"))
    recipients = sorted(db.session.scalars(select(MailMessage.recipient)))
    assert recipients == ["styring@101.dk", "styring@265.dk"]
    # the embedded default sends to the log: both sent at once
    assert db.session.scalar(select(func.count()).where(MailMessage.sent_at.is_(None))) == 0


# --- return ------------------------------------------------------------------------------


def test_home_municipality_returns_with_a_reason_the_organisation_sees(submitted_101, db):
    package = return_package.return_package(
        submitted_101, actor(db, "kbh"), "  Afsnit II mangler bestyrelsens stillingtagen.  "
    )
    assert package.submitted_at is None
    # nothing was changed since it was complete: it is complete again, ready to resend
    assert package.status == PackageStatus.COMPLETE
    assert package.returns[-1].reason == "Afsnit II mangler bestyrelsens stillingtagen."
    form = estate_form(db, package, 1)
    assert save(db, form, "a_challenges", True).version == 2


@pytest.mark.parametrize("reason", [None, "", "   \n "])
def test_return_refused_without_a_reason(submitted_101, db, reason):
    before = snapshot(db, submitted_101)
    with pytest.raises(Refused) as refused:
        return_package.return_package(submitted_101, actor(db, "kbh"), reason)
    assert codes(refused) == ["reason_required"]
    assert snapshot(db, submitted_101) == before


@pytest.mark.parametrize("username", ["roskilde", "bo"])
def test_location_municipality_and_organisation_cannot_return(submitted_101, db, username):
    with pytest.raises(Refused) as refused:
        return_package.return_package(submitted_101, actor(db, username), "Ret det.")
    assert codes(refused) == ["not_allowed"]


def test_a_municipality_with_no_part_in_the_package_does_not_find_it(submitted_101, db):
    with pytest.raises(NotFound):
        return_package.return_package(submitted_101, actor(db, "aarhus"), "Ret det.")


# --- meeting and statement ----------------------------------------------------------------


def test_meeting_held_then_statement_given_closes_the_dialogue(submitted_101, db):
    today = dt.date.today()
    package = meeting.mark_meeting_held(submitted_101, actor(db, "kbh"), today)
    assert (package.status, package.meeting_date) == (PackageStatus.MEETING_HELD, today)
    given = statement.give_statement(submitted_101, actor(db, "kbh"), "redegørelse.pdf", PDF)
    db.session.expire_all()
    package = db.session.get(Package, submitted_101)
    assert package.status == PackageStatus.STATEMENT_GIVEN
    assert (given.filename, given.supplementary, given.size) == ("redegørelse.pdf", False, len(PDF))


def test_meeting_date_must_lie_between_submission_and_today(submitted_101, db):
    kbh = actor(db, "kbh")
    for day, code in [
        (None, "date_required"),
        (dt.date.today() + dt.timedelta(days=2), "date_in_future"),
        (dt.date(2020, 1, 1), "date_before_submission"),
    ]:
        with pytest.raises(Refused) as refused:
            meeting.mark_meeting_held(submitted_101, kbh, day)
        assert codes(refused) == [code]


def test_statement_before_the_meeting_is_refused(submitted_101, db):
    with pytest.raises(Refused) as refused:
        statement.give_statement(submitted_101, actor(db, "kbh"), "r.pdf", PDF)
    assert codes(refused) == ["wrong_status"]


def test_statement_must_be_a_pdf_by_its_content(submitted_101, db):
    meeting.mark_meeting_held(submitted_101, actor(db, "kbh"), dt.date.today())
    with pytest.raises(Refused) as refused:
        statement.give_statement(
            submitted_101, actor(db, "kbh"), "r.pdf", b"<html><script>x</script></html>"
        )
    assert codes(refused) == ["file_kind"]
    assert db.session.get(Package, submitted_101).status == PackageStatus.MEETING_HELD


def test_location_municipality_adds_a_supplement_without_moving_the_status(submitted_101, db):
    supplement = statement.give_supplementary_statement(
        submitted_101, actor(db, "roskilde"), "supplement.pdf", PDF
    )
    assert supplement.supplementary
    assert db.session.get(Package, submitted_101).status == PackageStatus.SUBMITTED
    with pytest.raises(Refused) as refused:
        statement.give_supplementary_statement(submitted_101, actor(db, "kbh"), "s.pdf", PDF)
    assert codes(refused) == ["not_allowed"]


def test_only_the_home_municipality_holds_the_meeting(submitted_101, db):
    with pytest.raises(Refused) as refused:
        meeting.mark_meeting_held(submitted_101, actor(db, "roskilde"), dt.date.today())
    assert codes(refused) == ["not_allowed"]


# --- attachments ---------------------------------------------------------------------------


def test_organisation_attaches_and_removes_a_document_until_submission(world, db):
    package = package_of(db, 101)
    added = attachments.add_attachment(package.id, actor(db, "bo"), "Referat 2026.pdf", PDF)
    assert (added.filename, added.content_type) == ("Referat 2026.pdf", "application/pdf")
    attachments.remove_attachment(package.id, added.id, actor(db, "bo"))
    assert db.session.scalar(select(func.count(Attachment.id))) == 0


def test_removing_one_attachment_leaves_the_others(world, db):
    package = package_of(db, 101)
    bo = actor(db, "bo")
    first = attachments.add_attachment(package.id, bo, "a.pdf", PDF)
    second = attachments.add_attachment(package.id, bo, "b.pdf", PDF + b"%")
    first_id, second_id = first.id, second.id
    attachments.remove_attachment(package.id, second_id, bo)
    assert list(db.session.scalars(select(Attachment.id))) == [first_id]
    assert attachments.visible_attachment(first_id, bo).filename == "a.pdf"
    with pytest.raises(NotFound) as missing:
        attachments.visible_attachment(second_id, bo)
    assert missing.value.message == "Dokumentet findes ikke."


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("program.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, "file_kind"),
        ("side.pdf", b"<!DOCTYPE html><html><body>x</body></html>", "file_kind"),
        ("../../etc/passwd.pdf", PDF, "file_name"),
        ("bilag.docx", PDF, "file_extension"),
        ("tom.pdf", b"", "file_required"),
    ],
    ids=["renamed-executable", "html-named-pdf", "path-traversal", "wrong-ending", "empty"],
)
def test_an_unsafe_upload_is_refused_and_nothing_is_stored(world, db, name, content, code):
    package = package_of(db, 101)
    before = snapshot(db, package.id)
    with pytest.raises(Refused) as refused:
        attachments.add_attachment(package.id, actor(db, "bo"), name, content)
    assert code in codes(refused)
    assert snapshot(db, package.id) == before


def test_an_oversized_upload_is_refused(world, db, app):
    package = package_of(db, 101)
    limit = app.config["UPLOAD_MAX_BYTES"]
    with pytest.raises(Refused) as refused:
        attachments.add_attachment(package.id, actor(db, "bo"), "stor.pdf", PDF + b"0" * limit)
    assert codes(refused) == ["file_too_large"]


@pytest.mark.parametrize("username", ["kbh", "lbf", "nord"])
def test_only_the_organisation_attaches(world, db, username):
    package = package_of(db, 101)
    with pytest.raises((Locked, NotFound)):
        attachments.add_attachment(package.id, actor(db, username), "bilag.pdf", PDF)


# --- agreements ----------------------------------------------------------------------------


def test_home_municipality_records_agreements_once_the_meeting_is_held(submitted_101, db):
    kbh = actor(db, "kbh")
    with pytest.raises(Refused) as refused:
        agreements.add_agreement(submitted_101, kbh, "Plan for fugt", "Direktionen", None)
    assert codes(refused) == ["meeting_not_held"]
    meeting.mark_meeting_held(submitted_101, kbh, dt.date.today())
    with pytest.raises(Refused) as refused:
        agreements.add_agreement(submitted_101, kbh, " ", "", "x" * 4001)
    assert codes(refused) == ["required", "required", "too_long"]
    made = agreements.add_agreement(
        submitted_101, kbh, "Plan for fugt i afdeling 1", "Direktionen", "Status ved næste møde"
    )
    assert (made.year, made.responsible) == (2026, "Direktionen")
    for username in ("roskilde", "bo"):
        with pytest.raises(Refused) as refused:
            agreements.add_agreement(submitted_101, actor(db, username), "A", "B", None)
        assert codes(refused) == ["not_allowed"]
    assert [a.title for a in agreements.agreements_of(made.organisation_id, 2026)] == [
        "Plan for fugt i afdeling 1"
    ]


def test_a_supplement_given_again_replaces_the_municipalitys_own_and_nobody_elses(
    submitted_101, db
):
    roskilde = actor(db, "roskilde")
    statement.give_supplementary_statement(submitted_101, roskilde, "første.pdf", PDF)
    again = statement.give_supplementary_statement(submitted_101, roskilde, "anden.pdf", PDF + b"2")
    assert (again.filename, again.content_type, again.size) == ("anden.pdf", "application/pdf", 46)
    assert again.uploaded_by_id == roskilde.user_id and again.uploaded_at is not None
    replaced = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "supplementary_statement")
        .order_by(AuditEntry.id.desc())
    )
    assert (replaced.old_value, replaced.new_value) == ("første.pdf", "anden.pdf")
    kbh = actor(db, "kbh")
    meeting.mark_meeting_held(submitted_101, kbh, dt.date.today())
    statement.give_statement(submitted_101, kbh, "redegørelse.pdf", PDF)
    rows = db.session.execute(
        select(Statement.filename, Statement.supplementary).order_by(Statement.id)
    ).all()
    assert [tuple(r) for r in rows] == [("anden.pdf", True), ("redegørelse.pdf", False)]


def test_attachment_refusals_say_why(submitted_101, world, db):
    with pytest.raises(Locked) as sent:
        attachments.add_attachment(submitted_101, actor(db, "bo"), "b.pdf", PDF)
    assert sent.value.message == "Dokumentationspakken er fremsendt og kan ikke længere ændres."
    unsent = package_of(db, 851).id
    with pytest.raises(Locked) as foreign:
        attachments.add_attachment(unsent, actor(db, "lbf"), "b.pdf", PDF)
    assert foreign.value.message == "Du kan ikke redigere denne dokumentationspakke."


def test_giving_a_statement_is_logged_with_who_what_and_where(submitted_101, db):
    kbh = actor(db, "kbh")
    meeting.mark_meeting_held(submitted_101, kbh, dt.date.today())
    given = statement.give_statement(submitted_101, kbh, "redegørelse.pdf", PDF)
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.package_id == submitted_101, AuditEntry.entity == "Statement")
        .order_by(AuditEntry.id)
    ).all()
    assert [
        (e.action, e.entity_id, e.field, e.old_value, e.new_value, e.user_id) for e in entries
    ] == [("give_statement_file", given.id, "filename", None, "redegørelse.pdf", kbh.user_id)]


def test_the_status_panels_check_is_the_actors_own(complete_101, db):
    """Asked for bo outside any request: every reason for bo's package, none for others'."""
    assert submit.check(complete_101, actor(db, "bo")) == []
    with pytest.raises(NotFound):
        submit.check(complete_101, actor(db, "nord"))


def test_a_municipalitys_statements_on_two_packages_stay_each_with_its_own(world, db):
    """Aarhus is the home municipality of 751 and 752: a statement on the second package is a
    second statement, not the first one overwritten."""
    from sqlalchemy import update

    ids = [package_of(db, number).id for number in (751, 752)]
    db.session.execute(
        update(Package)
        .where(Package.id.in_(ids))
        .values(
            status=PackageStatus.MEETING_HELD,
            submitted_at=Package.created_at,
            meeting_date=dt.date.today(),
        )
    )
    db.session.commit()
    aarhus = actor(db, "aarhus")
    statement.give_statement(ids[0], aarhus, "aarhus-almene.pdf", PDF)
    statement.give_statement(ids[1], aarhus, "jysk.pdf", PDF)
    db.session.expire_all()
    stored = db.session.execute(select(Statement.package_id, Statement.filename)).all()
    assert sorted(stored) == sorted([(ids[0], "aarhus-almene.pdf"), (ids[1], "jysk.pdf")])
