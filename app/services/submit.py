"""Submitting a package (user guide 5.2.8): every form done, every yellow or red key figure
commented, the accounts filed with LBF. The home municipality receives the whole package,
each location municipality the report and the forms of its own estates.

The decision is made under the locks of every form of the package and then the package's
(the order every saver takes them in), on statuses derived afresh from the answers and the
year's key figures, so a save or a benchmark change racing the submission cannot leave a
package sent incomplete."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.extensions import db
from app.models import Form, Municipality, Package, Recipient
from app.rules.access import Actor
from app.rules.gates import FormReadiness
from app.rules.violations import Violation
from app.services import mail
from app.services.key_figures import accounts_filed
from app.services.reading import now, visible_package
from app.services.statuses import derive_package_status, fresh_progress, set_form_status
from app.services.transitions import fire, lock_for_action, use_case, validate


@dataclass(frozen=True)
class RecipientPart:
    """What one municipality receives: everything (home) or the report and its estates."""

    municipality: Municipality
    home: bool
    forms: tuple[Form, ...]


def _forms(package_id: int) -> list[Form]:
    return list(
        db.session.scalars(
            select(Form)
            .where(Form.package_id == package_id)
            .order_by(Form.sort_key, Form.id)
            .execution_options(populate_existing=True)
        )
    )


def _facts(package: Package, forms: list[Form]) -> dict:
    progress = fresh_progress(package, forms)
    return {
        "forms": [FormReadiness(f.id, f.title, progress[f.id]) for f in forms],
        "accounts_filed": accounts_filed(package.organisation_id, package.accounting_year),
        "accounting_year": package.accounting_year,
    }


def check(package_id: int, actor: Actor) -> list[Violation]:
    """Every reason the package cannot be sent now, as the Status panel lists them (read
    only; the submission itself decides again under its locks)."""
    package = visible_package(package_id, actor)
    return validate(package, "submit", actor, **_facts(package, _forms(package.id)))


def recipients_of(package: Package, forms: list[Form] | None = None) -> list[RecipientPart]:
    """The home municipality first, then each other municipality where an estate lies, as
    the package recorded them when its year was opened."""
    forms = forms if forms is not None else _forms(package.id)
    home = package.home_municipality
    report = [f for f in forms if f.estate_id is None]
    parts = [RecipientPart(home, True, tuple(forms))]
    located: dict[int, list[Form]] = {}
    municipalities: dict[int, Municipality] = {}
    for form in forms:
        if form.municipality_id is not None and form.municipality_id != home.id:
            located.setdefault(form.municipality_id, []).append(form)
            municipalities[form.municipality_id] = form.municipality
    for municipality_id in sorted(located, key=lambda m: municipalities[m].name):
        parts.append(
            RecipientPart(
                municipalities[municipality_id], False, tuple(report + located[municipality_id])
            )
        )
    return parts


@use_case
def submit(package_id: int, actor: Actor) -> Package:
    form_ids = list(db.session.scalars(select(Form.id).where(Form.package_id == package_id)))
    package = lock_for_action(package_id, actor, form_ids)
    forms = _forms(package.id)
    facts = _facts(package, forms)
    if not package.status.is_submitted:
        # the stored statuses follow what the answers and the year's figures say now
        for readiness in facts["forms"]:
            form = next(f for f in forms if f.id == readiness.form_id)
            set_form_status(form, readiness.progress.status)
        derive_package_status(package)
    fire(package, "submit", actor, **facts)
    sent_at = now()
    package.submitted_at = sent_at
    stored = {r.municipality_id: r for r in package.recipients}
    parts = recipients_of(package, forms)
    for part in parts:
        recipient = stored.pop(part.municipality.id, None)
        if recipient is None:
            recipient = Recipient(package_id=package.id, municipality_id=part.municipality.id)
            db.session.add(recipient)
        recipient.home = part.home
        recipient.sent_at = sent_at
        recipient.opened_at = None
        mail.queue_submitted(package, part.municipality, part.home, sent_at)
    # a municipality an earlier submission went to and this one does not (LBF applied a
    # moved estate to the returned package) no longer holds a receipt
    for recipient in stored.values():
        db.session.delete(recipient)
    return package


def mark_opened(package: Package, actor: Actor) -> None:
    """A receiving municipality opened the package: its receipt shows when, the first time."""
    if not actor.is_municipality or not package.status.is_submitted:
        return
    recipient = db.session.scalar(
        select(Recipient).where(
            Recipient.package_id == package.id,
            Recipient.municipality_id == actor.municipality_id,
            Recipient.opened_at.is_(None),
        )
    )
    if recipient is not None:
        recipient.opened_at = now()
        db.session.commit()
