"""Append-only audit trail: who, when, what, old and new value."""

from flask import g, has_request_context
from sqlalchemy import insert, inspect

from app.extensions import db
from app.models import AuditEntry
from app.rules.enums import N_


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


def record_many(entries: list[dict], user_id: int | None = None) -> None:
    """Many entries in one statement (a register import logs every value it changes); each
    dict holds `record`'s arguments: action, entity, entity_id, field, old, new."""
    if not entries:
        return
    user_id = user_id if user_id is not None else current_user_id()
    db.session.execute(
        insert(AuditEntry),
        [
            {
                "user_id": user_id,
                "action": e["action"],
                "entity": e["entity"],
                "entity_id": e.get("entity_id"),
                "package_id": e.get("package_id"),
                "field": e.get("field"),
                "old_value": None if e.get("old") is None else str(e["old"]),
                "new_value": None if e.get("new") is None else str(e["new"]),
            }
            for e in entries
        ],
    )


SECRET_FIELDS = frozenset({"password"})

# what the log shows for each action and entity code
ACTION_LABELS = {
    "open_year": N_("Styringsdialogår åbnet"),
    "start": N_("Udfyldelse påbegyndt"),
    "complete": N_("Helt udfyldt"),
    "reopen": N_("Ikke længere helt udfyldt"),
    "form_status": N_("Skemastatus ændret"),
    "answer": N_("Svar gemt"),
    "load_last_year": N_("Sidste års svar indlæst"),
    "create": N_("Oprettet"),
    "update": N_("Ændret"),
    "submit": N_("Fremsendt til kommunerne"),
    "return_package": N_("Sendt retur af kommunen"),
    "return_reason": N_("Begrundelse for retur"),
    "mark_meeting_held": N_("Dialogmøde afholdt"),
    "give_statement": N_("Redegørelse afgivet"),
    "give_statement_file": N_("Redegørelse gemt"),
    "supplementary_statement": N_("Supplerende redegørelse gemt"),
    "attachment_added": N_("Dokument vedhæftet"),
    "attachment_removed": N_("Dokument fjernet"),
    "agreement_added": N_("Aftale registreret"),
    "agreement_removed": N_("Aftale fjernet"),
    "delete": N_("Slettet"),
    "benchmark_computed": N_("Benchmark beregnet"),
    "update_benchmarks": N_("Benchmarktal opdateret"),
    "nemlogin_user_created": N_("Bruger oprettet ved første login med MitID Erhverv"),
    "nemlogin_login": N_("Logget ind med MitID Erhverv"),
    "login_refused": N_("Login afvist"),
    "rights": N_("Rettigheder ændret"),
    "invite": N_("Invitation sendt"),
    "invitation_accepted": N_("Invitation modtaget"),
    "invitation_withdrawn": N_("Invitation trukket tilbage"),
}
ENTITY_LABELS = {
    "Package": N_("Dokumentationspakke"),
    "Form": N_("Skema"),
    "Answer": N_("Svar"),
    "Organisation": N_("Organisation"),
    "Estate": N_("Afdeling"),
    "Municipality": N_("Kommune"),
    "Region": N_("Region"),
    "Benchmark": N_("Benchmark"),
    "BenchmarkIndex": N_("Indeks for fremskrivning"),
    "FlagThreshold": N_("Tærskel for kritisk værdi"),
    "AppUser": N_("Bruger"),
    "Attachment": N_("Vedhæftet dokument"),
    "Statement": N_("Redegørelse"),
    "Agreement": N_("Aftale"),
    "Login": N_("Login"),
    "Invitation": N_("Invitation"),
}


def record_changes(item, action: str) -> None:
    """Audit a create, update or delete made through a generic screen or API: one entry per
    changed column on an update (never a secret's value)."""
    entity = type(item).__name__
    package_id = getattr(item, "package_id", None)
    if entity == "Package":
        package_id = item.id
    if action != "update":
        record(action, entity, getattr(item, "id", None), package_id=package_id)
        return
    state = inspect(item)
    for attribute in state.mapper.column_attrs:
        history = state.attrs[attribute.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if attribute.key in SECRET_FIELDS:
            old, new = None, "(ændret)"
        record(
            "update", entity, item.id, package_id=package_id, field=attribute.key, old=old, new=new
        )
