"""Who may grant which rights to whom (nobody grants more than they hold), the invitation's
and new login's checks, and what a user's rights let it do. Each case worked out by hand."""

from app.rules.access import Actor, acting_organisation_ids
from app.rules.enums import Right, Role
from app.rules.rights import (
    MUNICIPALITY_RIGHTS,
    ORGANISATION_RIGHTS,
    Holder,
    applicable_rights,
    check_grant,
    check_invitation,
    check_new_login,
    effective_rights,
)

R, F, P, S, A = Right.READ, Right.FILL_AND_SEND, Right.PROCESS, Right.STATISTICS, Right.LOCAL_ADMIN
EVERY = Right.ALL_ADMINISTERED
ALL_ORGANISATION = frozenset({R, F, S, A})
ORG, OTHER_ORG, TOWN = 10, 20, 7
ADMINISTERED = {11, 12}
NAMES = {11: "11 Elleve", 12: "12 Tolv", 13: "13 Tretten"}

LBF = Holder(1, is_lbf=True)
ADMIN = Holder(2, organisation_id=ORG, rights=ALL_ORGANISATION, acts_for=frozenset({11, 12}))
COLLEAGUE = Holder(3, organisation_id=ORG)


def codes(violations):
    return [v.code for v in violations]


# --- which rights and what they imply ---------------------------------------------------


def test_an_organisation_and_a_municipality_hold_different_rights():
    assert applicable_rights(ORG, None) == (R, F, S, A, EVERY) == ORGANISATION_RIGHTS
    assert applicable_rights(None, TOWN) == (R, P, S, A) == MUNICIPALITY_RIGHTS
    assert applicable_rights(None, None) == ()


def test_filling_in_or_processing_packages_implies_reading_them():
    assert effective_rights({F}) == {F, R}
    assert effective_rights({P}) == {P, R}
    assert effective_rights({S, A}) == {S, A}
    assert effective_rights(set()) == set()


# --- granting --------------------------------------------------------------------------------


def test_a_local_administrator_grants_what_it_holds_to_a_colleague():
    assert check_grant(ADMIN, COLLEAGUE, {R, F, S}, {11}, ADMINISTERED) == []


def test_a_local_administrator_may_appoint_another_local_administrator():
    assert check_grant(ADMIN, COLLEAGUE, {R, A}, set(), ADMINISTERED) == []


def test_a_user_who_is_no_local_administrator_grants_nothing():
    granter = Holder(4, organisation_id=ORG, rights=frozenset({R, F, S}))
    assert codes(check_grant(granter, COLLEAGUE, {R}, set(), ADMINISTERED)) == ["not_local_admin"]


def test_a_local_administrator_grants_nothing_outside_its_own_organisation():
    stranger = Holder(5, organisation_id=OTHER_ORG)
    town_user = Holder(6, municipality_id=TOWN)
    assert codes(check_grant(ADMIN, stranger, {R}, set(), set())) == ["other_affiliation"]
    assert codes(check_grant(ADMIN, town_user, {R}, set(), set())) == ["other_affiliation"]


def test_nobody_changes_their_own_rights_but_lbf():
    assert codes(check_grant(ADMIN, ADMIN, ALL_ORGANISATION, {11}, ADMINISTERED)) == ["own_rights"]


def test_nobody_grants_a_right_they_do_not_hold():
    granter = Holder(4, organisation_id=ORG, rights=frozenset({R, A}))
    violations = check_grant(granter, COLLEAGUE, {R, F, S}, set(), ADMINISTERED)
    assert [(v.code, v.params_dict()["right"]) for v in violations] == [
        ("right_not_held", F),
        ("right_not_held", S),
    ]


def test_nobody_withdraws_a_right_they_do_not_hold():
    granter = Holder(4, organisation_id=ORG, rights=frozenset({R, A}))
    holder = Holder(3, organisation_id=ORG, rights=frozenset({R, S}))
    assert codes(check_grant(granter, holder, {R}, set(), ADMINISTERED)) == ["right_not_held"]
    # leaving the right they do not hold as it is, they may change the rest
    assert check_grant(granter, holder, {S}, set(), ADMINISTERED) == []


def test_filling_in_lets_its_holder_grant_reading():
    granter = Holder(4, organisation_id=ORG, rights=frozenset({F, A}))
    assert check_grant(granter, COLLEAGUE, {R}, set(), ADMINISTERED) == []


def test_nobody_grants_an_administered_organisation_they_do_not_act_for():
    granter = Holder(4, organisation_id=ORG, rights=ALL_ORGANISATION, acts_for=frozenset({11}))
    violations = check_grant(granter, COLLEAGUE, {R}, {11, 12}, ADMINISTERED, NAMES)
    assert [(v.code, v.field, v.params_dict()) for v in violations] == [
        ("organisation_not_held", "acts_for", {"organisation": "12 Tolv"})
    ]


def test_acting_for_every_administered_organisation_holds_each_of_them_for_granting():
    """A local administrator acting for all 11 and 12 (and any to come), granted none one
    by one, grants each of them; one acting for 11 only may not give all."""
    granter = Holder(4, organisation_id=ORG, rights=frozenset({R, F, A, EVERY}))
    assert check_grant(granter, COLLEAGUE, {R}, {11, 12}, ADMINISTERED) == []
    assert check_grant(granter, COLLEAGUE, {R, EVERY}, set(), ADMINISTERED) == []
    one_only = Holder(4, organisation_id=ORG, rights=frozenset({R, A}), acts_for=frozenset({11}))
    violations = check_grant(one_only, COLLEAGUE, {R, EVERY}, set(), ADMINISTERED)
    assert [(v.code, v.params_dict()) for v in violations] == [("right_not_held", {"right": EVERY})]


def test_acting_for_every_administered_organisation_is_given_only_where_some_are_administered():
    violations = check_grant(LBF, COLLEAGUE, {R, EVERY}, set(), set())
    assert [(v.code, v.field) for v in violations] == [("nothing_administered", "rights")]
    assert check_grant(LBF, COLLEAGUE, {R, EVERY}, set(), ADMINISTERED) == []
    # one who holds it when its organisation administers none any more keeps it or loses it
    holder = Holder(3, organisation_id=ORG, rights=frozenset({R, EVERY}))
    assert check_grant(LBF, holder, {R, EVERY, S}, set(), set()) == []
    assert check_grant(LBF, holder, {R}, set(), set()) == []
    # a municipality's user acts for no organisation
    town_user = Holder(6, municipality_id=TOWN)
    assert codes(check_grant(LBF, town_user, {R, EVERY}, set(), set())) == ["not_applicable"]


def test_only_an_organisation_the_users_organisation_administers_can_be_granted():
    violations = check_grant(LBF, COLLEAGUE, {R}, {13}, ADMINISTERED, NAMES)
    assert [(v.code, v.params_dict()) for v in violations] == [
        ("not_administered", {"organisation": "13 Tretten"})
    ]
    # one granted while it was administered may be kept and withdrawn
    holder = Holder(3, organisation_id=ORG, rights=frozenset({R}), acts_for=frozenset({13}))
    assert check_grant(LBF, holder, {R}, {13}, ADMINISTERED) == []
    assert check_grant(LBF, holder, {R}, set(), ADMINISTERED) == []


def test_a_right_is_granted_only_where_it_belongs():
    town_user = Holder(6, municipality_id=TOWN)
    assert codes(check_grant(LBF, town_user, {R, F}, set(), set())) == ["not_applicable"]
    assert codes(check_grant(LBF, COLLEAGUE, {P}, set(), ADMINISTERED)) == ["not_applicable"]
    assert check_grant(LBF, town_user, {R, P, S, A}, set(), set()) == []


def test_lbf_grants_anything_to_anyone_even_rights_it_holds_by_its_role():
    stranger = Holder(5, organisation_id=OTHER_ORG, rights=frozenset({R}))
    assert check_grant(LBF, stranger, {F, S, A}, set(), set()) == []


def test_an_lbf_user_is_granted_nothing():
    assert codes(check_grant(LBF, Holder(9), {R}, set(), set())) == ["no_affiliation"]


# --- invitations and the new login -----------------------------------------------------------


def invited(rights=frozenset({R}), acts_for=frozenset()):
    return Holder(None, organisation_id=ORG, rights=frozenset(rights), acts_for=acts_for)


def test_an_invitation_names_a_person_an_address_and_at_least_one_right():
    assert check_invitation(ADMIN, invited(), "a@b.dk", "Anna", "Berg", ADMINISTERED, False) == []
    violations = check_invitation(ADMIN, invited(set()), "ikke-en-adresse", " ", "", set(), False)
    assert [(v.code, v.field) for v in violations] == [
        ("email", "email"),
        ("first_name", "first_name"),
        ("last_name", "last_name"),
        ("no_rights", "rights"),
    ]


def test_an_invitation_to_an_address_in_use_is_refused():
    violations = check_invitation(ADMIN, invited(), "a@b.dk", "A", "B", ADMINISTERED, True)
    assert codes(violations) == ["email_taken"]


def test_an_invitation_gives_no_more_than_the_inviter_holds():
    granter = Holder(4, organisation_id=ORG, rights=frozenset({R, A}), acts_for=frozenset())
    violations = check_invitation(
        granter, invited({R, S}, frozenset({11})), "a@b.dk", "A", "B", ADMINISTERED, False, NAMES
    )
    assert codes(violations) == ["right_not_held", "organisation_not_held"]


def test_a_new_login_needs_a_free_user_name_and_a_long_enough_password_typed_twice():
    assert check_new_login("anna", "x" * 12, "x" * 12, False) == []
    assert codes(check_new_login("", "x" * 12, "x" * 12, False)) == ["username"]
    assert codes(check_new_login("a" * 65, "x" * 12, "x" * 12, False)) == ["username"]
    assert codes(check_new_login("anna", "x" * 12, "x" * 12, True)) == ["username_taken"]
    assert codes(check_new_login("anna", "x" * 11, "x" * 11, False)) == ["password_short"]
    assert codes(check_new_login("anna", "x" * 12, "y" * 12, False)) == ["password_mismatch"]


# --- what the rights let an actor do -------------------------------------------------------


def organisation_actor(rights, granted=frozenset()):
    return Actor(
        user_id=3,
        roles=frozenset({Role.ADMINISTRATION}),
        organisation_id=ORG,
        organisation_ids=acting_organisation_ids(ORG, ADMINISTERED, granted) if rights else {},
        rights=frozenset(rights),
        granted_organisation_ids=frozenset(granted),
    )


def test_a_user_acts_for_the_administered_organisations_it_was_granted_only():
    assert acting_organisation_ids(ORG, {11, 12}, {11, 13}) == {ORG, 11}
    assert acting_organisation_ids(ORG, {11, 12}) == {ORG, 11, 12}
    actor = organisation_actor({R, F}, {11})
    assert actor.may_act_for(11) and not actor.may_act_for(12)
    assert actor.may_act_for_package(11, ORG) and not actor.may_act_for_package(12, ORG)
    # a package opened under another administrator is not the user's
    assert not actor.may_act_for_package(11, OTHER_ORG)


def test_acting_for_all_administered_reaches_every_package_opened_under_the_organisation():
    """13 was administered by ORG when its package was opened (and is no longer): one acting
    for all reaches that package as well; never one opened under another administrator."""
    actor = organisation_actor({R, F, EVERY})
    assert actor.acts_for_all_administered
    assert actor.may_act_for_package(11, ORG) and actor.may_act_for_package(13, ORG)
    assert not actor.may_read_package(11, OTHER_ORG)
    town = Actor(
        user_id=4,
        roles=frozenset({Role.MUNICIPALITY}),
        municipality_id=TOWN,
        rights=frozenset({R, EVERY}),
    )
    assert not town.acts_for_all_administered


def test_reading_alone_reads_packages_but_neither_fills_in_nor_sends_them():
    reader = organisation_actor({R})
    assert reader.may_read_package(ORG, None) and not reader.may_act_for_package(ORG, None)
    filler = organisation_actor({F})
    assert filler.may_read_package(ORG, None) and filler.may_act_for_package(ORG, None)


def test_a_user_without_rights_reads_and_does_nothing():
    nobody = organisation_actor(set())
    assert not nobody.reads_packages
    assert not nobody.may_read_package(ORG, None)
    assert not nobody.may_act_for_package(ORG, None)
    assert not nobody.holds(S)


def test_lbf_holds_every_right_by_its_role():
    lbf = Actor(user_id=1, roles=frozenset({Role.LBF}))
    assert all(lbf.holds(right) for right in Right)
    assert lbf.may_act_for_package(ORG, None)
