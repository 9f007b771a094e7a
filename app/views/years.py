"""LBF opens a dialogue year for the whole sector (the button beside `flask open-year`)."""

import datetime as dt

from flask import current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from sqlalchemy import func, select

from app.extensions import db
from app.models import Package
from app.services.year_opening import OpenYearError, open_year


class YearView(BaseView):
    route_base = "/years"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        years = db.session.execute(
            select(Package.year, func.count(Package.id))
            .group_by(Package.year)
            .order_by(Package.year.desc())
        ).all()
        return self.render_template("years.html", years=years, next_year=dt.date.today().year)

    @expose("/open", methods=["POST"])
    @has_access
    def open(self):
        try:
            year = int(request.form.get("year", ""))
            result = open_year(year, current_app.config["QUESTIONNAIRE_VERSION"])
        except (ValueError, OpenYearError):
            db.session.rollback()
            flash(gettext("Angiv et gyldigt styringsdialogår, f.eks. 2026."), "danger")
            return redirect(url_for("YearView.index"))
        if result.packages_created:
            flash(
                gettext(
                    "Styringsdialogår %(year)s er åbnet: %(packages)s dokumentationspakker og "
                    "%(forms)s skemaer oprettet.",
                    year=year,
                    packages=result.packages_created,
                    forms=result.forms_created,
                ),
                "success",
            )
        else:
            flash(
                gettext(
                    "Styringsdialogår %(year)s var allerede åbnet for alle organisationer; "
                    "intet nyt er oprettet.",
                    year=year,
                ),
                "info",
            )
        return redirect(url_for("YearView.index"))
