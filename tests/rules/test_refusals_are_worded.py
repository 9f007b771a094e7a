"""Every refusal the rules give is worded for a person: a Danish message from the catalogue
(so it has its English translation), on the field it concerns, with its parameters. Each case
is worked out by hand."""

import datetime as dt
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.questionnaires import Question
from app.rules.access import check_user_affiliation
from app.rules.answers import (
    DEFAULT_ITEM_LENGTH,
    DEFAULT_LIST_ITEMS,
    DEFAULT_TEXT_LENGTH,
    check_answer,
)
from app.rules.answers import _check_list as check_list
from app.rules.answers import _check_text as check_text
from app.rules.deadlines import check_deadline, check_notification_address
from app.rules.enums import OrganisationKind, Role
from app.rules.files import ATTACHMENT_KINDS, DocumentKind, check_document
from app.rules.gates import (
    check_agreement,
    check_meeting_date,
    check_return_reason,
    check_statement_file,
    check_submission,
)

CATALOGUE = Path(__file__).resolve().parents[2] / "translations/en/LC_MESSAGES/messages.po"


@cache
def catalogue() -> dict[str, str]:
    with open(CATALOGUE, "rb") as f:
        return {m.id: m.string for m in read_po(f) if m.id}


def worded(violations) -> list[tuple]:
    """(code, field, params) of each refusal, once its message is known to be catalogued."""
    for violation in violations:
        assert catalogue().get(violation.message), f"not a catalogued message: {violation}"
    return [(v.code, v.field, v.params_dict()) for v in violations]


TODAY = dt.date(2026, 11, 23)
PDF = b"%PDF-1.4\n"


@pytest.mark.parametrize(
    ("refusals", "expected"),
    [
        (
            lambda: check_user_affiliation([Role.MUNICIPALITY], OrganisationKind.HOUSING, True),
            [("two_affiliations", "municipality", {})],
        ),
        (lambda: check_user_affiliation([], None, False), [("one_role", "roles", {})]),
        (
            lambda: check_user_affiliation([Role.LBF, Role.HOUSING], None, False),
            [("one_role", "roles", {})],
        ),
        (
            lambda: check_user_affiliation([Role.HOUSING], OrganisationKind.ADMINISTRATION, False),
            [("role_mismatch", "roles", {})],
        ),
        (
            lambda: check_user_affiliation([Role.HOUSING], None, True),
            [("role_mismatch", "roles", {})],
        ),
        (
            lambda: check_user_affiliation([Role.HOUSING], None, False),
            [("missing_affiliation", "organisation", {})],
        ),
        (
            lambda: check_deadline(2026, dt.date(2024, 12, 31)),
            [
                (
                    "deadline_out_of_range",
                    "deadline",
                    {"earliest": "01-01-2025", "latest": "31-12-2027"},
                )
            ],
        ),
        (
            lambda: check_notification_address("ikke-en-adresse"),
            [("email_invalid", "notification_email", {})],
        ),
        (
            lambda: check_submission(forms=[], accounts_filed=False, accounting_year=2025),
            [("no_forms", None, {}), ("accounts_not_filed", "accounts", {"year": 2025})],
        ),
        (lambda: check_return_reason(reason=" "), [("reason_required", "reason", {})]),
        (
            lambda: check_return_reason(reason="x" * 4001),
            [("reason_too_long", "reason", {"max": 4000})],
        ),
        (
            lambda: check_meeting_date(meeting_date=None, submitted_on=None, today=TODAY),
            [("date_required", "meeting_date", {})],
        ),
        (
            lambda: check_meeting_date(
                meeting_date=TODAY + dt.timedelta(days=1), submitted_on=None, today=TODAY
            ),
            [("date_in_future", "meeting_date", {})],
        ),
        (
            lambda: check_meeting_date(
                meeting_date=dt.date(2026, 1, 1), submitted_on=dt.date(2026, 2, 1), today=TODAY
            ),
            [("date_before_submission", "meeting_date", {"date": "01-02-2026"})],
        ),
        (
            lambda: check_statement_file(filename="r.pdf", content=b"<html>", max_bytes=100),
            [("file_kind", "file", {})],
        ),
        (
            lambda: check_statement_file(filename=None, content=None, max_bytes=100),
            [("file_required", "file", {})],
        ),
        (
            lambda: (
                check_document(
                    "../r.pdf", PDF * 1000, ATTACHMENT_KINDS, 2 * 1024 * 1024 - 1
                ).violations
            ),
            [("file_name", "file", {})],
        ),
        (
            lambda: (
                check_document("r.pdf", PDF * 300_000, ATTACHMENT_KINDS, 2 * 1024 * 1024).violations
            ),
            [("file_too_large", "file", {"mb": 2})],
        ),
        (
            lambda: check_document("r.pdf", b"MZ", ATTACHMENT_KINDS, 100).violations,
            [("file_kind", "file", {})],
        ),
        (
            lambda: check_document("r.xlsx", PDF, frozenset({DocumentKind.PDF}), 100).violations,
            [("file_extension", "file", {"extension": "xlsx"})],
        ),
        (
            lambda: check_agreement("", None, "x" * 4001),
            [
                ("required", "title", {}),
                ("required", "responsible", {}),
                ("too_long", "follow_up", {"max": 4000}),
            ],
        ),
        (
            lambda: check_agreement("x" * 201, "y" * 201, None),
            [("too_long", "title", {"max": 200}), ("too_long", "responsible", {"max": 200})],
        ),
    ],
)
def test_a_refusal_names_its_field_in_a_catalogued_message(refusals, expected):
    assert worded(refusals()) == expected


def test_the_two_pdf_refusals_read_differently():
    statement = check_statement_file(filename="r.pdf", content=b"<html>", max_bytes=100)
    attachment = check_document("r.pdf", b"<html>", ATTACHMENT_KINDS, 100).violations
    assert statement[0].message == "Filen er ikke en PDF."
    assert attachment[0].message.startswith("Filen er ikke et dokument, der kan vedhæftes.")


def test_an_answer_refusal_names_its_question(estate):
    cases = [
        ("no_such_question", "x", ("unknown_question", "no_such_question", {})),
        ("a_challenges", "ja", ("not_yes_no", "a_challenges", {})),
        ("maintenance_condition", "perfect", ("not_an_option", "maintenance_condition", {})),
        ("maintenance_condition_comment", 5, ("not_text", "maintenance_condition_comment", {})),
        (
            "maintenance_condition_comment",
            "x" * 4001,
            ("too_long", "maintenance_condition_comment", {"max": 4000}),
        ),
        ("a_items", "Fugt", ("not_a_list", "a_items", {})),
        ("a_items", ["x"] * 11, ("too_many_items", "a_items", {"max": 10})),
        ("a_items", ["x" * 501], ("item_too_long", "a_items", {"max": 500})),
    ]
    for key, value, expected in cases:
        assert worded(check_answer(estate, key, value).violations) == [expected], key


def test_a_question_without_its_own_limits_takes_the_defaults():
    text = Question(key="t", kind="text", label="T")
    assert check_text(text, "x" * DEFAULT_TEXT_LENGTH).ok
    assert worded(check_text(text, "x" * (DEFAULT_TEXT_LENGTH + 1)).violations) == [
        ("too_long", "t", {"max": DEFAULT_TEXT_LENGTH})
    ]
    points = Question(key="p", kind="prioritised_list", label="P")
    assert check_list(points, ["x"] * DEFAULT_LIST_ITEMS).ok
    assert worded(check_list(points, ["x"] * (DEFAULT_LIST_ITEMS + 1)).violations) == [
        ("too_many_items", "p", {"max": DEFAULT_LIST_ITEMS})
    ]
    assert worded(check_list(points, ["x" * (DEFAULT_ITEM_LENGTH + 1)]).violations) == [
        ("item_too_long", "p", {"max": DEFAULT_ITEM_LENGTH})
    ]
