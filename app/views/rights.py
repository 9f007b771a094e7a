"""Users and rights where they belong (user guide 4): a local administrator sees the users of
its own organisation or municipality, grants and withdraws their rights and invites
colleagues; LBF sees and changes everyone's. And the invited person's page.

Thin: parse the request, call one service, map its refusal to a status and Danish messages.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.const import AUTH_DB
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models import Municipality, Organisation
from app.rules.enums import Right
from app.rules.rights import effective_rights, held_organisations
from app.security import current_actor
from app.services import invitations
from app.services import rights as service
from app.services.audit import ACTION_LABELS
from app.services.errors import FormError, Invalid, NotFound
from app.services.reading import now
from app.views.errors import RefusedHere


def violation_text(violation) -> str:
    """A refusal in the user's language; a right named in it by its label."""
    params = {
        key: gettext(value.label) if isinstance(value, Right) else value
        for key, value in violation.params_dict().items()
    }
    return gettext(violation.message, **params)


def flash_refusal(error: FormError) -> None:
    for violation in error.violations or ():
        flash(violation_text(violation), "danger")
    if not error.violations:
        flash(gettext(error.message, **error.params), "danger")


def _row_id(value: str) -> int:
    """A row id the database can hold; anything else is a bad request."""
    if not value.isdigit() or not 0 < int(value) < 2**31:
        abort(400)
    return int(value)


def _ids(name: str) -> list[int]:
    return [_row_id(v) for v in request.form.getlist(name)]


def _optional_id(name: str) -> int | None:
    value = request.values.get(name) or None
    return None if value is None else _row_id(value)


def _managed(call, *args, **kwargs):
    """A read of the rights screens: a user who is no local administrator is refused in
    words (403), an unknown or foreign user is a 404."""
    try:
        return call(*args, **kwargs)
    except NotFound:
        abort(404)
    except FormError as error:
        raise RefusedHere(violation_text(error.violations[0])) from None


class UserRightsView(BaseView):
    """Brugere og rettigheder."""

    route_base = "/rights"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        actor = current_actor()
        organisation_id = _optional_id("organisation") if actor.is_lbf else None
        municipality_id = _optional_id("municipality") if actor.is_lbf else None
        users = _managed(service.managed_users, actor, organisation_id, municipality_id)
        pending = _managed(invitations.open_invitations, actor, organisation_id, municipality_id)
        return self.render_template(
            "rights.html",
            actor=actor,
            users=users,
            invitations=pending,
            now=now(),
            place=_place(actor),
            organisations=_all_organisations() if actor.is_lbf else [],
            municipalities=_all_municipalities() if actor.is_lbf else [],
            chosen_organisation=organisation_id,
            chosen_municipality=municipality_id,
            Right=Right,
        )

    @expose("/<int:user_id>")
    @has_access
    def user(self, user_id: int):
        return self._user_page(user_id)

    def _user_page(self, user_id: int, status: int = 200):
        actor = current_actor()
        user = _managed(service.user_for, actor, user_id)
        granter = service.granter_of(actor)
        holder = service.holder_of(user)
        administered = service.administered_of(user.organisation_id)
        shown = {o.id for o in administered}
        # an organisation granted earlier that is no longer administered can be taken away
        earlier = [db.session.get(Organisation, i) for i in sorted(holder.acts_for - shown)]
        page = self.render_template(
            "rights_user.html",
            subject=user,
            holder=holder,
            granter=granter,
            held_orgs=held_organisations(granter, shown),
            own=user.id == actor.user_id and not actor.is_lbf,
            choices=service.rights_choices(user),
            administered=administered + [o for o in earlier if o is not None],
            history=service.history(actor, user),
            Right=Right,
        )
        return page, status

    @expose("/<int:user_id>", methods=["POST"])
    @has_access
    @permission_name("user")
    def save(self, user_id: int):
        try:
            user = service.set_rights(
                current_actor(), user_id, request.form.getlist("rights"), _ids("acts_for")
            )
        except NotFound:
            abort(404)
        except FormError as error:
            flash_refusal(error)
            return self._user_page(user_id, 422)
        flash(gettext("Rettighederne for %(name)s er gemt.", name=user.get_full_name()), "success")
        return redirect(url_for("UserRightsView.user", user_id=user_id))

    @expose("/invite")
    @has_access
    def invite(self):
        return self._invite_page()

    def _invite_page(self, values=None, status: int = 200):
        actor = current_actor()
        _managed(service.ensure_may_manage, actor)
        values = values or {}
        organisation_id = values.get("organisation") or _optional_id("organisation")
        if actor.is_lbf:
            choices = list(Right)
            administered = service.administered_of(organisation_id)
        else:
            choices = service.rights_choices(actor)
            administered = service.administered_of(actor.organisation_id)
        granter = service.granter_of(actor)
        page = self.render_template(
            "rights_invite.html",
            actor=actor,
            granter=granter,
            held_orgs=held_organisations(granter, [o.id for o in administered]),
            choices=choices,
            administered=administered,
            values=values,
            place=_place(actor),
            organisations=_all_organisations() if actor.is_lbf else [],
            municipalities=_all_municipalities() if actor.is_lbf else [],
            valid_days=invitations.valid_days(),
            Right=Right,
        )
        return page, status

    @expose("/invite", methods=["POST"])
    @has_access
    @permission_name("invite")
    def send_invitation(self):
        actor = current_actor()
        values = {
            "email": request.form.get("email", ""),
            "first_name": request.form.get("first_name", ""),
            "last_name": request.form.get("last_name", ""),
            "rights": request.form.getlist("rights"),
            "acts_for": _ids("acts_for"),
            "organisation": _optional_id("organisation"),
            "municipality": _optional_id("municipality"),
        }
        try:
            invitation = invitations.invite(
                actor,
                values["email"],
                values["first_name"],
                values["last_name"],
                values["rights"],
                values["acts_for"],
                organisation_id=values["organisation"],
                municipality_id=values["municipality"],
            )
        except NotFound:
            abort(404)
        except FormError as error:
            flash_refusal(error)
            return self._invite_page(values, 422)
        flash(
            gettext(
                "Invitationen er sendt til %(email)s. Linket gælder i %(days)s dage.",
                email=invitation.email,
                days=invitations.valid_days(),
            ),
            "success",
        )
        return redirect(url_for("UserRightsView.index"))

    @expose("/invitations/<int:invitation_id>/withdraw", methods=["POST"])
    @has_access
    @permission_name("invite")
    def withdraw(self, invitation_id: int):
        try:
            invitation = invitations.withdraw(current_actor(), invitation_id)
        except NotFound:
            abort(404)
        except FormError as error:
            flash_refusal(error)
        else:
            flash(
                gettext("Invitationen til %(email)s er trukket tilbage.", email=invitation.email),
                "success",
            )
        return redirect(url_for("UserRightsView.index"))


def _place(actor) -> str:
    if actor.organisation_id is not None:
        return str(db.session.get(Organisation, actor.organisation_id))
    if actor.municipality_id is not None:
        return db.session.get(Municipality, actor.municipality_id).name
    return ""


def _all_organisations():
    return db.session.scalars(select(Organisation).order_by(Organisation.number)).all()


def _all_municipalities():
    return db.session.scalars(select(Municipality).order_by(Municipality.name)).all()


class InvitationView(BaseView):
    """The invited person's page (no login): with the embedded login the person chooses a
    user name and a password and gets the invited rights; with SAML the page leads to the
    login, where the rights are given at first login."""

    route_base = "/invitation"
    default_view = "show"

    def _render(self, token, invitation=None, message=None, status=200, username=""):
        page = self.render_template(
            "invitation.html",
            token=token,
            invitation=invitation,
            message=message,
            username=username,
            embedded_login=current_app.config.get("AUTH_TYPE") == AUTH_DB,
            rights=[r for r in Right if invitation is not None and r in invitation.right_set],
        )
        return page, status

    @expose("/<token>")
    def show(self, token: str):
        try:
            invitation = invitations.open_invitation(token)
        except Invalid as error:
            return self._render(token, message=gettext(error.message), status=404)
        return self._render(token, invitation, username=invitation.email)

    @expose("/<token>", methods=["POST"])
    def accept(self, token: str):
        if current_app.config.get("AUTH_TYPE") != AUTH_DB:
            abort(404)
        username = request.form.get("username", "")
        try:
            invitations.accept(
                token, username, request.form.get("password"), request.form.get("confirmation")
            )
        except Invalid as error:
            return self._render(token, message=gettext(error.message), status=404)
        except FormError as error:
            flash_refusal(error)
            try:
                invitation = invitations.open_invitation(token)
            except Invalid as gone:  # withdrawn or expired meanwhile
                return self._render(token, message=gettext(gone.message), status=404)
            return self._render(token, invitation, status=422, username=username)
        flash(
            gettext("Din adgang er oprettet. Log ind med dit brugernavn og din adgangskode."),
            "success",
        )
        return redirect(current_app.appbuilder.get_url_for_login)


def may_manage_users() -> bool:
    """Whether the page's user manages users: the header's link to Brugere og rettigheder."""
    return bool(current_user.is_authenticated) and service.may_manage(current_actor())


def holds_right(right: str) -> bool:
    """Whether the page's user holds a right (templates and their macros show what it may
    use, the server refuses the rest)."""
    return current_actor().holds(Right(right))


def has_rights() -> bool:
    """Whether the page's user may do anything yet (a new user holds no right)."""
    actor = current_actor()
    return actor.is_lbf or bool(actor.rights)


def rights_words(value: str | None) -> str:
    """A logged set of rights by their labels (`READ,STATISTICS` -> Læse ...; Se statistik);
    another logged value (administered organisations) as it is."""
    if value is None:
        return ""
    if value == "":
        return gettext("Ingen")
    parts = value.split(",")
    if all(p in Right._value2member_map_ for p in parts):
        return "; ".join(gettext(Right(p).label) for p in parts)
    return value


def rights_change(entry) -> str:
    """What a logged change of a user's rights changed."""
    if entry.field == "acts_for":
        return gettext("Administrerede organisationer")
    return gettext(ACTION_LABELS.get(entry.action, entry.action))


def register(app) -> None:
    app.jinja_env.globals.update(
        may_manage_users=may_manage_users, holds_right=holds_right, has_rights=has_rights
    )
    app.jinja_env.filters.update(
        rights_words=rights_words, rights_change=rights_change, effective_rights=effective_rights
    )
