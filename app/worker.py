"""The Celery worker's and beat's entry point: `celery -A app.worker:celery worker` (and
`... beat`), configured from the same environment as the web app."""

from app import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
