"""Granting rights and inviting colleagues: nobody grants more than they hold, judged on the
rights stored when the grant is made; every change is audited; a refusal leaves nothing;
an invitation's one-time link gives its rights at first login, with the embedded login or
through SAML, and only while the inviter may still give them."""

import datetime as dt

import pytest
from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from app.models import (
    AppUser,
    AuditEntry,
    Invitation,
    MailMessage,
    Organisation,
    UserRight,
)
from app.rules.enums import Right
from app.security import actor_for, visible
from app.services import invitations, mail
from app.services import rights as service
from app.services.errors import Invalid, NotFound
from app.services.transitions import Refused
from tests.services.test_filling import actor, package_of

R, F, S, A = Right.READ, Right.FILL_AND_SEND, Right.STATISTICS, Right.LOCAL_ADMIN
EVERY = Right.ALL_ADMINISTERED
PASSWORD = "et-langt-kodeord"


def user(db, username) -> AppUser:
    db.session.expire_all()
    return db.session.scalar(select(AppUser).where(AppUser.username == username))


def organisation_id(db, number) -> int:
    return db.session.scalar(select(Organisation.id).where(Organisation.number == number))


def rights_of(db, username):
    return user(db, username).right_set


def audit_count(db) -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)))


def new_user(db, username, number, rights=()):
    """A user bound to an organisation as SAML's first login makes one: no right."""
    sm = current_app.appbuilder.sm
    made = sm.add_user(
        username=username,
        first_name=username.title(),
        last_name="Ny",
        email=f"{username}@example.dk",
        role=sm.find_role("Boligorganisation"),
        password=PASSWORD,
    )
    made.organisation_id = organisation_id(db, number)
    for right in rights:
        db.session.add(UserRight(user_id=made.id, right=right))
    db.session.commit()
    return made


# --- granting --------------------------------------------------------------------------------


def test_a_local_administrator_grants_a_colleague_a_right_and_the_change_is_audited(world, db):
    adm2 = user(db, "adm2")
    service.set_rights(
        actor(db, "adm"), adm2.id, ["READ", "FILL_AND_SEND", "STATISTICS", "LOCAL_ADMIN"], []
    )
    assert rights_of(db, "adm2") == {R, F, S, A}
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "AppUser", AuditEntry.entity_id == adm2.id)
    ).all()
    by_field = {e.field: (e.old_value, e.new_value, e.user.username) for e in entries}
    assert by_field == {
        "rights": (
            "READ,FILL_AND_SEND,STATISTICS",
            "READ,FILL_AND_SEND,STATISTICS,LOCAL_ADMIN",
            "adm",
        ),
        "acts_for": ("751 Aarhus Almene Boliger", "", "adm"),
    }


def test_a_refused_grant_changes_nothing_and_says_every_reason(world, db):
    adm2 = user(db, "adm2")
    before = audit_count(db)
    boadm = db.session.scalar(select(Organisation.id).where(Organisation.number == 462))
    with pytest.raises(Refused) as refused:
        service.set_rights(actor(db, "adm"), adm2.id, ["READ", "PROCESS"], [boadm])
    assert [v.code for v in refused.value.violations] == ["not_applicable", "not_administered"]
    assert rights_of(db, "adm2") == {R, F, S}
    assert user(db, "adm2").acts_for_ids == {organisation_id(db, 751)}
    assert audit_count(db) == before


def test_a_user_who_is_no_local_administrator_may_not_grant(world, db):
    with pytest.raises(Refused) as refused:
        service.set_rights(actor(db, "adm2"), user(db, "adm").id, ["READ"], [])
    assert [v.code for v in refused.value.violations] == ["not_local_admin"]
    # the demo's administrator of 900 acts for all 900 administers
    assert rights_of(db, "adm") == {R, F, S, A, EVERY}


def test_a_local_administrator_does_not_reach_another_organisations_users(world, db):
    with pytest.raises(NotFound):
        service.set_rights(actor(db, "bo"), user(db, "adm2").id, ["READ"], [])
    with pytest.raises(NotFound):
        service.user_for(actor(db, "kbh"), user(db, "roskilde").id)


def test_the_granters_rights_are_read_when_the_grant_is_made(world, db):
    """adm was a local administrator when its request began; LBF withdrew that meanwhile."""
    adm = actor(db, "adm")
    service.set_rights(actor(db, "lbf"), user(db, "adm").id, ["READ", "FILL_AND_SEND"], [])
    with pytest.raises(Refused) as refused:
        service.set_rights(adm, user(db, "adm2").id, ["READ"], [])
    assert [v.code for v in refused.value.violations] == ["not_local_admin"]
    assert rights_of(db, "adm2") == {R, F, S}


def test_withdrawing_an_administered_organisation_closes_its_packages(world, db):
    adm2 = user(db, "adm2")
    assert package_of(db, 751).id in {p.id for p in db.session.scalars(visible_packages(db))}
    service.set_rights(actor(db, "adm"), adm2.id, ["READ", "FILL_AND_SEND"], [])
    assert {p.organisation.number for p in db.session.scalars(visible_packages(db))} == {900}


def visible_packages(db):
    from app.models import Package

    return visible(Package, actor_for(user(db, "adm2")))


def test_lbf_appoints_the_first_local_administrator(world, db):
    made = new_user(db, "ny", 851)
    service.set_rights(actor(db, "lbf"), made.id, ["READ", "LOCAL_ADMIN"], [])
    assert rights_of(db, "ny") == {R, A}


# --- inviting --------------------------------------------------------------------------------


def invite(db, by="adm", email="ida.ny@example.dk", rights=("READ", "FILL_AND_SEND"), acts=None):
    acts = [organisation_id(db, 751)] if acts is None else acts
    return invitations.invite(actor(db, by), email, "Ida", "Ny", list(rights), acts)


def token_of(invitation):
    return invitations.token_for(invitation)


def test_an_invitation_is_mailed_with_a_one_time_link(world, db):
    invitation = invite(db)
    message = db.session.scalar(
        select(MailMessage).where(MailMessage.recipient == "ida.ny@example.dk")
    )
    assert message.subject == "Invitation til Almen styringsdialog"
    assert "Anders Dahl har inviteret dig" in message.body
    assert "900 Fælles Boligadministration" in message.body
    assert "- Læse dokumentationspakker" in message.body
    assert f"/invitation/{token_of(invitation)}" in message.body
    assert invitation.invited_by.username == "adm"


def test_the_invited_person_gets_the_rights_with_the_account_made_on_the_link(world, db):
    invitation = invite(db)
    made = invitations.accept(token_of(invitation), "ida", PASSWORD, PASSWORD)
    ida = user(db, "ida")
    assert (ida.id, ida.organisation_id, ida.municipality_id) == (
        made.id,
        organisation_id(db, 900),
        None,
    )
    assert [r.name for r in ida.roles] == ["Administrationsorganisation"]
    assert ida.right_set == {R, F}
    assert ida.acts_for_ids == {organisation_id(db, 751)}
    assert check_password_hash(ida.password, PASSWORD)
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).user_id == ida.id
    # the grant is the inviter's in the log
    grant = db.session.scalar(
        select(AuditEntry).where(AuditEntry.entity_id == ida.id, AuditEntry.field == "rights")
    )
    assert (grant.user.username, grant.new_value) == ("adm", "READ,FILL_AND_SEND")


def test_an_invitation_link_works_once(world, db):
    token = token_of(invite(db))
    invitations.accept(token, "ida", PASSWORD, PASSWORD)
    with pytest.raises(Invalid) as spent:
        invitations.accept(token, "ida2", PASSWORD, PASSWORD)
    assert spent.value.message == invitations.SPENT_LINK
    assert user(db, "ida2") is None


def test_a_forged_or_altered_link_opens_nothing(world, db):
    token = token_of(invite(db))
    for bad in ("not-a-token", token[:-2] + ("AA" if not token.endswith("AA") else "BB")):
        with pytest.raises(Invalid) as refused:
            invitations.open_invitation(bad)
        assert refused.value.message == invitations.INVALID_LINK


def test_an_expired_invitation_opens_nothing(world, db, monkeypatch):
    token = token_of(invite(db))
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=8)
    monkeypatch.setattr("app.services.invitations.now", lambda: later)
    with pytest.raises(Invalid):
        invitations.accept(token, "ida", PASSWORD, PASSWORD)
    assert user(db, "ida") is None


def test_a_refused_acceptance_makes_no_user_and_keeps_the_invitation_open(world, db):
    invitation = invite(db)
    with pytest.raises(Refused) as refused:
        invitations.accept(token_of(invitation), "adm2", "kort", "kort")
    assert [v.code for v in refused.value.violations] == ["username_taken", "password_short"]
    assert (
        db.session.scalar(
            select(func.count(AppUser.id)).where(AppUser.email == "ida.ny@example.dk")
        )
        == 0
    )
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).is_open


def test_an_invitation_is_void_once_the_inviter_may_no_longer_give_its_rights(world, db):
    token = token_of(invite(db))
    service.set_rights(actor(db, "lbf"), user(db, "adm").id, ["READ", "LOCAL_ADMIN"], [])
    with pytest.raises(Refused) as refused:
        invitations.accept(token, "ida", PASSWORD, PASSWORD)
    assert [v.code for v in refused.value.violations] == ["invitation_void"]
    assert user(db, "ida") is None


def test_nobody_invites_with_more_than_they_hold(world, db):
    with pytest.raises(Refused) as refused:
        invite(db, by="adm2", rights=["READ"])
    assert [v.code for v in refused.value.violations] == ["not_local_admin"]
    service.set_rights(
        actor(db, "lbf"), user(db, "adm2").id, ["READ", "LOCAL_ADMIN"], [organisation_id(db, 751)]
    )
    with pytest.raises(Refused) as refused:
        invite(db, by="adm2", rights=["READ", "STATISTICS"], acts=[organisation_id(db, 752)])
    assert [v.code for v in refused.value.violations] == [
        "right_not_held",
        "organisation_not_held",
    ]
    assert db.session.scalar(select(func.count(Invitation.id))) == 0
    assert db.session.scalar(select(func.count(MailMessage.id))) == 0


def test_an_address_in_use_is_not_invited_again(world, db):
    invite(db)
    for email in ("IDA.NY@example.dk", "adm2@demo.styringsdialog.dk"):
        with pytest.raises(Refused) as refused:
            invite(db, email=email)
        assert [v.code for v in refused.value.violations] == ["email_taken"]


def test_a_withdrawn_invitation_opens_nothing(world, db):
    invitation = invite(db)
    invitations.withdraw(actor(db, "adm"), invitation.id)
    with pytest.raises(Invalid):
        invitations.accept(token_of(invitation), "ida", PASSWORD, PASSWORD)
    with pytest.raises(NotFound):
        invitations.withdraw(actor(db, "bo"), invitation.id)


def test_lbf_invites_to_any_organisation_or_municipality(world, db):
    from app.models import Municipality

    kbh = db.session.scalar(select(Municipality.id).where(Municipality.code == 101))
    invitation = invitations.invite(
        actor(db, "lbf"), "ny@kk.dk", "Ny", "Kommune", ["READ", "PROCESS"], [], None, kbh
    )
    made = invitations.accept(token_of(invitation), "nykk", PASSWORD, PASSWORD)
    assert [r.name for r in made.roles] == ["Kommune"]
    assert user(db, "nykk").municipality_id == kbh


def test_a_saml_first_login_takes_the_open_invitation_to_its_address_and_affiliation(world, db):
    invite(db, email="saml@example.dk")
    # made at first login, bound to another organisation by its CVR: not this invitation
    stranger = new_user(db, "saml", 101)
    stranger.email = "saml@example.dk"
    db.session.commit()
    assert invitations.claim_for(stranger) is None
    assert rights_of(db, "saml") == frozenset()
    stranger.organisation_id = organisation_id(db, 900)
    db.session.commit()
    taken = invitations.claim_for(user(db, "saml"))
    assert taken is not None and taken.user_id == user(db, "saml").id
    assert rights_of(db, "saml") == {R, F}
    assert invitations.claim_for(user(db, "saml")) is None  # spent


# --- who hears of a package ------------------------------------------------------------------


def test_package_mail_reaches_the_users_who_may_read_the_package(world, db):
    new_user(db, "uden", 101)
    new_user(db, "laeser", 101, [R])
    assert mail.package_addresses(package_of(db, 101)) == [
        "bo@demo.styringsdialog.dk",
        "laeser@example.dk",
    ]
    assert mail.package_addresses(package_of(db, 751)) == [
        "adm2@demo.styringsdialog.dk",
        "adm@demo.styringsdialog.dk",
    ]
    assert mail.package_addresses(package_of(db, 752)) == ["adm@demo.styringsdialog.dk"]


# --- acting for every administered organisation ----------------------------------------------


def test_acting_for_all_administered_reaches_an_organisation_that_comes_under_it_later(
    world, db, app
):
    """851 comes under 900's administration after the grants were made, and 2027 is opened:
    adm, who acts for all 900 administers, reads and fills 851's package, hears of it, and
    may give it to adm2; adm2, granted 751 only, does none of it until then."""
    from app.models import Package
    from app.services.year_opening import open_year

    nord = db.session.get(Organisation, organisation_id(db, 851))
    nord.administered_by_id = organisation_id(db, 900)
    db.session.commit()
    open_year(2027, app.config["QUESTIONNAIRE_VERSION"])
    package = package_of(db, 851, year=2027)
    assert package.administered_by_id == organisation_id(db, 900)

    adm, adm2 = actor(db, "adm"), actor(db, "adm2")
    assert adm.may_act_for_package(nord.id, package.administered_by_id)
    assert package.id in {p.id for p in db.session.scalars(visible(Package, adm))}
    assert not adm2.may_read_package(nord.id, package.administered_by_id)
    assert package.id not in {p.id for p in db.session.scalars(visible(Package, adm2))}
    assert "adm@demo.styringsdialog.dk" in mail.package_addresses(package)
    assert "adm2@demo.styringsdialog.dk" not in mail.package_addresses(package)

    # adm holds 851 through acting for all, so may give it one by one
    service.set_rights(
        adm,
        user(db, "adm2").id,
        ["READ", "FILL_AND_SEND", "STATISTICS"],
        [
            organisation_id(db, 751),
            nord.id,
        ],
    )
    assert actor(db, "adm2").may_act_for_package(nord.id, package.administered_by_id)


def test_acting_for_all_administered_is_given_only_by_one_who_acts_for_all(world, db):
    """adm2 made local administrator for 751 only may not give acting for all; adm may."""
    adm2 = user(db, "adm2")
    service.set_rights(
        actor(db, "lbf"), adm2.id, ["READ", "LOCAL_ADMIN"], [organisation_id(db, 751)]
    )
    colleague = new_user(db, "kollega", 900)
    with pytest.raises(Refused) as refused:
        service.set_rights(actor(db, "adm2"), colleague.id, ["READ", "ALL_ADMINISTERED"], [])
    assert [v.code for v in refused.value.violations] == ["right_not_held"]
    service.set_rights(actor(db, "adm"), colleague.id, ["READ", "ALL_ADMINISTERED"], [])
    assert rights_of(db, "kollega") == {R, EVERY}
    assert actor(db, "kollega").organisation_ids == {
        organisation_id(db, n) for n in (900, 751, 752)
    }


def test_a_package_opened_under_the_administrator_stays_with_one_acting_for_all_after_a_move(
    world, db, app
):
    """751 leaves 900 after 2026 was opened, the change not yet applied to 2026: adm, acting
    for all 900 administers, still reads 751's 2026 package (opened under 900) and hears of
    it, as one granted 751 by name would; 751's own data is no longer adm's."""
    from app.models import Package
    from app.services.year_opening import open_year

    moved = db.session.get(Organisation, organisation_id(db, 751))
    moved.administered_by_id = None
    db.session.commit()
    package = package_of(db, 751)
    assert package.administered_by_id == organisation_id(db, 900)
    # granted one by one as well in the demo: withdraw that, to leave acting for all alone
    service.set_rights(
        actor(db, "lbf"), user(db, "adm").id, ["READ", "FILL_AND_SEND", "ALL_ADMINISTERED"], []
    )
    adm = actor(db, "adm")
    assert package.id in {p.id for p in db.session.scalars(visible(Package, adm))}
    assert adm.may_act_for_package(moved.id, package.administered_by_id)
    assert "adm@demo.styringsdialog.dk" in mail.package_addresses(package)
    assert not adm.may_act_for(moved.id)
    # 2027, opened after the move, is not 900's
    open_year(2027, app.config["QUESTIONNAIRE_VERSION"])
    later = package_of(db, 751, year=2027)
    assert later.administered_by_id is None
    assert later.id not in {p.id for p in db.session.scalars(visible(Package, adm))}
    assert "adm@demo.styringsdialog.dk" not in mail.package_addresses(later)


def test_an_invitation_is_withdrawn_only_by_one_who_is_local_administrator_when_it_is_done(
    world, db
):
    """adm's request began while adm was a local administrator; LBF withdrew that meanwhile."""
    invitation = invite(db)
    as_the_request_began = actor(db, "adm")
    service.set_rights(actor(db, "lbf"), user(db, "adm").id, ["READ", "FILL_AND_SEND"], [])
    with pytest.raises(Refused) as refused:
        invitations.withdraw(as_the_request_began, invitation.id)
    assert [v.code for v in refused.value.violations] == ["not_local_admin"]
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).is_open
