"""LBF maintains the benchmarks and the critical-value thresholds per key figure and year."""

from flask import current_app, flash
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from app.models import Benchmark, FlagThreshold
from app.questionnaires import load
from app.rules.enums import N_
from app.rules.flags import EITHER_WAY, HIGHER_IS_WORSE, LOWER_IS_WORSE, CriticalRule
from app.tasks import refresh_year_statuses
from app.views.base import CheckedWrites, ScopedModelView


class InvalidThreshold(Exception):
    pass


def _figure_choices(critical_only: bool):
    questionnaire = load(current_app.config["QUESTIONNAIRE_VERSION"])
    choices = [
        (key, definition.label)
        for key, definition in questionnaire.key_figures.items()
        if definition.has_critical_rule or not critical_only
    ]
    if not critical_only:
        choices += [(key, gettext(label)) for key, label in OTHER_FIGURES.items()]
    return choices


# key figures LBF benchmarks that no form table lists by key: their names on the screens
OTHER_FIGURES = {"efficiency": N_("Effektivitetstal")}


def _figure_label(key):
    try:
        return load(current_app.config["QUESTIONNAIRE_VERSION"]).key_figure(key).label
    except KeyError:
        return gettext(OTHER_FIGURES[key]) if key in OTHER_FIGURES else key


DIRECTION_LABELS = {
    HIGHER_IS_WORSE: _l("Højere er værre"),
    LOWER_IS_WORSE: _l("Lavere er værre"),
    EITHER_WAY: _l("Langt fra benchmark, over eller under"),
}


class _RefreshesStatuses:
    """A changed benchmark or threshold can make a comment required or no longer required:
    the year's statuses are derived again (in the background when a broker is configured)."""

    def post_add(self, item):
        self._refresh(item)

    def post_update(self, item):
        self._refresh(item)

    def post_delete(self, item):
        self._refresh(item)

    @staticmethod
    def _refresh(item):
        refresh_year_statuses.delay(item.year)
        flash(gettext("Status for skemaerne i %(year)s bliver opdateret.", year=item.year), "info")


class FlagThresholdView(_RefreshesStatuses, CheckedWrites, ScopedModelView):
    datamodel = SQLAInterface(FlagThreshold)
    list_title = _l("Tærskler for kritiske værdier")
    show_title = add_title = edit_title = _l("Tærskel for kritisk værdi")
    list_columns = ["year", "key", "direction", "yellow", "red"]
    add_columns = edit_columns = show_columns = list_columns
    search_columns = ["year", "key"]
    base_order = ("year", "desc")
    label_columns = {
        "year": _l("Styringsdialogår"),
        "key": _l("Nøgletal"),
        "direction": _l("Retning"),
        "yellow": _l("Gul fra (pct. afvigelse)"),
        "red": _l("Rød fra (pct. afvigelse)"),
    }
    formatters_columns = {"key": _figure_label, "direction": DIRECTION_LABELS.get}
    description_columns = {
        "yellow": _l("Afvigelse fra benchmark i den dårlige retning, der giver en gul markering."),
        "red": _l("Afvigelse fra benchmark i den dårlige retning, der giver en rød markering."),
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "key": SelectField(
            _l("Nøgletal"), choices=lambda: _figure_choices(True), widget=Select2Widget()
        ),
        "direction": SelectField(
            _l("Retning"),
            choices=list(DIRECTION_LABELS.items()),
        ),
    }

    def check_item(self, item):
        try:
            CriticalRule(item.direction, float(item.yellow), float(item.red))
        except (TypeError, ValueError) as error:
            raise InvalidThreshold(gettext("Tærsklerne skal opfylde 0 ≤ gul ≤ rød.")) from error


class BenchmarkView(_RefreshesStatuses, ScopedModelView):
    datamodel = SQLAInterface(Benchmark)
    list_title = _l("Benchmarks")
    show_title = add_title = edit_title = _l("Benchmark")
    list_columns = ["year", "key", "value", "indexed"]
    add_columns = edit_columns = show_columns = list_columns
    search_columns = ["year", "key", "indexed"]
    base_order = ("year", "desc")
    label_columns = {
        "year": _l("Styringsdialogår"),
        "key": _l("Nøgletal"),
        "value": _l("Benchmark"),
        "indexed": _l("Fremskrevet (indekseret)"),
    }
    formatters_columns = {"key": _figure_label}
    add_form_extra_fields = edit_form_extra_fields = {
        "key": SelectField(
            _l("Nøgletal"), choices=lambda: _figure_choices(False), widget=Select2Widget()
        ),
    }
