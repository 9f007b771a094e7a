"""E-mail about the dialogue: one message per event and recipient, kept in an outbox table.

A use case queues its messages in its own transaction (so a refused or failed action sends
nothing); after the commit each is handed to a Celery task that sends it over SMTP, or to
the log when no mail server is configured. The event key is unique, so the same event is
never queued twice, and a message is claimed under its row lock and marked sent in the same
transaction, so it is never sent twice. A message whose sending failed stays pending and is
retried by the task and by the periodic sweep.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from email.message import EmailMessage

from flask import current_app
from flask_babel import force_locale, gettext
from sqlalchemy import and_, or_, select, union

from app.extensions import db
from app.models import (
    NOT_A_KEY_HOLDER,
    AppUser,
    MailMessage,
    Municipality,
    Package,
    UserOrganisation,
    UserRight,
)
from app.rules.enums import Right
from app.rules.rights import READING_RIGHTS
from app.services.reading import now

log = logging.getLogger(__name__)

QUEUED = "mail_queued"


def queue(event_key: str, recipient: str | None, subject: str, body: str, package_id=None):
    if not recipient:
        log.info("no address for %s: nothing sent", event_key)
        return
    key = f"{event_key}:{recipient.lower()}"
    exists = db.session.scalar(select(MailMessage.id).where(MailMessage.event_key == key))
    if exists is not None:
        return
    message = MailMessage(
        event_key=key, recipient=recipient, subject=subject, body=body, package_id=package_id
    )
    db.session.add(message)
    db.session.info.setdefault(QUEUED, []).append(message)


def package_addresses(package: Package) -> list[str]:
    """Who hears of a package: the active users who may read it, of its organisation and of
    the organisation administering it in the package's year (those granted the organisation,
    or acting for all it administers)."""
    readers = select(UserRight.user_id).where(UserRight.right.in_(READING_RIGHTS))
    of_the_package = AppUser.organisation_id == package.organisation_id
    if package.administered_by_id is not None:
        granted = union(
            select(UserOrganisation.user_id).where(
                UserOrganisation.organisation_id == package.organisation_id
            ),
            select(UserRight.user_id).where(UserRight.right == Right.ALL_ADMINISTERED),
        )
        of_the_package = or_(
            of_the_package,
            and_(
                AppUser.organisation_id == package.administered_by_id,
                AppUser.id.in_(granted),
            ),
        )
    return sorted(
        set(
            db.session.scalars(
                select(AppUser.email).where(
                    AppUser.active.is_(True),
                    NOT_A_KEY_HOLDER,
                    AppUser.id.in_(readers),
                    of_the_package,
                )
            )
        )
    )


def _link(package: Package) -> str:
    base = current_app.config.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    return f"{base}/package/{package.id}/"


def queue_submitted(
    package: Package, municipality: Municipality, home: bool, sent_at: dt.datetime
) -> None:
    with force_locale("da"):
        subject = gettext(
            "Dokumentationspakke %(year)s fra %(organisation)s er fremsendt",
            year=package.year,
            organisation=package.organisation.name,
        )
        part = (
            gettext("Kommunen har modtaget hele pakken.")
            if home
            else gettext(
                "Kommunen har modtaget styringsrapporten og skemaerne for afdelingerne i kommunen."
            )
        )
        body = f"{subject}.\n\n{part}\n\n{_link(package)}\n"
    queue(
        f"submitted:{package.id}:{sent_at.isoformat()}:{municipality.id}",
        municipality.notification_email,
        subject,
        body,
        package.id,
    )


def queue_to_organisation(package: Package, event_key: str, subject: str, text: str) -> None:
    body = f"{subject}.\n\n{text}\n\n{_link(package)}\n"
    for address in package_addresses(package):
        queue(event_key, address, subject, body, package.id)


def dispatch_queued() -> None:
    """After the commit: hand each message queued in it to the sending task."""
    from app.tasks import send_mail

    for message in db.session.info.pop(QUEUED, []):
        try:
            send_mail.delay(message.id)
        except Exception:  # the sweep sends it later; the user's action stands
            log.exception("mail %s not handed over; it stays in the outbox", message.id)


def forget_queued() -> None:
    db.session.info.pop(QUEUED, None)


def send(message_id: int) -> bool:
    """Send one pending message; returns whether it was sent now. Claimed under its row lock,
    so two workers never both send it; a failure is recorded and raised for a retry."""
    message = db.session.scalar(
        select(MailMessage)
        .where(MailMessage.id == message_id, MailMessage.sent_at.is_(None))
        .with_for_update(skip_locked=True)
    )
    if message is None:
        db.session.rollback()
        return False
    message.attempts += 1
    try:
        _deliver(message)
    except (OSError, smtplib.SMTPException) as error:
        message.last_error = str(error)[:2000]
        db.session.commit()
        raise
    message.sent_at = now()
    message.last_error = None
    db.session.commit()
    return True


def pending_ids(limit: int = 500) -> list[int]:
    return list(
        db.session.scalars(
            select(MailMessage.id)
            .where(MailMessage.sent_at.is_(None))
            .order_by(MailMessage.id)
            .limit(limit)
        )
    )


def _deliver(message: MailMessage) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email.set_content(message.body)
    server = config.get("MAIL_SERVER")
    if not server:
        log.info("mail to %s: %s\n%s", message.recipient, message.subject, message.body)
        return
    with smtplib.SMTP(server, int(config.get("MAIL_PORT", 25)), timeout=30) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(email)
