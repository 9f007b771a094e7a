"""Landing pages: the public front page, and each user's overview (user guide 5.1, 6.1)."""

from flask import redirect, url_for
from flask_appbuilder import BaseView, IndexView, expose, has_access
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.models import Municipality, Organisation, Package
from app.security import current_actor, visible


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
            administered = db.session.scalars(
                select(Organisation)
                .where(Organisation.administered_by_id == own.id)
                .order_by(Organisation.number)
            ).all()
        if actor.municipality_id is not None:
            municipality = db.session.get(Municipality, actor.municipality_id)
        packages = db.session.scalars(
            visible(Package, actor)
            .join(Organisation)
            .order_by(Package.year.desc(), Organisation.number)
            # LBF's overview shows the newest; everyone else sees all of theirs
            .limit(50 if actor.is_lbf else 2000)
        ).all()
        own_packages = [p for p in packages if own is not None and p.organisation_id == own.id]
        current = own_packages[0] if own_packages else None
        by_org = {}
        for package in packages:
            by_org.setdefault(package.organisation_id, []).append(package)
        return self.render_template(
            "overview.html",
            actor=actor,
            own=own,
            current=current,
            own_packages=own_packages,
            administered=[(org, by_org.get(org.id, [])) for org in administered],
            municipality=municipality,
            packages=packages,
        )
