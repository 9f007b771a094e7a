"""Landing pages: the public front page, and each user's overview (user guide 5.1, 6.1); a
municipality's overview is its worklist."""

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, IndexView, expose, has_access
from flask_appbuilder.security.decorators import permission_name
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models import Municipality, Organisation, Package
from app.rules.enums import GuideAudience, PackageStatus
from app.security import current_actor, visible
from app.services import guidance
from app.services import municipality as municipality_service
from app.services import worklist as worklist_service
from app.services.errors import FormError, NotFound
from app.services.guide import key_figure_guide
from app.services.key_figures import accounts_filed
from app.services.reading import copenhagen_today
from app.views.dialogue import download, flash_refusal
from app.views.packages import parse_danish_date

WORKLIST_FILTERS = ("year", "status", "relation", "overdue", "sort")


class HomeView(IndexView):
    """The front page: the about page for the public, the overview for a logged-in user."""

    @expose("/")
    def index(self):
        if current_user.is_authenticated:
            return redirect(url_for("OverviewView.overview"))
        return redirect(url_for("AboutView.about"))


class OverviewView(BaseView):
    route_base = "/overview"
    default_view = "overview"

    @expose("/")
    @has_access
    def overview(self):
        actor = current_actor()
        own = None
        administered = []
        municipality = None
        if actor.organisation_id is not None:
            own = db.session.get(Organisation, actor.organisation_id)
            # the administered organisations the user was granted
            administered = db.session.scalars(
                select(Organisation)
                .where(
                    Organisation.administered_by_id == own.id,
                    Organisation.id.in_(actor.organisation_ids),
                )
                .order_by(Organisation.number)
            ).all()
        if actor.municipality_id is not None:
            return self._worklist(actor)
        packages = db.session.scalars(
            visible(Package, actor)
            .join(Package.organisation)
            .order_by(Package.year.desc(), Organisation.number)
            # LBF's overview shows the newest; everyone else sees all of theirs
            .limit(50 if actor.is_lbf else 2000)
        ).all()
        own_packages = [p for p in packages if own is not None and p.organisation_id == own.id]
        current = own_packages[0] if own_packages else None
        # the accounts gate said where the organisation looks first, not only in a table
        accounts_missing = (
            current is not None
            and not current.status.is_submitted
            and not accounts_filed(current.organisation_id, current.accounting_year)
        )
        by_org = {}
        for package in packages:
            by_org.setdefault(package.organisation_id, []).append(package)
        return self.render_template(
            "overview.html",
            actor=actor,
            own=own,
            current=current,
            own_packages=own_packages,
            accounts_missing=accounts_missing,
            administered=[(org, by_org.get(org.id, [])) for org in administered],
            municipality=municipality,
            packages=packages,
        )

    def _worklist(self, actor):
        municipality = db.session.get(Municipality, actor.municipality_id)
        years = worklist_service.years(actor)
        try:
            year = int(request.args.get("year") or (years[0] if years else 0))
        except ValueError:
            abort(400)
        filters = {
            "status": request.args.get("status") or None,
            "relation": request.args.get("relation") or None,
            "overdue_only": request.args.get("overdue") == "1",
            "sort": request.args.get("sort") or "organisation",
        }
        today = copenhagen_today()
        rows = worklist_service.worklist(actor, year, today, **filters) if years else []
        return self.render_template(
            "worklist.html",
            municipality=municipality,
            years=years,
            year=year,
            rows=rows,
            filters=filters,
            args={k: request.args.get(k, "") for k in WORKLIST_FILTERS},
            status_choices=[(s.value, s.label) for s in PackageStatus],
            today=today,
        )

    @expose("/guide")
    @has_access
    def guide(self):
        """The guide's tab (user guide 5.1 b): how the dialogue runs for the user's role, and
        the key figures with the yellow and red limits of the newest year."""
        actor = current_actor()
        year, figures = key_figure_guide()
        return self.render_template(
            "guide.html",
            actor=actor,
            year=year,
            figures=figures,
            documents=guidance.documents_for(actor),
            audiences=list(GuideAudience),
        )

    @expose("/guide/documents", methods=["POST"])
    @has_access
    @permission_name("guide")
    def add_guidance(self):
        """LBF publishes a guidance document."""
        upload = request.files.get("file")
        try:
            document = guidance.add_document(
                current_actor(),
                request.form.get("title", ""),
                request.form.get("audience", ""),
                request.form.get("sort_order", "0"),
                upload.filename if upload else None,
                upload.read() if upload else None,
            )
        except NotFound:
            abort(404)
        except FormError as error:
            db.session.rollback()
            flash_refusal(error)
        else:
            flash(gettext("%(title)s er lagt under Vejledning.", title=document.title), "success")
        return redirect(url_for("OverviewView.guide"))

    @expose("/guide/documents/<int:guidance_document_id>/delete", methods=["POST"])
    @has_access
    @permission_name("guide")
    def remove_guidance(self, guidance_document_id: int):
        try:
            guidance.remove_document(guidance_document_id, current_actor())
        except NotFound:
            abort(404)
        flash(gettext("Dokumentet er fjernet fra Vejledning."), "success")
        return redirect(url_for("OverviewView.guide"))

    @expose("/guide/documents/<int:guidance_document_id>")
    @has_access
    @permission_name("guide")
    def guidance_document(self, guidance_document_id: int):
        try:
            document = guidance.document_for(guidance_document_id, current_actor())
        except NotFound:
            abort(404)
        return download(document.filename, document.content_type, document.content)

    @expose("/deadlines", methods=["POST"])
    @has_access
    def set_deadlines(self):
        """The home municipality's deadline for every chosen organisation at once."""
        back = redirect(url_for("OverviewView.overview", **_kept_filters()))
        try:
            ids = [int(i) for i in request.form.getlist("package")]
        except ValueError:
            abort(400)
        text = (request.form.get("deadline") or "").strip()
        try:
            deadline = parse_danish_date(text) if text else None
        except ValueError as error:
            flash(str(error), "danger")
            return back
        try:
            count = municipality_service.set_deadlines(current_actor(), ids, deadline)
        except FormError as error:
            flash_refusal(error)
        else:
            flash(
                gettext("Fristen er sat for %(count)s dokumentationspakker.", count=count),
                "success",
            )
        return back

    @expose("/notification-address", methods=["POST"])
    @has_access
    def set_notification_address(self):
        try:
            municipality_service.set_notification_address(
                current_actor(), request.form.get("notification_email")
            )
        except FormError as error:
            flash_refusal(error)
        else:
            flash(gettext("Adressen til besked er gemt."), "success")
        return redirect(url_for("OverviewView.overview"))


def _kept_filters() -> dict:
    return {k: v for k in WORKLIST_FILTERS if (v := request.form.get(k))}
