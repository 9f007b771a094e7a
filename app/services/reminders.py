"""Reminders by e-mail (Celery beat, daily): on the configured days each municipality gets
one message listing what is outstanding in the last two dialogue years; an organisation gets
one reminder a configured number of days before its deadline while its package is not sent.
Every message has an event key, so a run repeated the same day sends nothing new."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import func, select

from app.extensions import db
from app.models import Municipality, Organisation, Package
from app.rules.enums import SUBMITTED_OR_LATER
from app.rules.reminders import (
    deadline_reminder_due,
    dialogue_years,
    is_reminder_day,
    outstanding_item,
    parse_reminder_dates,
)
from app.services import mail


def send_reminders(today: dt.date) -> int:
    """Queue the day's reminders, commit, hand them to the sending task; returns how many
    were queued."""
    before = len(db.session.info.get(mail.QUEUED, []))
    config = current_app.config
    if is_reminder_day(today, parse_reminder_dates(config["REMINDER_DATES"])):
        _municipality_reminders(today)
    _deadline_reminders(today, config["DEADLINE_REMINDER_DAYS"])
    queued = len(db.session.info.get(mail.QUEUED, [])) - before
    db.session.commit()
    mail.dispatch_queued()
    return queued


def _municipality_reminders(today: dt.date) -> None:
    latest = db.session.scalar(select(func.max(Package.year)))
    if latest is None:
        return
    years = dialogue_years(latest)
    rows = db.session.execute(
        select(Package, Package.home_municipality_id)
        .join(Organisation, Organisation.id == Package.organisation_id)
        .where(Package.year.in_(years))
        .order_by(Package.year, Organisation.number)
    ).all()
    by_municipality: dict[int, list[str]] = {}
    with force_locale("da"):
        for package, home_id in rows:
            item = outstanding_item(package.status)
            if item is not None:
                by_municipality.setdefault(home_id, []).append(
                    f"- {package.year}: {package.organisation}: {gettext(item)}"
                )
        for municipality in db.session.scalars(
            select(Municipality).where(Municipality.id.in_(by_municipality))
        ):
            subject = gettext(
                "Påmindelse: udestående i styringsdialogen for %(years)s",
                years=" og ".join(str(y) for y in years),
            )
            body = "\n".join(
                [
                    gettext("Følgende er endnu ikke afsluttet:"),
                    "",
                    *by_municipality[municipality.id],
                ]
            )
            mail.queue(
                f"reminder:{today.isoformat()}:{municipality.id}",
                municipality.notification_email,
                subject,
                body,
            )


def _deadline_reminders(today: dt.date, days_before: int) -> None:
    packages = db.session.scalars(
        select(Package).where(
            Package.deadline.is_not(None),
            Package.deadline >= today,
            Package.deadline <= today + dt.timedelta(days=days_before),
            Package.status.not_in(SUBMITTED_OR_LATER),
        )
    )
    with force_locale("da"):
        for package in packages:
            if not deadline_reminder_due(
                package.deadline, package.status.is_submitted, today, days_before
            ):
                continue
            subject = gettext(
                "Påmindelse: fristen for dokumentationspakke %(year)s er %(date)s",
                year=package.year,
                date=package.deadline.strftime("%d-%m-%Y"),
            )
            text = gettext("Pakken er endnu ikke fremsendt til kommunen.")
            mail.queue_to_organisation(
                package, f"deadline:{package.id}:{package.deadline.isoformat()}", subject, text
            )
