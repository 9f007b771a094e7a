"""Sending a submitted package back (Send retur): only the home municipality, with a reason
the organisation sees on its package. The package is editable again; its status is derived
from its forms once more, so an untouched package can be sent again at once."""

from __future__ import annotations

from flask_babel import force_locale, gettext

from app.extensions import db
from app.models import Package, PackageReturn
from app.rules.access import Actor
from app.services import audit, mail
from app.services.reading import now
from app.services.statuses import derive_package_status
from app.services.transitions import fire, lock_for_action, use_case


@use_case
def return_package(package_id: int, actor: Actor, reason: str | None) -> Package:
    package = lock_for_action(package_id, actor)
    fire(package, "return_package", actor, reason=reason)
    text = reason.strip()
    returned = PackageReturn(
        package_id=package.id, reason=text, returned_at=now(), returned_by_id=actor.user_id
    )
    db.session.add(returned)
    package.submitted_at = None
    db.session.flush()
    audit.record(
        "return_reason",
        "Package",
        package.id,
        package_id=package.id,
        field="reason",
        new=text,
        user_id=actor.user_id,
    )
    derive_package_status(package)
    with force_locale("da"):
        subject = gettext(
            "Dokumentationspakke %(year)s er sendt retur af kommunen", year=package.year
        )
        body = gettext("Begrundelse: %(reason)s", reason=text)
    mail.queue_to_organisation(package, f"returned:{returned.id}", subject, body)
    return package
