"""Pages without login."""

from flask import abort, url_for
from flask_appbuilder import BaseView, expose

from app.extensions import db
from app.models import Municipality
from app.services import published
from app.services.reading import definition_of
from app.views.dialogue import download
from app.views.filling import section_page


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
            packages=published.published_packages(municipality.id),
        )

    @expose("/pakke/<int:package_id>/")
    def package(self, package_id: int):
        package = published.published_package(package_id)
        if package is None:
            abort(404)
        forms = package_forms_in_order(package)
        first_sections = {f.kind.value: definition_of(f).sections[0].key for f in forms}
        return self.render_template(
            "published_package.html", package=package, forms=forms, first_sections=first_sections
        )

    @expose("/skema/<int:form_id>/<section_key>")
    def form_section(self, form_id: int, section_key: str):
        form = published.published_form(form_id)
        if form is None:
            abort(404)
        page = section_page(form, definition_of(form), section_key, left=None, editable=False)
        return self.render_template(
            "form.html",
            **page,
            section_endpoint="PublishedView.form_section",
            package_url=url_for("PublishedView.package", package_id=form.package_id),
        )

    @expose("/redegoerelse/<int:statement_id>")
    def statement(self, statement_id: int):
        item = published.published_statement(statement_id)
        if item is None:
            abort(404)
        return download(item.filename, item.content_type, item.content)


def package_forms_in_order(package):
    return sorted(package.forms, key=lambda f: (f.sort_key, f.id))
