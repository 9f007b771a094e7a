"""The home municipality marks the dialogue meeting as held, on a day between the
submission and today."""

from __future__ import annotations

import datetime as dt

from flask_babel import force_locale, gettext

from app.models import Package
from app.rules.access import Actor
from app.services import audit, mail
from app.services.reading import copenhagen_date, copenhagen_today
from app.services.transitions import fire, lock_for_action, use_case


@use_case
def mark_meeting_held(package_id: int, actor: Actor, meeting_date: dt.date | None) -> Package:
    package = lock_for_action(package_id, actor)
    fire(
        package,
        "mark_meeting_held",
        actor,
        meeting_date=meeting_date,
        submitted_on=copenhagen_date(package.submitted_at) if package.submitted_at else None,
        today=copenhagen_today(),
    )
    package.meeting_date = meeting_date
    audit.record(
        "mark_meeting_held",
        "Package",
        package.id,
        package_id=package.id,
        field="meeting_date",
        new=meeting_date.isoformat(),
        user_id=actor.user_id,
    )
    with force_locale("da"):
        subject = gettext(
            "Dialogmødet om dokumentationspakke %(year)s er markeret som afholdt",
            year=package.year,
        )
        body = gettext("Mødedato: %(date)s", date=meeting_date.strftime("%d-%m-%Y"))
    mail.queue_to_organisation(package, f"meeting:{package.id}", subject, body)
    return package
