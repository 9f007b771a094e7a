"""Brugere og rettigheder through the screens, as every role: who opens it, whom each sees,
granting and refusing in Danish; and each right enforced where it is used (filling in,
sending, processing, statistics), refused in Danish with nothing saved; and the invited
person's page."""

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.models import Answer, AppUser, Invitation, Organisation, Package, UserRight
from app.rules.enums import PackageStatus, Right
from app.services import invitations
from tests.conftest import estate_form_id
from tests.services.test_dialogue import complete_101  # noqa: F401
from tests.services.test_filling import package_of

PASSWORD = "et-langt-kodeord"
ADMINISTRATORS = ["lbf", "bo", "boadm", "adm", "nord", "kbh", "roskilde", "aarhus"]
# whom each user sees on the screen (written out from the demo world)
SEES = {
    "lbf": {"Bo Hansen", "Birthe Olsen", "Anders Dahl", "Ida Iversen", "Niels Nord", "Karen Bach"},
    "bo": {"Bo Hansen"},
    "adm": {"Anders Dahl", "Ida Iversen"},
    "kbh": {"Karen Bach"},
}
EVERYONE = {"Bo Hansen", "Birthe Olsen", "Anders Dahl", "Ida Iversen", "Niels Nord", "Karen Bach"}


def user_id(db, username) -> int:
    return db.session.scalar(select(AppUser.id).where(AppUser.username == username))


def rights_of(db, username):
    db.session.expire_all()
    return db.session.scalar(select(AppUser).where(AppUser.username == username)).right_set


def colleague(db, username, number=101, rights=(), role="Boligorganisation", municipality=None):
    """A user bound to an organisation (or a municipality) with exactly these rights."""
    sm = current_app.appbuilder.sm
    made = sm.add_user(
        username=username,
        first_name=username.title(),
        last_name="Kollega",
        email=f"{username}@example.dk",
        role=sm.find_role(role),
        password="demo",
    )
    if municipality is None:
        made.organisation_id = db.session.scalar(
            select(Organisation.id).where(Organisation.number == number)
        )
    else:
        from app.models import Municipality

        made.municipality_id = db.session.scalar(
            select(Municipality.id).where(Municipality.code == municipality)
        )
    for right in rights:
        db.session.add(UserRight(user_id=made.id, right=right))
    db.session.commit()
    return username


# --- the screen --------------------------------------------------------------------------


@pytest.mark.parametrize("username", ADMINISTRATORS)
def test_every_local_administrator_and_lbf_open_the_rights_screen(world, login_as, username):
    client = login_as(username)
    assert client.get("/rights/").status_code == 200
    assert client.get("/rights/invite").status_code == 200
    # the header leads there
    assert 'id="user-rights-link"' in client.get("/overview/").get_data(as_text=True)


def test_a_user_who_is_no_local_administrator_is_refused_in_danish(world, db, login_as):
    client = login_as("adm2")
    for url in ("/rights/", "/rights/invite", f"/rights/{user_id(db, 'adm2')}"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Kun en lokal administrator kan se og ændre brugernes rettigheder." in (
            response.get_data(as_text=True)
        )
    assert 'id="user-rights-link"' not in client.get("/overview/").get_data(as_text=True)


def test_nobody_logged_out_reaches_the_rights_screen(world, client):
    response = client.get("/rights/")
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize("username", sorted(SEES))
def test_each_sees_the_users_of_its_own_organisation_or_municipality_only(
    world, login_as, username
):
    page = login_as(username).get("/rights/").get_data(as_text=True)
    shown = {name for name in EVERYONE if name in page}
    assert shown == SEES[username]


def test_a_foreign_users_rights_page_is_not_found(world, db, login_as):
    client = login_as("bo")
    assert client.get(f"/rights/{user_id(db, 'adm2')}").status_code == 404
    response = client.post(f"/rights/{user_id(db, 'adm2')}", data={"rights": ["READ"]})
    assert response.status_code == 404
    assert rights_of(db, "adm2") == {Right.READ, Right.FILL_AND_SEND, Right.STATISTICS}


def test_a_local_administrator_grants_through_the_screen_and_sees_the_change_logged(
    world, db, login_as
):
    client = login_as("adm")
    adm2 = user_id(db, "adm2")
    response = client.post(
        f"/rights/{adm2}", data={"rights": ["READ", "FILL_AND_SEND", "LOCAL_ADMIN"]}
    )
    assert response.status_code == 302
    assert rights_of(db, "adm2") == {Right.READ, Right.FILL_AND_SEND, Right.LOCAL_ADMIN}
    page = client.get(f"/rights/{adm2}").get_data(as_text=True)
    assert "Rettighederne for Ida Iversen er gemt." in page
    history = page[page.index('id="rights-history"') :]
    assert "Anders Dahl" in history and "Lokal administrator" in history
    assert "751 Aarhus Almene Boliger" in history  # the administered organisation withdrawn


def test_acting_for_all_administered_stands_first_among_the_administered_organisations(
    world, db, login_as
):
    """adm's organisation administers 751 and 752: acting for all of them, also those to
    come, is offered above them and given through the screen; bo's organisation administers
    none, so bo is not offered it."""
    client = login_as("adm")
    adm2 = user_id(db, "adm2")
    page = client.get(f"/rights/{adm2}").get_data(as_text=True)
    rights_part = page[page.index('id="rights-fieldset"') : page.index('id="acts-for-fieldset"')]
    acts_for_part = page[page.index('id="acts-for-fieldset"') :]
    assert "right-ALL_ADMINISTERED" not in rights_part
    assert acts_for_part.index('id="right-ALL_ADMINISTERED"') < acts_for_part.index("751 Aarhus")
    assert "også dem, der kommer til" in acts_for_part
    response = client.post(
        f"/rights/{adm2}", data={"rights": ["READ", "FILL_AND_SEND", "ALL_ADMINISTERED"]}
    )
    assert response.status_code == 302
    assert rights_of(db, "adm2") == {Right.READ, Right.FILL_AND_SEND, Right.ALL_ADMINISTERED}
    colleague(db, "kollega", number=101)
    page = login_as("bo").get(f"/rights/{user_id(db, 'kollega')}").get_data(as_text=True)
    assert "ALL_ADMINISTERED" not in page


def test_an_administered_organisation_that_is_no_row_id_is_a_bad_request(world, db, login_as):
    client = login_as("adm")
    adm2 = user_id(db, "adm2")
    for bad in ("abc", "-3", "0", "99999999999999999999"):
        response = client.post(f"/rights/{adm2}", data={"rights": ["READ"], "acts_for": [bad]})
        assert response.status_code == 400, bad
    assert rights_of(db, "adm2") == {Right.READ, Right.FILL_AND_SEND, Right.STATISTICS}


def test_a_refused_grant_says_why_in_danish_and_saves_nothing(world, db, login_as):
    client = login_as("adm")
    response = client.post(f"/rights/{user_id(db, 'adm2')}", data={"rights": ["READ", "PROCESS"]})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert (
        "Rettigheden »Behandle dokumentationspakker (frister, retur, møde, redegørelse)« kan "
        "ikke gives til en bruger med denne tilknytning." in page
    )
    assert rights_of(db, "adm2") == {Right.READ, Right.FILL_AND_SEND, Right.STATISTICS}


def test_a_local_administrator_cannot_change_its_own_rights(world, db, login_as):
    client = login_as("bo")
    page = client.get(f"/rights/{user_id(db, 'bo')}").get_data(as_text=True)
    assert "Du kan ikke ændre dine egne rettigheder." in page
    response = client.post(f"/rights/{user_id(db, 'bo')}", data={"rights": ["READ"]})
    assert response.status_code == 422
    assert len(rights_of(db, "bo")) == 4


def test_a_right_the_administrator_does_not_hold_is_shown_locked(world, db, login_as):
    colleague(db, "chef", rights=[Right.READ, Right.LOCAL_ADMIN])
    colleague(db, "statistiker", rights=[Right.STATISTICS])
    client = login_as("chef")
    page = client.get(f"/rights/{user_id(db, 'statistiker')}").get_data(as_text=True)
    assert 'id="right-STATISTICS" name="rights" value="STATISTICS" checked disabled' in page
    # posting the form as it is keeps the right the administrator may not touch
    response = client.post(
        f"/rights/{user_id(db, 'statistiker')}", data={"rights": ["STATISTICS", "READ"]}
    )
    assert response.status_code == 302
    assert rights_of(db, "statistiker") == {Right.STATISTICS, Right.READ}


def test_lbf_lists_one_organisation_or_municipality_at_a_time(world, db, login_as):
    client = login_as("lbf")
    number_900 = db.session.scalar(select(Organisation.id).where(Organisation.number == 900))
    page = client.get(f"/rights/?organisation={number_900}").get_data(as_text=True)
    assert {n for n in EVERYONE if n in page} == {"Anders Dahl", "Ida Iversen"}
    assert client.get("/rights/?organisation=x").status_code == 400


# --- invitations through the screens -----------------------------------------------------


def test_an_invited_colleague_makes_an_account_on_the_link_and_gets_the_rights(
    world, db, client, login_as
):
    admin = login_as("adm")
    seven_five_one = db.session.scalar(select(Organisation.id).where(Organisation.number == 751))
    response = admin.post(
        "/rights/invite",
        data={
            "email": "ny@example.dk",
            "first_name": "Nina",
            "last_name": "Ny",
            "rights": ["READ", "FILL_AND_SEND"],
            "acts_for": [str(seven_five_one)],
        },
    )
    assert response.status_code == 302
    page = admin.get("/rights/").get_data(as_text=True)
    assert "Invitationen er sendt til ny@example.dk" in page and "Nina Ny" in page
    admin.get("/logout/")

    token = invitations.token_for(db.session.scalar(select(Invitation)))
    page = client.get(f"/invitation/{token}").get_data(as_text=True)
    assert "900 Fælles Boligadministration" in page and "Læse dokumentationspakker" in page
    refused = client.post(
        f"/invitation/{token}",
        data={"username": "nina", "password": "kort", "confirmation": "kort"},
    )
    assert refused.status_code == 422
    assert "Adgangskoden skal have mindst 12 tegn." in refused.get_data(as_text=True)
    made = client.post(
        f"/invitation/{token}",
        data={"username": "nina", "password": PASSWORD, "confirmation": PASSWORD},
    )
    assert made.status_code == 302 and "/login" in made.location
    assert client.get(f"/invitation/{token}").status_code == 404  # the link is spent

    client.post("/login/", data={"username": "nina", "password": PASSWORD})
    packages = client.get("/api/v1/package/?q=(page_size:100)").json["ids"]
    numbers = {db.session.get(Package, i).organisation.number for i in packages}
    assert numbers == {900, 751}


def test_a_forged_invitation_link_is_refused_in_danish(world, client):
    response = client.get("/invitation/forfalsket")
    assert response.status_code == 404
    assert "Linket er ugyldigt eller udløbet" in response.get_data(as_text=True)
    posted = client.post(
        "/invitation/forfalsket",
        data={"username": "x", "password": PASSWORD, "confirmation": PASSWORD},
    )
    assert posted.status_code == 404


def test_a_refused_invitation_keeps_what_was_typed_and_sends_nothing(world, db, login_as):
    client = login_as("adm2")
    assert client.post("/rights/invite", data={"email": "a@b.dk"}).status_code == 403
    client = login_as("bo")
    response = client.post(
        "/rights/invite",
        data={"email": "ugyldig", "first_name": "Ole", "last_name": "", "rights": []},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    for message in (
        "Skriv en gyldig e-mailadresse",
        "Skriv efternavnet.",
        "Vælg mindst én rettighed til den inviterede.",
    ):
        assert message in page
    assert 'value="Ole"' in page
    assert db.session.scalar(select(func.count(Invitation.id))) == 0


# --- each right where it is used ---------------------------------------------------------


def test_a_user_without_rights_sees_no_package_organisation_or_statistics(world, db, login_as):
    client = login_as(colleague(db, "ny"))
    assert client.get("/api/v1/package/?q=(page_size:100)").json["count"] == 0
    assert client.get("/api/v1/organisation/?q=(page_size:100)").json["count"] == 0
    assert client.get("/api/v1/estate/?q=(page_size:100)").json["count"] == 0
    assert client.get(f"/package/{package_of(db, 101).id}/").status_code == 404
    assert client.get("/statistics/").status_code == 403
    page = client.get("/overview/").get_data(as_text=True)
    assert "Du har endnu ingen rettigheder." in page


def test_reading_alone_shows_the_package_but_refuses_every_save(world, db, login_as):
    client = login_as(colleague(db, "laeser", rights=[Right.READ]))
    form_id = estate_form_id(db)
    assert client.get(f"/package/{package_of(db, 101).id}/").status_code == 200
    response = client.post(
        f"/form/{form_id}/answers",
        json={"key": "a_challenges", "value": True, "version": 0, "request_id": "r1"},
    )
    assert response.status_code == 409
    assert response.json["message"] == "Du kan ikke redigere denne dokumentationspakke."
    assert db.session.scalar(select(func.count(Answer.id))) == 0


def test_filling_in_saves_answers(world, db, login_as):
    client = login_as(colleague(db, "udfylder", rights=[Right.FILL_AND_SEND]))
    response = client.post(
        f"/form/{estate_form_id(db)}/answers",
        json={"key": "a_challenges", "value": True, "version": 0, "request_id": "r1"},
    )
    assert response.status_code == 200


def test_reading_alone_does_not_send_a_complete_package(complete_101, db, login_as):  # noqa: F811
    client = login_as(colleague(db, "laeser", rights=[Right.READ, Right.STATISTICS]))
    page = client.get(f"/package/{complete_101}/").get_data(as_text=True)
    assert f"/package/{complete_101}/submit" not in page  # no Fremsend button
    response = client.post(f"/package/{complete_101}/submit", follow_redirects=True)
    assert "Du kan ikke udføre denne handling på denne dokumentationspakke." in (
        response.get_data(as_text=True)
    )
    db.session.expire_all()
    assert db.session.get(Package, complete_101).status == PackageStatus.COMPLETE


def test_statistics_open_only_with_the_right(world, db, login_as):
    client = login_as(colleague(db, "laeser", rights=[Right.READ]))
    for url in ("/statistics/", "/statistics/excel"):
        response = client.get(url)
        assert response.status_code == 403
        assert "Du har ikke rettighed til at se statistik." in response.get_data(as_text=True)
    assert "/statistics/" not in client.get("/overview/").get_data(as_text=True)
    client = login_as(colleague(db, "tal", rights=[Right.STATISTICS]))
    assert client.get("/statistics/").status_code == 200


def test_a_municipality_user_who_only_reads_sets_no_deadline(world, db, login_as):
    client = login_as(
        colleague(db, "kbhlaeser", rights=[Right.READ], role="Kommune", municipality=101)
    )
    package = package_of(db, 101)
    page = client.get("/overview/").get_data(as_text=True)
    assert package.organisation.name in page and 'id="notification-form"' not in page
    response = client.post(
        "/overview/deadlines",
        data={"package": [str(package.id)], "deadline": "01-12-2026"},
        follow_redirects=True,
    )
    assert "Du har ikke rettighed til at behandle dokumentationspakker." in (
        response.get_data(as_text=True)
    )
    api = client.put(f"/api/v1/package/{package.id}", json={"deadline": "2026-12-01"})
    assert api.status_code == 403
    assert api.json["message"] == "Du har ikke rettighed til at behandle dokumentationspakker."
    db.session.expire_all()
    assert db.session.get(Package, package.id).deadline is None


def test_a_municipality_user_without_the_reading_right_sees_no_package(world, db, login_as):
    client = login_as(colleague(db, "kbhny", role="Kommune", municipality=101))
    assert client.get("/api/v1/package/?q=(page_size:100)").json["count"] == 0
    assert client.get("/api/v1/organisation/?q=(page_size:100)").json["count"] == 0
    assert client.get("/api/v1/estate/?q=(page_size:100)").json["count"] == 0
    client = login_as(
        colleague(db, "kbhtal", rights=[Right.STATISTICS], role="Kommune", municipality=101)
    )
    assert client.get("/api/v1/package/?q=(page_size:100)").json["count"] == 0
    assert client.get("/api/v1/organisation/?q=(page_size:100)").json["count"] > 0
    assert client.get("/statistics/").status_code == 200


def test_the_overview_lists_the_administered_organisations_the_user_was_granted(world, login_as):
    page = login_as("adm2").get("/overview/").get_data(as_text=True)
    assert "751 Aarhus Almene Boliger" in page
    assert "Jysk Boligforening" not in page
