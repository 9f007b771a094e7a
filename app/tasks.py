"""Celery tasks: each takes ids, calls one service, and may safely run twice.

With no broker configured (the embedded default) tasks run eagerly, in-process.
"""

from celery import Celery, Task
from celery.schedules import crontab
from flask import has_app_context

celery = Celery("styringsdialog")


def init_celery(app) -> Celery:
    broker = app.config.get("CELERY_BROKER_URL")
    celery.conf.update(
        broker_url=broker or "memory://",
        result_backend=None,
        task_always_eager=not broker,
        task_eager_propagates=True,
        task_ignore_result=True,
        timezone="Europe/Copenhagen",
        broker_connection_retry_on_startup=True,
        # Celery beat: the day's reminders each morning, and the mail sweep every ten minutes
        beat_schedule={
            "reminders": {
                "task": "styringsdialog.send_reminders",
                "schedule": crontab(hour=7, minute=0),
            },
            "mail-sweep": {"task": "styringsdialog.send_pending_mail", "schedule": 600.0},
        },
    )

    class AppContextTask(Task):
        def __call__(self, *args, **kwargs):
            # run in-process (eager), a task belongs to the app that called it; in a worker,
            # to the app the worker was made with
            if has_app_context():
                return self.run(*args, **kwargs)
            with app.app_context():
                return self.run(*args, **kwargs)

    celery.Task = AppContextTask
    app.extensions["celery"] = celery
    return celery


@celery.task(name="styringsdialog.refresh_year_statuses")
def refresh_year_statuses(year: int) -> int:
    from app.services.forms import refresh_year_statuses as refresh

    return refresh(year)


@celery.task(name="styringsdialog.send_mail", bind=True, max_retries=8)
def send_mail(self, message_id: int) -> bool:
    """Send one message; on a failure retry with a growing pause (a worker), or leave it to
    the sweep (run in-process, where nobody should wait for a mail server)."""
    from app.services.mail import send

    try:
        return send(message_id)
    except OSError as error:
        if self.request.is_eager:
            return False
        raise self.retry(exc=error, countdown=60 * 2**self.request.retries) from error


@celery.task(name="styringsdialog.send_pending_mail")
def send_pending_mail() -> int:
    """The sweep: every message still pending (its task gave up, or the broker was down)."""
    from app.services.mail import pending_ids, send

    sent = 0
    for message_id in pending_ids():
        try:
            sent += send(message_id)
        except OSError:
            continue
    return sent


@celery.task(name="styringsdialog.send_reminders")
def send_reminders() -> int:
    from app.services.reading import copenhagen_today
    from app.services.reminders import send_reminders as send

    return send(copenhagen_today())


@celery.task(name="styringsdialog.import_register")
def import_register(import_id: int) -> str:
    """Check and import one uploaded register file (a second run finds it finished)."""
    from app.services.registers import run_import

    entry = run_import(import_id)
    return entry.status.value if entry is not None else "MISSING"


@celery.task(name="styringsdialog.build_package_pdf")
def build_package_pdf(job_id: int) -> str:
    """Build one package PDF (a second run finds it taken or finished)."""
    from app.services.printing import run_print_job

    job = run_print_job(job_id)
    return job.status.value if job is not None else "MISSING"
