"""The mail task through a real Celery worker, with Redis as the broker and the test's
PostgreSQL database: queued by the platform, picked up by the worker, delivered to a real
SMTP server once."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from celery import Celery
from sqlalchemy import select

from app.models import MailMessage
from tests.conftest import requires_postgresql, requires_service
from tests.services.test_mail import Inbox, free_port

pytestmark = pytest.mark.postgres
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        requires_service("TEST_REDIS_URL is not set: the Celery worker is not tried against Redis")
    return url.rsplit("/", 1)[0] + "/14"


def test_a_worker_on_redis_sends_a_queued_message_once(app, db, redis_url):
    requires_postgresql(db, "a worker process shares the database")
    message = MailMessage(
        event_key="test:worker", recipient="styring@k101.dk", subject="Prøve", body="Hej."
    )
    db.session.add(message)
    db.session.commit()
    inbox = Inbox()
    port = free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    env = {
        **os.environ,
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "CELERY_BROKER_URL": redis_url,
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(port),
        "SECRET_KEY": "worker-test-key-" + "x" * 32,
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "app.worker:celery", "worker", "--pool=solo"]
        + ["--concurrency=1", "--without-gossip", "--without-mingle", "--loglevel=WARNING"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        client = Celery(broker=redis_url)
        for _ in range(2):  # the same message handed over twice is sent once
            client.send_task("styringsdialog.send_mail", args=[message.id])
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not inbox.messages:
            time.sleep(0.5)
        time.sleep(2)  # room for a second delivery, which must not come
    finally:
        worker.terminate()
        errors = worker.communicate(timeout=30)[1].decode(errors="replace")
        smtp.stop()
    assert [tos for tos, _ in inbox.messages] == [["styring@k101.dk"]], errors
    db.session.expire_all()
    assert db.session.scalar(select(MailMessage.sent_at).where(MailMessage.id == message.id))
