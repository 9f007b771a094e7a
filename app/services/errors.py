"""Refusals of the filling use cases; a view maps each to its HTTP status and Danish message."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.rules.violations import Violation


class FormError(Exception):
    """A refused action; `status` is the HTTP status a view answers with."""

    status = 400

    def __init__(self, message: str, violations: tuple[Violation, ...] = (), **params):
        super().__init__(message)
        self.message = message
        self.violations = violations
        self.params = params


class NotFound(FormError):
    status = 404


class Locked(FormError):
    """The package is submitted: the server refuses every edit."""

    status = 409


class Invalid(FormError):
    status = 422


@dataclass(frozen=True)
class Conflict(Exception):
    """Someone else saved this answer first: the client must choose."""

    key: str
    value: object
    version: int
    changed_by: str | None
    changed_at: dt.datetime | None

    status = 409
