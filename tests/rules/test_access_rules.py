from app.rules.access import Actor, acting_organisation_ids, check_user_affiliation
from app.rules.enums import OrganisationKind, Role


def test_organisation_acts_for_itself_and_the_organisations_it_administers():
    assert acting_organisation_ids(1, [2, 3]) == {1, 2, 3}
    assert acting_organisation_ids(1, []) == {1}


def test_organisation_user_may_act_only_for_its_own_scope():
    actor = Actor(
        user_id=5,
        roles=frozenset({Role.HOUSING}),
        organisation_id=1,
        organisation_ids=frozenset({1, 2}),
    )
    assert actor.may_act_for(2)
    assert not actor.may_act_for(3)
    assert not actor.may_act_for(None)


def test_municipality_user_acts_for_no_organisation():
    actor = Actor(user_id=5, roles=frozenset({Role.MUNICIPALITY}), municipality_id=7)
    assert actor.is_municipality and not actor.may_act_for(1)


def test_lbf_user_acts_for_every_organisation():
    assert Actor(user_id=1, roles=frozenset({Role.LBF})).may_act_for(42)


def test_user_with_organisation_and_municipality_is_refused():
    violations = check_user_affiliation([Role.MUNICIPALITY], OrganisationKind.HOUSING, True)
    assert [v.code for v in violations] == ["two_affiliations"]


def test_user_role_must_match_the_organisation_kind():
    assert check_user_affiliation([Role.HOUSING], OrganisationKind.HOUSING, False) == []
    assert (
        check_user_affiliation([Role.ADMINISTRATION], OrganisationKind.ADMINISTRATION, False) == []
    )
    wrong = check_user_affiliation([Role.ADMINISTRATION], OrganisationKind.HOUSING, False)
    assert [v.code for v in wrong] == ["role_mismatch"]


def test_municipality_user_must_hold_the_municipality_role():
    assert check_user_affiliation([Role.MUNICIPALITY], None, True) == []
    assert [v.code for v in check_user_affiliation([Role.LBF], None, True)] == ["role_mismatch"]


def test_user_without_affiliation_must_be_lbf():
    assert check_user_affiliation([Role.LBF], None, False) == []
    missing = check_user_affiliation([Role.HOUSING], None, False)
    assert [(v.code, v.field) for v in missing] == [("missing_affiliation", "organisation")]


def test_user_holds_exactly_one_role():
    assert [v.code for v in check_user_affiliation([], None, False)] == ["one_role"]
    two = check_user_affiliation([Role.LBF, Role.MUNICIPALITY], None, False)
    assert [v.code for v in two] == ["one_role"]
