"""An organisation's API keys for its own case system: made, listed and revoked here; the key
itself is shown once, in the answer to the request that made it."""

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext

from app.extensions import db
from app.models import Organisation
from app.security import current_actor
from app.services import api_keys as service
from app.services.errors import FormError, NotFound
from app.views.dialogue import flash_refusal


class ApiKeyView(BaseView):
    route_base = "/api-keys"
    default_view = "keys"

    def _organisation_id(self, actor) -> int:
        """The organisation whose keys are shown: the user's own; LBF names one."""
        if actor.is_lbf:
            try:
                organisation_id = int(request.values.get("organisation", ""))
            except ValueError:
                abort(404)
            if not 0 < organisation_id < 2**31:
                abort(404)  # no such organisation, and no number the database could hold
            return organisation_id
        if actor.organisation_id is None:
            abort(404)
        return actor.organisation_id

    def _page(self, organisation_id: int, made=None, status: int = 200):
        actor = current_actor()
        try:
            keys = service.keys_of(actor, organisation_id)
        except NotFound:
            abort(404)
        page = self.render_template(
            "api_keys.html",
            organisation=db.session.get(Organisation, organisation_id),
            keys=keys,
            made=made,
            api_base=request.host_url.rstrip("/") + "/api/v1",
        )
        response = self.appbuilder.app.make_response((page, status))
        response.headers["Cache-Control"] = "private, no-store"  # a new key is on the page
        return response

    @expose("/")
    @has_access
    def keys(self):
        return self._page(self._organisation_id(current_actor()))

    @expose("/", methods=["POST"])
    @has_access
    def create(self):
        actor = current_actor()
        organisation_id = self._organisation_id(actor)
        try:
            key, secret = service.create_key(actor, organisation_id, request.form.get("name", ""))
        except NotFound:
            abort(404)
        except FormError as error:
            db.session.rollback()
            flash_refusal(error)
            return redirect(url_for("ApiKeyView.keys", organisation=organisation_id))
        return self._page(organisation_id, made=(key, secret), status=201)

    @expose("/<uuid>/revoke", methods=["POST"])
    @has_access
    def revoke(self, uuid: str):
        actor = current_actor()
        organisation_id = self._organisation_id(actor)
        try:
            key = service.revoke_key(actor, organisation_id, uuid)
        except NotFound:
            abort(404)
        flash(gettext("Nøglen %(name)s virker ikke længere.", name=key.name), "success")
        return redirect(url_for("ApiKeyView.keys", organisation=organisation_id))
