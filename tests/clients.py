"""Real concurrent clients for the tests: each a thread with its own app context, session and
connection, acting as a named user."""

from sqlalchemy import select


def act_as(app, username: str, action, wait=lambda: None):
    """Run `action(actor)` as the named user in a client of its own, once `wait()` returns;
    returns its result, or the exception it raised (for the test to judge)."""
    from app.extensions import db
    from app.models import AppUser
    from app.security import actor_for

    with app.app_context():
        try:
            user = db.session.scalar(select(AppUser).where(AppUser.username == username))
            who = actor_for(user)
            db.session.rollback()
            wait()
            return action(who)
        except Exception as error:  # reported by the test
            db.session.rollback()
            return error
        finally:
            db.session.remove()
