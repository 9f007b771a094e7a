"""Supplementary documents of a package (user guide 5.2.7): added and removed by the
organisation until submission; PDF and office formats judged by their content, a size limit,
a safe name. Stored in the database, so every app server shares them."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Attachment
from app.rules.access import Actor
from app.rules.enums import N_
from app.rules.files import ATTACHMENT_KINDS, check_document
from app.security import row_filter
from app.services import audit
from app.services.errors import Locked, NotFound
from app.services.reading import may_edit, now
from app.services.save_answer import SUBMITTED
from app.services.transitions import Refused, lock_for_action, use_case


def _editable_package(package_id: int, actor: Actor):
    package = lock_for_action(package_id, actor)
    if package.status.is_submitted:
        raise Locked(SUBMITTED)
    if not may_edit(package, actor):
        raise Locked(N_("Du kan ikke redigere denne dokumentationspakke."))
    return package


@use_case
def add_attachment(
    package_id: int, actor: Actor, filename: str | None, content: bytes | None
) -> Attachment:
    package = _editable_package(package_id, actor)
    checked = check_document(
        filename, content, ATTACHMENT_KINDS, current_app.config["UPLOAD_MAX_BYTES"]
    )
    if checked.violations:
        raise Refused(checked.violations)
    attachment = Attachment(
        package_id=package.id,
        filename=checked.name,
        content_type=checked.content_type,
        size=len(content),
        content=content,
        uploaded_at=now(),
        uploaded_by_id=actor.user_id,
    )
    db.session.add(attachment)
    db.session.flush()
    audit.record(
        "attachment_added",
        "Attachment",
        attachment.id,
        package_id=package.id,
        field="filename",
        new=attachment.filename,
        user_id=actor.user_id,
    )
    return attachment


@use_case
def remove_attachment(package_id: int, attachment_id: int, actor: Actor) -> None:
    package = _editable_package(package_id, actor)
    attachment = visible_attachment(attachment_id, actor)
    if attachment.package_id != package.id or attachment.automatic:
        raise NotFound(N_("Dokumentet findes ikke."))
    audit.record(
        "attachment_removed",
        "Attachment",
        attachment.id,
        package_id=package.id,
        field="filename",
        old=attachment.filename,
        user_id=actor.user_id,
    )
    db.session.delete(attachment)


def visible_attachment(attachment_id: int, actor: Actor) -> Attachment:
    attachment = db.session.scalar(
        select(Attachment).where(Attachment.id == attachment_id, row_filter(Attachment, actor))
    )
    if attachment is None:
        raise NotFound(N_("Dokumentet findes ikke."))
    return attachment
