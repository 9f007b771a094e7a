"""Append-only audit trail: who, when, what, old and new value."""

from flask import g, has_request_context

from app.extensions import db
from app.models import AuditEntry


def current_user_id() -> int | None:
    if has_request_context():
        user = g.get("user")
        if user is not None and not getattr(user, "is_anonymous", True):
            return user.id
    return None


def record(
    action: str,
    entity: str,
    entity_id: int | None = None,
    *,
    package_id: int | None = None,
    field: str | None = None,
    old=None,
    new=None,
    user_id: int | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        user_id=user_id if user_id is not None else current_user_id(),
        action=action,
        entity=entity,
        entity_id=entity_id,
        package_id=package_id,
        field=field,
        old_value=None if old is None else str(old),
        new_value=None if new is None else str(new),
    )
    db.session.add(entry)
    return entry
