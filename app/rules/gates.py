"""The gates the workflow's transitions name (DESIGN.md section 4): each returns every reason
at once, each reason pointing at what it concerns, so a screen can list them all.

A gate takes the facts it needs as keyword arguments and ignores the rest: a service hands
the facts of its use case to every gate its transition names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from app.rules.enums import N_, FormStatus
from app.rules.files import DocumentKind, check_document
from app.rules.progress import FormProgress
from app.rules.violations import Violation

RETURN_REASON_MAX = 4000


@dataclass(frozen=True)
class FormReadiness:
    """A form as the submission gate sees it: its title and its progress derived afresh."""

    form_id: int
    title: str
    progress: FormProgress


def missing_field(form_id: int, section_key: str, question_key: str | None) -> str:
    """Where a missing item lives: form, section and question (`form:12/II/has_board`)."""
    return f"form:{form_id}/{section_key}/{question_key or ''}"


def check_submission(
    *,
    forms: Sequence[FormReadiness],
    accounts_filed: bool,
    accounting_year: int,
    **_,
) -> list[Violation]:
    """A package is sent when every form is done (every required answer given, every yellow
    or red key figure commented) and the accounts of its accounting year are filed with LBF."""
    violations: list[Violation] = []
    if not forms:
        violations.append(Violation("no_forms", N_("Dokumentationspakken har ingen skemaer.")))
    for form in forms:
        if form.progress.status == FormStatus.DONE:
            continue
        for section in form.progress.sections:
            for missing in section.missing:
                violations.append(
                    Violation(
                        missing.code,
                        missing.message,
                        missing_field(form.form_id, section.key, missing.field),
                        (("form", form.title), ("section", section.key)),
                    )
                )
    if not accounts_filed:
        violations.append(
            Violation(
                "accounts_not_filed",
                N_(
                    "Regnskabet for %(year)s er ikke indberettet til Landsbyggefonden. "
                    "Pakken kan først fremsendes, når det er indberettet."
                ),
                "accounts",
                (("year", accounting_year),),
            )
        )
    return violations


def check_return_reason(*, reason: str | None, **_) -> list[Violation]:
    """A package goes back with a reason the organisation can act on."""
    text = (reason or "").strip()
    if not text:
        return [
            Violation(
                "reason_required",
                N_("Skriv, hvorfor pakken sendes retur: hvad skal organisationen rette?"),
                "reason",
            )
        ]
    if len(text) > RETURN_REASON_MAX:
        return [
            Violation(
                "reason_too_long",
                N_("Begrundelsen må højst være %(max)s tegn."),
                "reason",
                (("max", RETURN_REASON_MAX),),
            )
        ]
    return []


def check_meeting_date(
    *, meeting_date: dt.date | None, submitted_on: dt.date | None, today: dt.date, **_
) -> list[Violation]:
    """The meeting was held on a day between the submission and today."""
    if meeting_date is None:
        return [Violation("date_required", N_("Skriv datoen for mødet."), "meeting_date")]
    if meeting_date > today:
        return [
            Violation(
                "date_in_future",
                N_("Mødet kan først markeres som afholdt, når det har fundet sted."),
                "meeting_date",
            )
        ]
    if submitted_on is not None and meeting_date < submitted_on:
        return [
            Violation(
                "date_before_submission",
                N_("Mødet kan ikke være holdt før pakken blev fremsendt (%(date)s)."),
                "meeting_date",
                (("date", submitted_on.strftime("%d-%m-%Y")),),
            )
        ]
    return []


STATEMENT_KINDS = frozenset({DocumentKind.PDF})


def check_statement_file(
    *, filename: str | None, content: bytes | None, max_bytes: int, **_
) -> list[Violation]:
    """The statement is a PDF (judged by its content), within the size limit."""
    return check_document(filename, content, STATEMENT_KINDS, max_bytes).violations


GUARDS = {
    "check_submission": check_submission,
    "check_return_reason": check_return_reason,
    "check_meeting_date": check_meeting_date,
    "check_statement_file": check_statement_file,
}


AGREEMENT_TEXT_MAX = 200
AGREEMENT_LONG_MAX = 4000


def check_agreement(text: str | None, responsible: str | None, follow_up: str | None):
    """An agreement says what was agreed and who is responsible; the follow-up may wait."""
    violations = []
    for value, field, required, limit, message in (
        (text, "title", True, AGREEMENT_TEXT_MAX, N_("Skriv, hvad der er aftalt.")),
        (responsible, "responsible", True, AGREEMENT_TEXT_MAX, N_("Skriv, hvem der er ansvarlig.")),
        (follow_up, "follow_up", False, AGREEMENT_LONG_MAX, None),
    ):
        stripped = (value or "").strip()
        if required and not stripped:
            violations.append(Violation("required", message, field))
        elif len(stripped) > limit:
            violations.append(
                Violation(
                    "too_long",
                    N_("Teksten må højst være %(max)s tegn."),
                    field,
                    (("max", limit),),
                )
            )
    return violations
