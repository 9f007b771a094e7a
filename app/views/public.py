"""Pages without login."""

from flask import abort
from flask_appbuilder import BaseView, expose

from app.extensions import db
from app.models import Municipality
from app.services import published
from app.views.dialogue import download


class AboutView(BaseView):
    route_base = "/about"
    default_view = "about"

    @expose("/")
    def about(self):
        return self.render_template("about.html")


class AccessibilityView(BaseView):
    """The accessibility statement (webtilgængelighedsloven): open to everyone, linked from
    every page's footer."""

    route_base = "/tilgaengelighed"
    default_view = "statement"

    @expose("/")
    def statement(self):
        return self.render_template("accessibility.html")


class PublishedView(BaseView):
    """Published material (user guide 4): per municipality, the statements on dialogues whose
    meeting has been held; open to everyone."""

    route_base = "/offentlig"
    default_view = "municipalities"

    @expose("/")
    def municipalities(self):
        return self.render_template(
            "published.html", municipalities=published.municipalities(), municipality=None
        )

    @expose("/<int:code>/")
    def municipality(self, code: int):
        municipality = db.session.query(Municipality).filter_by(code=code).one_or_none()
        if municipality is None:
            abort(404)
        return self.render_template(
            "published.html",
            municipality=municipality,
            statements=published.statements_of(municipality.id),
        )

    @expose("/redegoerelse/<int:statement_id>")
    def statement(self, statement_id: int):
        item = published.published_statement(statement_id)
        if item is None:
            abort(404)
        return download(item.filename, item.content_type, item.content)
