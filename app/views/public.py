"""Pages without login."""

from flask_appbuilder import BaseView, expose


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
