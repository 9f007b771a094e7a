"""The login page with SAML on: MitID Erhverv through NemLog-in for everyone, and a password
form only where the configuration allows it (LBF's staff; everyone in the demo world).

The assertion consumer (`/saml/acs/`) is posted to by NemLog-in from another site: the
browser sends no session cookie with it (SameSite=Lax), so nothing it needs is kept in the
session: the request it answers is in the database, the page to return to in RelayState."""

from __future__ import annotations

import logging

from flask import abort, current_app, flash, g, redirect, request, session, url_for
from flask_appbuilder._compat import as_unicode
from flask_appbuilder.security.decorators import no_cache
from flask_appbuilder.security.forms import LoginForm_db
from flask_appbuilder.security.views import AuthSAMLView
from flask_appbuilder.utils.base import get_safe_redirect
from flask_appbuilder.views import expose
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user

from app import saml
from app.rules.nemlogin import read_claims
from app.rules.violations import Violation
from app.services import invitations, nemlogin
from app.services.nemlogin import LoginRefused

log = logging.getLogger(__name__)


def password_login() -> str:
    """Who may log in with a password: all, lbf or none."""
    policy = current_app.config.get("PASSWORD_LOGIN", "all")
    return policy if policy in ("all", "lbf", "none") else "none"


def _message(violation: Violation) -> str:
    """A refusal in the user's language, the assurance levels it names included."""
    params = {
        key: gettext(value) if key in ("level", "minimum") else value
        for key, value in violation.params_dict().items()
    }
    return gettext(violation.message, **params)


class NemLogInAuthView(AuthSAMLView):
    login_template = "login.html"
    title = _l("Log ind")

    @expose("/login/", methods=["GET", "POST"])
    @expose("/login/<idp>")
    @no_cache
    def login(self, idp: str | None = None):
        if g.user is not None and g.user.is_authenticated:
            return redirect(self._get_safe_next_url())
        sm = self.appbuilder.sm
        if idp is not None:
            if sm.get_saml_provider(idp) is None:
                abort(404)
            return self._start(idp)
        policy = password_login()
        form = LoginForm_db() if policy != "none" else None
        if request.method == "POST":
            if form is None:
                abort(404)
            if form.validate_on_submit():
                next_url = get_safe_redirect(request.args.get("next", ""))
                user = sm.auth_user_db(form.username.data, form.password.data)
                if not user:
                    flash(as_unicode(self.invalid_login_message), "warning")
                    return redirect(self.appbuilder.get_url_for_login_with(next_url))
                login_user(user, remember=False)
                return redirect(next_url)
        return self.render_template(
            self.login_template,
            title=self.title,
            form=form,
            password_login=policy,
            providers=sm.saml_providers,
            next=request.args.get("next", ""),
            appbuilder=self.appbuilder,
        )

    def _start(self, idp: str):
        """Send the browser to NemLog-in with a signed authentication request, remembered
        in the database; the page to come back to travels as RelayState."""
        asked = request.args.get("next")
        next_url = get_safe_redirect(asked) if asked else self.appbuilder.get_url_for_index
        auth = self.appbuilder.sm._get_saml_auth(idp)
        url = auth.login(return_to=next_url)
        nemlogin.remember_request(auth.get_last_request_id())
        return redirect(url)

    @expose("/saml/acs/", methods=["POST"])
    @no_cache
    def acs(self):
        sm = self.appbuilder.sm
        cvr = None
        try:
            checked = saml.check_response(
                sm.get_saml_settings(saml.PROVIDER), sm._prepare_saml_request()
            )
            nemlogin.take_answer(checked.in_response_to)
            claims = read_claims(
                checked.attributes,
                checked.name_id,
                current_app.config.get("SAML_LOA_MINIMUM", "Substantial"),
            )
            if isinstance(claims, Violation):
                raise LoginRefused(claims, claims.code)
            cvr = claims.cvr
            user, created = nemlogin.sign_in(claims)
            nemlogin.record_login(user, claims)
            sm.update_user_auth_stat(user, True)  # commits; FAB's hook marks the session
        except LoginRefused as refusal:
            nemlogin.record_refusal(refusal, cvr)
            flash(_message(refusal.violation), "danger")
            return redirect(self.appbuilder.get_url_for_login)
        session["saml_idp"] = saml.PROVIDER
        session["saml_name_id"] = checked.name_id
        session["saml_session_index"] = checked.session_index
        login_user(user, remember=False)
        if created and invitations.claim_for(user) is not None:
            # invited by a local administrator: the rights come with this first login
            flash(gettext("Du er logget ind med de rettigheder, du blev inviteret med."), "info")
        elif created:
            flash(
                gettext(
                    "Du er oprettet som bruger hos %(affiliation)s. Du får adgang til "
                    "styringsdialogen, når du er tildelt en rolle.",
                    affiliation=user.affiliation,
                ),
                "info",
            )
        relay = request.form.get("RelayState", "")
        return redirect(get_safe_redirect(relay) if relay else self.appbuilder.get_url_for_index)

    @expose("/saml/slo/", methods=["GET"])
    @no_cache
    def slo(self):
        """Single logout: the platform's own logout sent on to NemLog-in, NemLog-in's
        answer to it, and a logout NemLog-in asks for (signed, for this session's person)."""
        if "SAMLRequest" in request.args:
            return self._logout_asked_by_idp()
        if "SAMLResponse" in request.args:
            auth = self.appbuilder.sm._get_saml_auth(saml.PROVIDER)
            auth.process_slo(keep_local_session=True)
            if auth.get_errors():
                log.warning("NemLog-in logout answer not accepted: %s", auth.get_errors())
            return redirect(self.appbuilder.get_url_for_index)
        name_id = session.get("saml_name_id")
        session_index = session.get("saml_session_index")
        self._log_out_here()
        if not name_id:
            return redirect(self.appbuilder.get_url_for_index)
        auth = self.appbuilder.sm._get_saml_auth(saml.PROVIDER)
        return redirect(
            auth.logout(
                return_to=url_for("NemLogInAuthView.login", _external=True),
                name_id=name_id,
                session_index=session_index,
                name_id_format=saml.PERSISTENT,
            )
        )

    def _logout_asked_by_idp(self):
        from onelogin.saml2.logout_request import OneLogin_Saml2_Logout_Request

        auth = self.appbuilder.sm._get_saml_auth(saml.PROVIDER)
        if "Signature" not in request.args:
            # an unsigned request could come from anyone: it logs no one out
            log.warning("NemLog-in logout request without a signature refused")
            abort(400)
        accepted = []
        url = auth.process_slo(
            keep_local_session=False, delete_session_cb=lambda: accepted.append(True)
        )
        if auth.get_errors():
            log.warning(
                "NemLog-in logout request refused: %s (%s)",
                auth.get_errors(),
                auth.get_last_error_reason(),
            )
            abort(400)
        asked_for = OneLogin_Saml2_Logout_Request.get_nameid(auth.get_last_request_xml())
        if accepted and asked_for == session.get("saml_name_id"):
            self._log_out_here()
        else:
            log.info("NemLog-in logout request for another person than this session's")
        return redirect(url or self.appbuilder.get_url_for_index)

    def _log_out_here(self) -> None:
        user = self._get_authenticated_user()
        logout_user()
        for key in ("saml_idp", "saml_name_id", "saml_session_index"):
            session.pop(key, None)
        if user is not None:
            self.appbuilder.sm.on_user_logout(user)
