"""E-mail end to end against a real SMTP server started by the test (aiosmtpd): the right
party hears of each event, once; a message that could not be sent is retried and then
delivered once."""

import socket

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.models import MailMessage, Municipality
from app.services import mail, meeting, return_package, submit
from app.tasks import send_pending_mail
from tests.services.test_dialogue import complete_101  # noqa: F401
from tests.services.test_filling import actor


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    yield inbox, controller, port
    controller.stop()
    app.config.update(MAIL_SERVER=None, MAIL_PORT=25)


@pytest.fixture
def addresses(db):
    for municipality in db.session.scalars(select(Municipality)):
        municipality.notification_email = f"styring@k{municipality.code}.dk"
    db.session.commit()


def recipients(inbox):
    return sorted(address for tos, _ in inbox.messages for address in tos)


def test_submission_mails_each_receiving_municipality_once(
    smtp,
    addresses,
    complete_101,  # noqa: F811
    db,
):
    inbox, _, _ = smtp
    submit.submit(complete_101, actor(db, "bo"))
    assert recipients(inbox) == ["styring@k101.dk", "styring@k265.dk"]
    home = next(body for tos, body in inbox.messages if tos == ["styring@k101.dk"])
    assert "Kommunen har modtaget hele pakken." in home
    # the sweep finds nothing left: the same event is never mailed twice
    assert send_pending_mail.delay().get() == 0
    assert len(inbox.messages) == 2


def test_return_and_meeting_mail_the_organisations_contacts(
    smtp,
    addresses,
    complete_101,  # noqa: F811
    db,
):
    import datetime as dt

    inbox, _, _ = smtp
    submit.submit(complete_101, actor(db, "bo"))
    inbox.messages.clear()
    return_package.return_package(complete_101, actor(db, "kbh"), "Uddyb afsnit II.")
    (tos, body), *_ = inbox.messages
    assert tos == ["bo@demo.styringsdialog.dk"]
    assert "Uddyb afsnit II." in body
    submit.submit(complete_101, actor(db, "bo"))
    inbox.messages.clear()
    meeting.mark_meeting_held(complete_101, actor(db, "kbh"), dt.date.today())
    assert recipients(inbox) == ["bo@demo.styringsdialog.dk"]


def test_a_message_that_failed_is_retried_and_delivered_once(
    app,
    addresses,
    complete_101,  # noqa: F811
    db,
):
    inbox = Inbox()
    port = free_port()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)  # nobody listens yet
    try:
        submit.submit(complete_101, actor(db, "bo"))  # the submission stands all the same
        pending = db.session.scalars(select(MailMessage).where(MailMessage.sent_at.is_(None)))
        pending = list(pending)
        assert len(pending) == 2
        # tried once each in-process; the sweep tries again
        assert [(m.attempts, bool(m.last_error)) for m in pending] == [(1, True), (1, True)]
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            assert send_pending_mail.delay().get() == 2
            assert send_pending_mail.delay().get() == 0
        finally:
            controller.stop()
    finally:
        app.config.update(MAIL_SERVER=None, MAIL_PORT=25)
    assert recipients(inbox) == ["styring@k101.dk", "styring@k265.dk"]


def test_a_message_already_sent_is_not_sent_again(smtp, addresses, complete_101, db):  # noqa: F811
    inbox, _, _ = smtp
    submit.submit(complete_101, actor(db, "bo"))
    message_id = db.session.scalar(select(MailMessage.id))
    assert mail.send(message_id) is False
    assert len(inbox.messages) == 2
