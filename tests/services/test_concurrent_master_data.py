"""LBF applies a moved estate to the opened year while the organisation submits, on
PostgreSQL with real threads: the package is either sent to the municipalities of its
opening (and keeps them: LBF's apply reports it as submitted) or takes the change first and
is sent to the new ones; its receipts always name exactly the municipalities its forms
record, never a mix."""

import pytest
from sqlalchemy import select, update

from app.models import Estate, Form, Municipality, Package, Recipient
from app.rules.enums import PackageStatus
from app.services import return_package, submit
from app.services.opened_year_master_data import apply_to_year
from tests.services.test_concurrent_dialogue import _actor, _at_once, complete_pg  # noqa: F401

pytestmark = pytest.mark.postgres

ROUNDS = 6


def _code(db, municipality_id):
    return db.session.scalar(select(Municipality.code).where(Municipality.id == municipality_id))


def test_applying_a_moved_estate_and_a_submission_at_once_send_to_one_set_of_municipalities(
    app,
    db,
    complete_pg,  # noqa: F811
):
    form = db.session.scalar(
        select(Form)
        .join(Estate, Estate.id == Form.estate_id)
        .where(Form.package_id == complete_pg, Estate.number == 5)
    )
    roskilde = form.municipality_id
    aarhus = db.session.scalar(select(Municipality.id).where(Municipality.code == 751))
    db.session.execute(
        update(Estate).where(Estate.id == form.estate_id).values(municipality_id=aarhus)
    )
    db.session.commit()
    form_id = form.id
    outcomes = set()
    for _ in range(ROUNDS):
        db.session.rollback()
        _sent, applied = _at_once(
            app,
            [
                ("bo", lambda who: submit.submit(complete_pg, who)),
                ("lbf", lambda who: apply_to_year(2026, [complete_pg], who)),
            ],
        )
        db.session.expire_all()
        package = db.session.get(Package, complete_pg)
        assert package.status == PackageStatus.SUBMITTED, _sent
        recorded = db.session.get(Form, form_id).municipality_id
        receipts = {
            _code(db, r.municipality_id)
            for r in db.session.scalars(
                select(Recipient).where(Recipient.package_id == complete_pg)
            )
        }
        if recorded == roskilde:
            outcomes.add("sent with the opening's")
            assert applied.submitted and applied.packages == 0, applied
            assert receipts == {101, 265}
        else:
            outcomes.add("moved, then sent")
            assert recorded == aarhus
            assert receipts == {101, 751, 265}
        # back to the opening's municipality and unsent, for the next round
        return_package.return_package(complete_pg, _actor(db, "kbh"), "Igen.")
        db.session.execute(update(Form).where(Form.id == form_id).values(municipality_id=roskilde))
        db.session.commit()
    assert outcomes, "no round ran"
