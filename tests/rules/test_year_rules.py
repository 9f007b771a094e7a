from app.rules.enums import EstateState, FormKind, OrganisationKind
from app.rules.year import planned_forms


def test_housing_organisation_gets_a_report_and_one_form_per_participating_estate():
    forms = planned_forms(
        OrganisationKind.HOUSING,
        [
            (30, 3, EstateState.IN_OPERATION),
            (10, 1, EstateState.UNDER_CONSTRUCTION),
            (20, 2, EstateState.CLOSED),
        ],
    )
    assert [(f.kind, f.estate_id) for f in forms] == [
        (FormKind.HOUSING_REPORT, None),
        (FormKind.ESTATE_FORM, 10),
        (FormKind.ESTATE_FORM, 30),
    ]


def test_administration_organisation_gets_only_its_own_report():
    forms = planned_forms(OrganisationKind.ADMINISTRATION, [(1, 1, EstateState.IN_OPERATION)])
    assert [(f.kind, f.estate_id) for f in forms] == [(FormKind.ADMIN_REPORT, None)]


def test_housing_organisation_without_estates_gets_the_report_alone():
    assert [f.kind for f in planned_forms(OrganisationKind.HOUSING, [])] == [
        FormKind.HOUSING_REPORT
    ]
