"""Pages without login."""

from flask_appbuilder import BaseView, expose


class AboutView(BaseView):
    route_base = "/about"
    default_view = "about"

    @expose("/")
    def about(self):
        return self.render_template("about.html")
