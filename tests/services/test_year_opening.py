import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, Estate, Form, Organisation, Package
from app.rules.enums import EstateState, FormKind, PackageStatus
from app.services import demo_data
from app.services.year_opening import OpenYearError, open_year


@pytest.fixture
def small(db):
    return demo_data.build("small")


def _count(db, model, *where):
    return db.session.scalar(select(func.count(model.id)).where(*where))


def test_opening_a_year_creates_one_ready_package_per_organisation(small, db):
    result = open_year(2026, "2026.1")
    assert result.packages_created == small.organisations == 7
    assert _count(db, Package, Package.year == 2026) == 7
    statuses = set(db.session.scalars(select(Package.status)))
    assert statuses == {PackageStatus.READY}
    assert set(db.session.scalars(select(Package.questionnaire_version))) == {"2026.1"}


def test_housing_package_holds_report_and_a_form_per_estate_in_operation_or_construction(small, db):
    open_year(2026, "2026.1")
    for organisation in db.session.scalars(select(Organisation)):
        package = organisation.packages[0]
        kinds = sorted(f.kind for f in package.forms)
        participating = [
            e
            for e in organisation.estates
            if e.state in (EstateState.IN_OPERATION, EstateState.UNDER_CONSTRUCTION)
        ]
        if organisation.kind == "ADMINISTRATION":
            assert kinds == [FormKind.ADMIN_REPORT]
        else:
            assert kinds.count(FormKind.HOUSING_REPORT) == 1
            assert kinds.count(FormKind.ESTATE_FORM) == len(participating)
            assert {f.estate_id for f in package.forms if f.estate_id} == {
                e.id for e in participating
            }
    closed = db.session.scalar(select(Estate).where(Estate.state == EstateState.CLOSED))
    assert _count(db, Form, Form.estate_id == closed.id) == 0


def test_opening_the_same_year_again_creates_nothing_and_says_so(small, db):
    first = open_year(2026, "2026.1")
    forms = _count(db, Form)
    again = open_year(2026, "2026.1")
    assert (again.packages_created, again.forms_created) == (0, 0)
    assert again.packages_existing == first.packages_created
    assert _count(db, Form) == forms


def test_opening_a_year_again_adds_packages_only_for_new_organisations(small, db):
    open_year(2026, "2026.1")
    home = db.session.scalar(select(Organisation.home_municipality_id).limit(1))
    db.session.add(
        Organisation(
            number=5000, name="Ny Boligforening", kind="HOUSING", home_municipality_id=home
        )
    )
    db.session.commit()
    again = open_year(2026, "2026.1")
    assert (again.packages_created, again.forms_created, again.packages_existing) == (1, 1, 7)


def test_each_opened_package_is_audited(small, db):
    result = open_year(2026, "2026.1")
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "open_year")).all()
    assert len(entries) == result.packages_created
    assert {e.new_value for e in entries} == {"READY"}


def test_opening_an_impossible_year_is_refused(small, db):
    with pytest.raises(OpenYearError):
        open_year(1999, "2026.1")
    assert _count(db, Package) == 0


def test_inactive_organisations_get_no_package(small, db):
    organisation = db.session.scalar(select(Organisation).where(Organisation.number == 851))
    organisation.active = False
    db.session.commit()
    assert open_year(2026, "2026.1").packages_created == 6
