"""Celery tasks: each takes ids, calls one service, and may safely run twice.

With no broker configured (the embedded default) tasks run eagerly, in-process.
"""

from celery import Celery, Task

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
    )

    class AppContextTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    celery.Task = AppContextTask
    app.extensions["celery"] = celery
    return celery


@celery.task(name="styringsdialog.refresh_year_statuses")
def refresh_year_statuses(year: int) -> int:
    from app.services.forms import refresh_year_statuses as refresh

    return refresh(year)
