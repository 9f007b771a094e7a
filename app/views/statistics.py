"""The overview's Statistik tab (user guide 8): the user chooses a report, its key figures,
year or organisation and how it is shown; the same choice downloads it as Excel. Everything
is read through the user's row-level filter (`app.services.statistics`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

from flask import Response, abort, request, stream_with_context
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from markupsafe import Markup

from app.rules.enums import LabelledEnum, Right
from app.rules.statistics import MARK_WORDS, Display, ReportType, history_years
from app.security import current_actor
from app.services import statistics as service
from app.services.errors import NotFound
from app.services.statistics_export import workbook_chunks
from app.views.errors import RefusedHere
from app.views.formatting import danish_date, dk_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OWN = "own"


@dataclass
class Choice:
    """What the user asked for, from the query string; unknown values are refused."""

    report: ReportType
    display: Display
    year: int | None
    organisation_id: int | None
    keys: list[str]
    # the key-figure report's subject: None all, OWN the organisation's own figures, or an
    # estate's number
    estate: int | str | None = None


def _choice(years: list[int], figures) -> Choice:
    args = request.args
    try:
        report = ReportType(args.get("report") or ReportType.KEY_FIGURES)
        display = Display(args.get("display") or Display.TABLE)
        year = int(args["year"]) if args.get("year") else (years[0] if years else None)
        organisation_id = int(args["organisation"]) if args.get("organisation") else None
        estate = args.get("estate") or None
        if estate is not None and estate != OWN:
            estate = int(estate)
    except ValueError:
        abort(400)
    if year is not None and year not in years:
        abort(404)  # a year without figures or packages the user may see
    if organisation_id is not None and not 0 < organisation_id < 2**31:
        abort(404)
    if display not in report.displays:
        display = Display.TABLE
    known = [f.key for f in figures]
    keys = [k for k in args.getlist("key") if k in known] or known
    return Choice(report, display, year, organisation_id, keys, estate)


class StatisticsView(BaseView):
    route_base = "/statistics"
    default_view = "report"

    def _report(self):
        """The chosen report as a table, with what the page needs around it."""
        actor = current_actor()
        if not actor.holds(Right.STATISTICS):
            raise RefusedHere(gettext("Du har ikke rettighed til at se statistik."))
        report_years = service.years(actor)
        figures = service.figures_of(report_years[0]) if report_years else []
        choice = _choice(report_years, figures)
        organisations = service.organisations(actor)
        organisation = None
        if choice.report == ReportType.KEY_FIGURES:
            if choice.organisation_id is None and organisations:
                own = actor.organisation_id
                choice.organisation_id = own if own is not None else organisations[0].id
            if choice.organisation_id is not None:
                try:
                    organisation = service.organisation_for(actor, choice.organisation_id)
                except NotFound:
                    abort(404)
        chosen = [f for f in figures if f.key in choice.keys]
        found = _Found()
        if choice.year is not None:
            found = _find(actor, choice, chosen, organisation)
        return (
            choice,
            found,
            dict(
                actor=actor,
                years=report_years,
                figures=figures,
                organisations=organisations,
                organisation=organisation,
                history=history_years(choice.year) if choice.year else [],
            ),
        )

    @expose("/")
    @has_access
    def report(self):
        choice, found, context = self._report()
        return self.render_template(
            "statistics.html",
            choice=choice,
            table=found.table,
            shown=shown_rows(found.table) if found.table is not None else [],
            estates=found.estates,
            charts=found.charts,
            OWN=OWN,
            reports=list(ReportType),
            **context,
        )

    @expose("/excel")
    @has_access
    def excel(self):
        """The report on the screen as an Excel workbook, streamed."""
        choice, found, _context = self._report()
        table = found.table
        if table is None:
            abort(404)
        title = gettext(choice.report.label)
        filename = f"{title} {choice.year}.xlsx"
        response = Response(stream_with_context(workbook_chunks(title, table)), mimetype=XLSX)
        response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
        response.headers["Cache-Control"] = "private, no-store"
        return response


def shown_rows(table: service.Table) -> list[list[tuple[str, str]]]:
    """Each cell as the page shows it, (CSS class, HTML): written here once rather than by a
    template macro per cell, since a large organisation's report has 70,000 cells."""
    marks = {
        flag: Markup(
            '<span class="mark-{}"><i class="fa fa-circle" aria-hidden="true"></i> {}</span>'
        ).format(flag.value.lower(), gettext(word))
        for flag, word in MARK_WORDS.items()
        if word
    }
    none = Markup('<span class="text-muted">–</span><span class="sr-only">{}</span>').format(
        gettext("Ingen værdi")
    )
    labels: dict[str, str] = {}
    shown = []
    for row in table.rows:
        line = []
        for column, cell in zip(table.columns, row, strict=True):
            value = cell.value
            css = "text-right" if column.kind == "number" else ""
            if cell.mark in marks:
                css += f" cell-{cell.mark.value.lower()}"
            if value is None:
                text = none
            elif column.kind == "mark":
                text = marks[value]
            elif column.kind == "number":
                text = dk_number(value, column.decimals if cell.decimals is None else cell.decimals)
            elif column.kind == "date":
                text = danish_date(value)
            elif isinstance(value, LabelledEnum):
                text = labels.get(value.label) or labels.setdefault(
                    value.label, gettext(value.label)
                )
            else:
                text = value
            line.append((css, text))
        shown.append(line)
    return shown


@dataclass
class _Found:
    table: service.Table | None = None
    # the key-figure report: the organisation's estates with figures (number, name) to choose
    # from, and per subject shown its figures' five years for the charts
    estates: list[tuple[int, str]] = field(default_factory=list)
    charts: list[tuple[service.SubjectRow, list]] = field(default_factory=list)


def _find(actor, choice: Choice, chosen, organisation) -> _Found:
    if choice.report == ReportType.KEY_FIGURES:
        if organisation is None:
            return _Found()
        years = history_years(choice.year)
        rows = service.figure_rows(actor, years, choice.keys, organisation.id)
        estates = [(r.estate_number, r.estate_name) for r in rows if r.estate_number is not None]
        estate = choice.estate
        if choice.display == Display.CHART and estate is None:
            estate = OWN  # a chart per figure of every estate would be thousands
        if estate is not None:
            number = None if estate == OWN else estate
            rows = [r for r in rows if r.estate_number == number]
        charts = []
        if choice.display == Display.CHART:
            charts = [(row, service.histories(row, years, chosen)) for row in rows]
        return _Found(service.key_figure_table(rows, years, chosen), estates, charts)
    if choice.report == ReportType.ESTATES:
        rows = service.figure_rows(actor, [choice.year], choice.keys, choice.organisation_id)
        return _Found(service.estate_table(rows, choice.year, chosen))
    if choice.report == ReportType.CRITICAL:
        found, subjects = service.risks(actor, choice.year, choice.keys)
        return _Found(service.risk_table(found, subjects, choice.year, chosen))
    return _Found(service.status_table(service.status_rows(actor, choice.year)))
