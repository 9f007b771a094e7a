"""Guidance documents under the Vejledning tab (user guide 5.1 b): LBF publishes the user
guide, the ministry's guidance, the note on key figures and benchmarks and leaflets, each with
a title, an audience and a place in the order; everyone logged in whom a document is for reads
it. The files are checked as attachments are: PDF and office formats judged by their
content, a size limit, a safe name."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import GuidanceDocument
from app.rules.access import Actor
from app.rules.enums import N_, GuideAudience
from app.rules.files import ATTACHMENT_KINDS, check_document
from app.rules.violations import Violation
from app.security import row_filter
from app.services import audit
from app.services.errors import NotFound
from app.services.reading import now
from app.services.transitions import Refused

TITLE_LENGTH = 200


def documents_for(actor: Actor) -> list[GuidanceDocument]:
    """The documents the actor may read, in LBF's order."""
    return list(
        db.session.scalars(
            select(GuidanceDocument)
            .where(row_filter(GuidanceDocument, actor))
            .order_by(GuidanceDocument.sort_order, GuidanceDocument.title, GuidanceDocument.id)
        )
    )


def document_for(document_id: int, actor: Actor) -> GuidanceDocument:
    document = db.session.scalar(
        select(GuidanceDocument).where(
            GuidanceDocument.id == document_id, row_filter(GuidanceDocument, actor)
        )
    )
    if document is None:
        raise NotFound(N_("Dokumentet findes ikke."))
    return document


def add_document(
    actor: Actor,
    title: str,
    audience: str,
    sort_order: str,
    filename: str | None,
    content: bytes | None,
) -> GuidanceDocument:
    """LBF publishes a document; every problem with the entry is named at once and nothing
    is stored."""
    if not actor.is_lbf:
        raise NotFound(N_("Siden findes ikke."))
    violations = []
    title = (title or "").strip()
    if not title:
        violations.append(Violation("no_title", N_("Skriv dokumentets titel."), "title"))
    elif len(title) > TITLE_LENGTH:
        violations.append(
            Violation(
                "title_too_long",
                N_("Titlen er for lang: højst %(max)s tegn."),
                "title",
                (("max", TITLE_LENGTH),),
            )
        )
    if audience not in GuideAudience.__members__:
        violations.append(Violation("no_audience", N_("Vælg, hvem dokumentet er til."), "audience"))
    order = (sort_order or "0").strip()
    if not order.lstrip("-").isdigit() or not -1000 <= int(order) <= 1000:
        violations.append(
            Violation(
                "bad_order",
                N_("Rækkefølgen skal være et helt tal mellem -1000 og 1000."),
                "sort_order",
            )
        )
    checked = check_document(
        filename, content, ATTACHMENT_KINDS, current_app.config["UPLOAD_MAX_BYTES"]
    )
    violations.extend(checked.violations)
    if violations:
        raise Refused(violations)
    document = GuidanceDocument(
        title=title,
        audience=GuideAudience(audience),
        sort_order=int(order),
        filename=checked.name,
        content_type=checked.content_type,
        size=len(content),
        content=content,
        uploaded_at=now(),
        uploaded_by_id=actor.user_id,
    )
    db.session.add(document)
    db.session.flush()
    audit.record(
        "guidance_added",
        "GuidanceDocument",
        document.id,
        field="title",
        new=document.title,
        user_id=actor.user_id,
    )
    db.session.commit()
    return document


def remove_document(document_id: int, actor: Actor) -> None:
    if not actor.is_lbf:
        raise NotFound(N_("Siden findes ikke."))
    document = document_for(document_id, actor)
    audit.record(
        "guidance_removed",
        "GuidanceDocument",
        document.id,
        field="title",
        old=document.title,
        user_id=actor.user_id,
    )
    db.session.delete(document)
    db.session.commit()
