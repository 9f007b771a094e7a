"""The municipality's statement (redegørelse, guidance chapter 7): the home municipality's
moves the package to "Redegørelse afgivet" once the meeting is held; a location
municipality may add a supplementary statement once the package is submitted, without
driving the status. Each is a PDF, judged by its content."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app.extensions import db
from app.models import Package, Statement
from app.rules.access import Actor
from app.rules.enums import N_
from app.rules.files import safe_name
from app.rules.gates import check_statement_file
from app.rules.violations import Violation
from app.rules.workflow import NOT_YOURS, Relation
from app.security import relations_to_package
from app.services import audit, mail
from app.services.reading import now
from app.services.transitions import Refused, fire, lock_for_action, use_case

NOT_SUBMITTED = Violation(
    "not_submitted",
    N_("Der kan først gives en supplerende redegørelse, når pakken er fremsendt."),
)


def _max_bytes() -> int:
    return current_app.config["UPLOAD_MAX_BYTES"]


@use_case
def give_statement(package_id: int, actor: Actor, filename: str | None, content: bytes | None):
    """The home municipality's statement: the package's final state."""
    package = lock_for_action(package_id, actor)
    fire(
        package,
        "give_statement",
        actor,
        filename=filename,
        content=content,
        max_bytes=_max_bytes(),
    )
    statement = _store(package, actor, filename, content, supplementary=False)
    with force_locale("da"):
        subject = gettext(
            "Kommunens redegørelse for dokumentationspakke %(year)s er afgivet", year=package.year
        )
    mail.queue_to_organisation(package, f"statement:{statement.id}", subject, statement.filename)
    return statement


@use_case
def give_supplementary_statement(
    package_id: int, actor: Actor, filename: str | None, content: bytes | None
) -> Statement:
    """A location municipality's supplement; it may replace its own until the end."""
    package = lock_for_action(package_id, actor)
    if Relation.LOCATION_MUNICIPALITY not in relations_to_package(actor, package):
        raise Refused([NOT_YOURS])
    violations = [] if package.status.is_submitted else [NOT_SUBMITTED]
    violations += check_statement_file(filename=filename, content=content, max_bytes=_max_bytes())
    if violations:
        raise Refused(violations)
    return _store(package, actor, filename, content, supplementary=True)


def _store(package: Package, actor: Actor, filename, content, *, supplementary: bool):
    statement = db.session.scalar(
        select(Statement).where(
            Statement.package_id == package.id,
            Statement.municipality_id == actor.municipality_id,
        )
    )
    old = statement.filename if statement is not None else None
    if statement is None:
        statement = Statement(package_id=package.id, municipality_id=actor.municipality_id)
        db.session.add(statement)
    statement.supplementary = supplementary
    statement.filename = safe_name(filename)
    statement.content = content
    statement.content_type = "application/pdf"
    statement.size = len(content)
    statement.uploaded_at = now()
    statement.uploaded_by_id = actor.user_id
    # what the public sees: a statement is published when it is given
    statement.published = True
    db.session.flush()
    audit.record(
        "supplementary_statement" if supplementary else "give_statement_file",
        "Statement",
        statement.id,
        package_id=package.id,
        field="filename",
        old=old,
        new=statement.filename,
        user_id=actor.user_id,
    )
    return statement
