"""LBF opens a dialogue year for the whole sector (the button beside `flask open-year`)."""

import datetime as dt

from flask import current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from sqlalchemy import func, select

from app.extensions import db
from app.models import Package
from app.security import current_actor
from app.services.opened_year_master_data import apply_to_year, differences
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

    @expose("/<int:year>/master-data")
    @has_access
    def master_data(self, year):
        """What differs between the year's packages and today's master data."""
        return self.render_template("year_master_data.html", year=year, packages=differences(year))

    @expose("/<int:year>/master-data", methods=["POST"])
    @has_access
    def apply_master_data(self, year):
        chosen = [int(v) for v in request.form.getlist("package") if v.isdigit()]
        if not chosen:
            flash(gettext("Vælg de pakker, ændringerne skal gælde for."), "warning")
            return redirect(url_for("YearView.master_data", year=year))
        result = apply_to_year(year, chosen, current_actor())
        flash(
            gettext(
                "Stamdata er anvendt på %(count)s dokumentationspakker for %(year)s.",
                count=result.packages,
                year=year,
            ),
            "success",
        )
        if result.submitted:
            flash(
                gettext(
                    "Fremsendt og derfor uændret: %(organisations)s.",
                    organisations=", ".join(result.submitted),
                ),
                "warning",
            )
        return redirect(url_for("YearView.master_data", year=year))
