"""Login with MitID Erhverv through NemLog-in (OIOSAML 3), against a local identity provider
(tests/saml_idp.py, pysaml2): a good login for each kind of user, created at the first login
with no rights and bound to the body its CVR number names; every flawed answer refused with a
Danish message, nothing made and the attempt logged; single logout both ways; and password
login only where the configuration allows it.

The small demo world's CVR numbers: organisation 101 30010108, administration organisation
900 30090004, København (101) 29010102; LBF's own is configured as 11223344."""

import base64
import shutil

import pytest
from flask_appbuilder.const import AUTH_SAML
from onelogin.saml2.utils import OneLogin_Saml2_Utils
from sqlalchemy import select

from app.models import AppUser, AuditEntry, Municipality, Organisation
from tests import saml_idp
from tests.conftest import requires_service
from tests.saml_idp import LocalIdP, identity

LBF_CVR = "11223344"
FORM_URL = "/login/"


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    if shutil.which("xmlsec1") is None:
        requires_service("the tests' identity provider signs with xmlsec1 (scripts/install)")
    folder = tmp_path_factory.mktemp("nemlogin")
    for name in ("sp", "idp", "rogue"):
        saml_idp.make_key_pair(folder, name)
    (folder / "idp.xml").write_text(saml_idp.idp_metadata(folder))
    return folder


@pytest.fixture(scope="module")
def saml_app(app, keys):
    """The platform as production runs it with SAML on: AUTH_SAML, passwords for LBF's
    staff only, form tokens checked."""
    from app import create_app
    from config import TestConfig
    from tests.conftest import dispose_engines

    application = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        AUTH_TYPE=AUTH_SAML,
        PASSWORD_LOGIN="lbf",
        WTF_CSRF_ENABLED=True,
        PUBLIC_BASE_URL="http://localhost",
        SAML_SP_CERT_FILE=str(keys / "sp.crt"),
        SAML_SP_KEY_FILE=str(keys / "sp.key"),
        SAML_IDP_METADATA_FILE=str(keys / "idp.xml"),
        SAML_LBF_CVR=LBF_CVR,
    )
    yield application
    dispose_engines(application)


@pytest.fixture(scope="module")
def sp_metadata(saml_app):
    answer = saml_app.test_client().get("/saml/metadata/")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


@pytest.fixture(scope="module")
def idp(keys, sp_metadata):
    return LocalIdP(keys, sp_metadata)


@pytest.fixture
def browser(saml_app, world):
    return saml_app.test_client()


def post_answer(saml_app, response: str, relay: str = ""):
    """NemLog-in's page posts the answer from its own site: the browser sends no session
    cookie with it (SameSite=Lax), so a client without one posts it; the browser goes on
    with the cookie the answer sets."""
    browser = saml_app.test_client()
    answer = browser.post("/saml/acs/", data={"SAMLResponse": response, "RelayState": relay})
    return browser, answer


def relay_state(request) -> str:
    """What the identity provider hands back untouched: where the login began."""
    return request.query.get("RelayState", [""])[0]


def log_in(saml_app, idp, browser, next_url=None, **claims):
    request = idp.request_from(browser, next_url)
    response = idp.response(request.message.id, identity(**claims))
    return post_answer(saml_app, response, relay_state(request))


def page_after(browser, answer) -> str:
    assert answer.status_code == 302, answer.status_code
    return browser.get(answer.location, follow_redirects=True).get_data(as_text=True)


def nemlogin_users(db):
    db.session.expire_all()
    return db.session.scalars(select(AppUser).where(AppUser.username.like("nemlogin:%"))).all()


def refusals(db) -> list[str]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(AuditEntry.field).where(AuditEntry.action == "login_refused").order_by("id")
        )
    )


def logged_in_as(browser) -> str | None:
    """The user name the browser's session opens (a public page offers it "Log ud"), or
    None."""
    from flask import current_app

    from app.extensions import db

    if "Log ud" not in browser.get("/about/").get_data(as_text=True):
        return None
    app = browser.application
    cookie = browser.get_cookie("session")
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    assert current_app  # the test's own app context reads the database
    return db.session.get(AppUser, int(data["_user_id"])).username


# --- the service provider's side ----------------------------------------------------------------


def test_the_metadata_names_the_platform_its_certificate_and_endpoints(sp_metadata, keys):
    assert 'entityID="http://localhost/saml/metadata/"' in sp_metadata
    assert 'Location="http://localhost/saml/acs/"' in sp_metadata
    assert 'Location="http://localhost/saml/slo/"' in sp_metadata
    assert 'AuthnRequestsSigned="true"' in sp_metadata
    assert 'WantAssertionsSigned="true"' in sp_metadata
    certificate = "".join(
        line for line in (keys / "sp.crt").read_text().splitlines() if "CERTIFICATE" not in line
    )
    assert certificate in sp_metadata.replace("\n", "")


def test_the_authentication_request_is_signed_and_asks_for_substantial_at_least(idp, browser):
    request = idp.request_from(browser)
    assert request.query["SigAlg"] == ["http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"]
    assert request.query["Signature"]
    context = request.message.requested_authn_context
    assert context.comparison == "minimum"
    assert [ref.text for ref in context.authn_context_class_ref] == [
        "https://data.gov.dk/concept/core/nsis/loa/Substantial"
    ]


def test_the_login_page_offers_mitid_erhverv_and_passwords_to_lbf_only(browser):
    page = browser.get(FORM_URL).get_data(as_text=True)
    assert "Log ind med MitID Erhverv" in page
    assert 'href="/login/nemlogin"' in page
    assert "Kun for Landsbyggefondens medarbejdere." in page


# --- good logins --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cvr", "organisation", "municipality"),
    [
        ("30010108", 101, None),  # a housing organisation
        ("30090004", 900, None),  # an administration organisation
        ("29010102", None, 101),  # a municipality (København)
        (LBF_CVR, None, None),  # Landsbyggefonden itself
    ],
)
def test_a_first_login_makes_a_user_of_the_cvr_numbers_body_with_no_rights(
    saml_app, idp, browser, db, cvr, organisation, municipality
):
    you, answer = log_in(saml_app, idp, browser, cvr=cvr, subject="urn:uuid:first")
    page = page_after(you, answer)
    assert "Du er oprettet som bruger hos" in page
    (user,) = nemlogin_users(db)
    assert user.username == "nemlogin:urn:uuid:first"
    assert (user.first_name, user.last_name, user.email) == ("Mette", "Jensen", "first@mitid.test")
    expected_organisation = (
        db.session.scalar(select(Organisation.id).where(Organisation.number == organisation))
        if organisation
        else None
    )
    expected_municipality = (
        db.session.scalar(select(Municipality.id).where(Municipality.code == municipality))
        if municipality
        else None
    )
    assert (user.organisation_id, user.municipality_id) == (
        expected_organisation,
        expected_municipality,
    )
    # no rights until someone grants them: only the role anyone has without logging in
    assert [role.name for role in user.roles] == ["Public"]
    assert logged_in_as(you) == "nemlogin:urn:uuid:first"
    assert you.get("/packageview/list/").status_code == 403  # no package list for Public
    logged = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.user_id == user.id).order_by(AuditEntry.id)
    ).all()
    assert logged == ["nemlogin_user_created", "nemlogin_login"]


@pytest.mark.parametrize(
    ("cvr", "role"),
    [
        ("30010108", "Boligorganisation"),
        ("30090004", "Administrationsorganisation"),
        ("29010102", "Kommune"),
        (LBF_CVR, "LBF"),
    ],
)
def test_a_user_granted_a_role_logs_in_again_and_acts_in_it(saml_app, idp, browser, db, cvr, role):
    from flask_appbuilder.security.sqla.models import Role as RoleModel

    log_in(saml_app, idp, browser, cvr=cvr, subject="urn:uuid:granted")
    (user,) = nemlogin_users(db)
    # the grant (LBF in Stamdata → Brugere, or a local administrator)
    user.roles = [db.session.scalar(select(RoleModel).where(RoleModel.name == role))]
    db.session.commit()

    you, answer = log_in(
        saml_app,
        idp,
        saml_app.test_client(),
        next_url="/packageview/list/",
        cvr=cvr,
        subject="urn:uuid:granted",
    )
    assert answer.location == "/packageview/list/"  # back where the login began
    assert you.get("/packageview/list/").status_code == 200
    (again,) = nemlogin_users(db)
    assert [r.name for r in again.roles] == [role]  # the login keeps what was granted


# --- refused answers: a Danish message, nothing made, the attempt logged -------------------


def assert_refused(db, you, answer, message: str, code: str):
    assert answer.status_code == 302 and answer.location == "/login/"
    page = you.get("/login/").get_data(as_text=True)
    assert message in page
    assert nemlogin_users(db) == []
    assert refusals(db) == [code]
    assert logged_in_as(you) is None


@pytest.mark.parametrize(
    "posted",
    [
        base64.b64encode(b"<samlp:Response").decode(),  # XML cut off
        base64.b64encode(b"not xml at all").decode(),
        "%%% not base64 %%%",
    ],
)
def test_an_unreadable_answer_is_refused_in_danish(saml_app, browser, db, posted):
    you, answer = post_answer(saml_app, posted)
    assert_refused(
        db, you, answer, "Login afvist: svaret fra NemLog-in kunne ikke godkendes.", "not_accepted"
    )


def test_an_answer_meant_for_another_service_is_refused(saml_app, idp, browser, db):
    request = idp.request_from(browser)
    response = idp.response(request.message.id, identity(), audience=saml_idp.OTHER_SP)
    you, answer = post_answer(saml_app, response)
    assert_refused(
        db,
        you,
        answer,
        "Login afvist: svaret fra NemLog-in er udstedt til en anden tjeneste.",
        "wrong_audience",
    )


def test_an_answer_from_another_identity_provider_is_refused(
    saml_app, keys, sp_metadata, db, browser
):
    # signed with NemLog-in's own key, but naming another issuer
    impostor = LocalIdP(keys, sp_metadata, entity_id="https://idp.andet.example/")
    request = impostor.request_from(browser)
    you, answer = post_answer(saml_app, impostor.response(request.message.id, identity()))
    assert_refused(
        db, you, answer, "Login afvist: svaret kommer ikke fra NemLog-in.", "wrong_issuer"
    )


def test_an_expired_answer_is_refused(saml_app, idp, browser, db, monkeypatch):
    request = idp.request_from(browser)
    response = idp.response(request.message.id, identity())
    # it arrives two hours later (past its five minutes and the library's clock drift)
    later = OneLogin_Saml2_Utils.now() + 2 * 3600
    monkeypatch.setattr(OneLogin_Saml2_Utils, "now", staticmethod(lambda: later))
    you, answer = post_answer(saml_app, response)
    assert_refused(
        db,
        you,
        answer,
        "Login afvist: svaret fra NemLog-in er udløbet. Prøv at logge ind igen.",
        "expired",
    )


def test_an_answer_not_yet_valid_is_refused(saml_app, idp, browser, db, monkeypatch):
    request = idp.request_from(browser)
    response = idp.response(request.message.id, identity())
    # the identity provider's clock runs two hours ahead of the platform's
    earlier = OneLogin_Saml2_Utils.now() - 2 * 3600
    monkeypatch.setattr(OneLogin_Saml2_Utils, "now", staticmethod(lambda: earlier))
    you, answer = post_answer(saml_app, response)
    assert_refused(
        db,
        you,
        answer,
        "Login afvist: svaret fra NemLog-in er endnu ikke gyldigt.",
        "not_yet_valid",
    )


BAD_SIGNATURE = (
    "Login afvist: svaret fra NemLog-in er ikke underskrevet, eller underskriften er forkert."
)


def test_an_unsigned_answer_is_refused(saml_app, idp, browser, db, monkeypatch):
    # sent in the clear, so that the signature alone is judged (pysaml2 encrypts only what it
    # signed; an unsigned encrypted assertion meets the same check after decryption)
    security = saml_app.config["SAML_CONFIG"]["security"]
    monkeypatch.setitem(security, "wantAssertionsEncrypted", False)
    request = idp.request_from(browser)
    response = idp.response(request.message.id, identity(), sign=False, encrypt=False)
    you, answer = post_answer(saml_app, response)
    assert_refused(db, you, answer, BAD_SIGNATURE, "bad_signature")


def test_an_answer_signed_with_another_key_is_refused(saml_app, keys, sp_metadata, browser, db):
    forger = LocalIdP(keys, sp_metadata, key="rogue")
    request = forger.request_from(browser)
    you, answer = post_answer(saml_app, forger.response(request.message.id, identity()))
    assert_refused(db, you, answer, BAD_SIGNATURE, "bad_signature")


def test_a_replayed_answer_is_refused(saml_app, idp, browser, db):
    request = idp.request_from(browser)
    response = idp.response(request.message.id, identity())
    first, answer = post_answer(saml_app, response, relay_state(request))
    assert answer.location == "/"
    first.get("/logout/")
    (made,) = nemlogin_users(db)
    # the same answer again, from anywhere: the request it answers is used up
    again, answer = post_answer(saml_app, response)
    assert answer.location == "/login/"
    assert "Login afvist: svaret fra NemLog-in er allerede brugt eller for gammelt." in (
        again.get("/login/").get_data(as_text=True)
    )
    assert refusals(db) == ["used_request"]
    assert logged_in_as(again) is None
    assert [u.id for u in nemlogin_users(db)] == [made.id]


def test_an_answer_to_a_request_never_sent_from_here_is_refused(saml_app, idp, browser, db):
    response = idp.response("ONELOGIN_never_sent_from_here", identity())
    you, answer = post_answer(saml_app, response)
    assert_refused(
        db,
        you,
        answer,
        "Login afvist: svaret fra NemLog-in hører ikke til et login, der er startet her.",
        "unknown_request",
    )


def test_an_answer_to_a_request_older_than_its_lifetime_is_refused(saml_app, idp, browser, db):
    import datetime as dt

    from app.models import SamlAuthnRequest

    request = idp.request_from(browser)
    stored = db.session.get(SamlAuthnRequest, request.message.id)
    stored.issued_at -= dt.timedelta(minutes=16)
    db.session.commit()
    you, answer = post_answer(saml_app, idp.response(request.message.id, identity()))
    assert answer.location == "/login/"
    assert refusals(db) == ["used_request"]
    assert nemlogin_users(db) == []


def test_a_login_with_assurance_level_low_is_refused(saml_app, idp, browser, db):
    you, answer = log_in(saml_app, idp, browser, loa="Low")
    assert_refused(
        db,
        you,
        answer,
        "Login afvist: loginet har sikringsniveau Lav, og platformen kræver mindst Betydelig.",
        "loa_too_low",
    )


def test_a_login_at_level_high_is_let_in(saml_app, idp, browser, db):
    you, answer = log_in(saml_app, idp, browser, loa="High")
    assert answer.location == "/"
    assert logged_in_as(you) == "nemlogin:urn:uuid:0001"
    assert len(nemlogin_users(db)) == 1


def test_a_login_without_a_cvr_number_is_refused(saml_app, idp, browser, db):
    you, answer = log_in(saml_app, idp, browser, cvr=None)
    assert_refused(
        db,
        you,
        answer,
        "Login afvist: loginet oplyser intet CVR-nummer. Log ind med MitID Erhverv for din "
        "organisation eller kommune.",
        "cvr_missing",
    )


def test_a_login_with_the_cvr_number_of_no_known_body_is_refused(saml_app, idp, browser, db):
    you, answer = log_in(saml_app, idp, browser, cvr="87654321")
    assert_refused(
        db,
        you,
        answer,
        "Login afvist: CVR-nummeret 87654321 hører ikke til en organisation eller kommune på "
        "platformen. Kontakt Landsbyggefonden.",
        "unknown_cvr",
    )


def test_a_user_made_for_one_organisation_is_refused_under_another_cvr(saml_app, idp, browser, db):
    log_in(saml_app, idp, browser, cvr="30010108", subject="urn:uuid:moved")
    you, answer = log_in(
        saml_app, idp, saml_app.test_client(), cvr="30090004", subject="urn:uuid:moved"
    )
    assert answer.location == "/login/"
    assert "hører til en anden organisation eller kommune end CVR-nummeret 30090004" in (
        you.get("/login/").get_data(as_text=True)
    )
    assert refusals(db) == ["other_affiliation"]


# --- single logout ----------------------------------------------------------------------------


def test_logging_out_here_logs_out_at_nemlogin_too(saml_app, idp, browser, db):
    you, answer = log_in(saml_app, idp, browser, subject="urn:uuid:leaving")
    assert logged_in_as(you) == "nemlogin:urn:uuid:leaving"
    cookie = you.get_cookie("session").value
    to_slo = you.get("/logout/")
    assert to_slo.location == "/saml/slo/"
    to_idp = you.get(to_slo.location)
    assert to_idp.location.startswith(saml_idp.SLO_URL + "?")
    import urllib.parse

    query = urllib.parse.parse_qs(urllib.parse.urlparse(to_idp.location).query)
    assert query["Signature"]
    from saml2 import BINDING_HTTP_REDIRECT

    request = idp.server.parse_logout_request(query["SAMLRequest"][0], BINDING_HTTP_REDIRECT)
    assert request.message.name_id.text == "urn:uuid:leaving"
    # the old session cookie opens nothing any more
    stolen = saml_app.test_client()
    stolen.set_cookie("session", cookie)
    assert logged_in_as(stolen) is None


def test_a_signed_logout_request_from_nemlogin_logs_the_person_out(saml_app, idp, browser):
    you, _answer = log_in(saml_app, idp, browser, subject="urn:uuid:leaving")
    answer = you.get(idp.logout_request_url("urn:uuid:leaving"))
    assert answer.status_code == 302
    assert answer.location.startswith(saml_idp.SLO_URL + "?SAMLResponse=")
    assert logged_in_as(you) is None


def test_an_unsigned_logout_request_logs_no_one_out(saml_app, idp, browser):
    you, _answer = log_in(saml_app, idp, browser, subject="urn:uuid:staying")
    answer = you.get(idp.logout_request_url("urn:uuid:staying", sign=False))
    assert answer.status_code == 400
    assert logged_in_as(you) == "nemlogin:urn:uuid:staying"


def test_a_logout_request_for_another_person_leaves_this_session(saml_app, idp, browser):
    you, _answer = log_in(saml_app, idp, browser, subject="urn:uuid:staying")
    you.get(idp.logout_request_url("urn:uuid:someone-else"))
    assert logged_in_as(you) == "nemlogin:urn:uuid:staying"


# --- passwords ----------------------------------------------------------------------------------


def password_login(client, username: str):
    page = client.get(FORM_URL).get_data(as_text=True)
    field = 'name="csrf_token" type="hidden" value="'
    token = page.split(field, 1)[1].split('"', 1)[0] if field in page else ""
    return client.post(
        FORM_URL, data={"username": username, "password": "demo", "csrf_token": token}
    )


def test_lbfs_staff_log_in_with_a_password(saml_app, browser):
    answer = password_login(browser, "lbf")
    assert answer.status_code == 302 and answer.location != "/login/"
    assert logged_in_as(browser) == "lbf"


@pytest.mark.parametrize("username", ["bo", "adm", "kbh"])
def test_no_one_else_logs_in_with_a_password_when_saml_is_on(saml_app, browser, username):
    answer = password_login(browser, username)
    assert answer.location.startswith("/login/")
    assert logged_in_as(browser) is None


def test_with_passwords_off_no_one_logs_in_with_one(saml_app, browser, monkeypatch):
    monkeypatch.setitem(saml_app.config, "PASSWORD_LOGIN", "none")
    monkeypatch.setitem(saml_app.config, "WTF_CSRF_ENABLED", False)
    page = browser.get(FORM_URL).get_data(as_text=True)
    assert "Log ind med MitID Erhverv" in page
    assert 'name="password"' not in page
    answer = browser.post(FORM_URL, data={"username": "lbf", "password": "demo"})
    assert answer.status_code == 404
    assert logged_in_as(browser) is None


def test_the_demo_world_may_keep_passwords_for_everyone(saml_app, browser, monkeypatch):
    monkeypatch.setitem(saml_app.config, "PASSWORD_LOGIN", "all")
    answer = password_login(browser, "bo")
    assert answer.location != "/login/"
    assert logged_in_as(browser) == "bo"


def test_a_colleague_invited_by_a_local_administrator_gets_the_rights_at_the_first_login(
    saml_app, idp, browser, db
):
    """bo, local administrator of 101, invites first@mitid.test to read and fill in; the
    colleague's first login with MitID Erhverv under 101's CVR number takes the invitation."""
    from app.models import UserRight
    from app.security import actor_for
    from app.services import invitations

    bo = db.session.scalar(select(AppUser).where(AppUser.username == "bo"))
    invitations.invite(
        actor_for(bo),
        "first@mitid.test",
        "Mette",
        "Jensen",
        ["READ", "FILL_AND_SEND"],
        [],
    )
    db.session.commit()
    you, answer = log_in(saml_app, idp, browser, cvr="30010108", subject="urn:uuid:first")
    page = page_after(you, answer)
    assert "Du er logget ind med de rettigheder, du blev inviteret med." in page
    (user,) = nemlogin_users(db)
    assert [role.name for role in user.roles] == ["Boligorganisation"]
    granted = set(db.session.scalars(select(UserRight.right).where(UserRight.user_id == user.id)))
    assert {r.value for r in granted} == {"READ", "FILL_AND_SEND"}
    assert you.get("/packageview/list/").status_code == 200


def test_a_refused_level_is_named_in_the_readers_language(saml_app):
    from flask_babel import force_locale

    from app.rules.nemlogin import read_claims
    from app.views.login import _message

    refusal = read_claims(
        {"https://data.gov.dk/concept/core/nsis/loa": ["Low"]}, "urn:uuid:x", "Substantial"
    )
    with saml_app.test_request_context("/"), force_locale("en"):
        text = _message(refusal)
    assert "Low" in text and "Substantial" in text and "Betydelig" not in text
