"""Firing a transition of the workflow table: the package locked, every refusal gathered by
the rules, then the status written and audited. Every use case that moves a package's
status by hand (submit, return, meeting held, statement) goes through `fire`."""

from __future__ import annotations

import functools

from app.extensions import db
from app.models import Package
from app.rules.access import Actor
from app.rules.enums import N_
from app.rules.violations import Violation
from app.rules.workflow import refusals, transition
from app.security import relations_to_package
from app.services import audit, mail
from app.services.errors import FormError
from app.services.reading import now, visible_package
from app.services.statuses import lock_forms, lock_package


class Refused(FormError):
    """The action is refused for every reason listed in `violations`."""

    status = 422

    def __init__(self, violations: list[Violation]):
        super().__init__(N_("Handlingen kan ikke udføres."), tuple(violations))


def lock_for_action(package_id: int, actor: Actor, form_ids: list[int] | None = None) -> Package:
    """The package the actor may see, under its row lock, read after the lock. When the
    action depends on the forms, their locks come first (the order every saver takes them in:
    forms by id, then the package)."""
    visible_package(package_id, actor)  # NotFound for a package the actor may not see
    if form_ids:
        lock_forms(form_ids)
    return lock_package(package_id)


def validate(package: Package, name: str, actor: Actor, **facts) -> list[Violation]:
    """Every reason the actor may not fire the transition on the locked package now."""
    return refusals(name, package.status, relations_to_package(actor, package), **facts)


def fire(package: Package, name: str, actor: Actor, **facts) -> Package:
    """Validate, then move the package along the transition, audited; raises `Refused` with
    every reason when it may not."""
    violations = validate(package, name, actor, **facts)
    if violations:
        raise Refused(violations)
    target = transition(name).target
    audit.record(
        name,
        "Package",
        package.id,
        package_id=package.id,
        field="status",
        old=package.status.value,
        new=target.value,
        user_id=actor.user_id,
    )
    package.status = target
    package.changed_at = now()
    return package


def use_case(function):
    """A use case's transaction: committed when it succeeds; rolled back when it is refused,
    so a refused action leaves the database as it was."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        try:
            result = function(*args, **kwargs)
        except FormError:
            db.session.rollback()
            mail.forget_queued()
            raise
        db.session.commit()
        mail.dispatch_queued()
        return result

    return run
