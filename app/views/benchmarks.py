"""LBF maintains the benchmarks and the critical-value thresholds per key figure and year."""

from flask import current_app, flash, jsonify, request
from flask_appbuilder import expose, has_access
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.sqla.filters import FilterEqualFunction
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect
from wtforms import SelectField
from wtforms.validators import InputRequired

from app.extensions import db
from app.models import Benchmark, BenchmarkIndex, FlagThreshold
from app.questionnaires import load
from app.rules.benchmarks import PEER_LABELS, SECTOR
from app.rules.enums import N_
from app.rules.flags import EITHER_WAY, HIGHER_IS_WORSE, LOWER_IS_WORSE, CriticalRule
from app.rules.numbers import parse_danish_decimal
from app.security import ROW_LEVEL, visible
from app.services.benchmark_computation import compute_year_benchmarks
from app.services.flag_effect import FlagEffect, flag_effect
from app.services.reading import now
from app.tasks import refresh_year_statuses
from app.views.base import CheckedWrites, ScopedModelView
from app.views.fields import DanishDecimalField
from app.views.formatting import danish_integer


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


def _number(text: str) -> float:
    return float(parse_danish_decimal(text))


class _ShowsEffect:
    """The add and edit forms say, before anything is saved, how many forms of packages not
    yet submitted would change their yellow or red mark (js/flag-effect.js asks `effect`)."""

    add_template = "effect/add.html"
    edit_template = "effect/edit.html"

    def effect_of(self, args) -> FlagEffect:
        raise NotImplementedError

    @expose("/effect")
    @has_access
    def effect(self):
        try:
            effect = self.effect_of(request.args)
        except (KeyError, ValueError, TypeError):
            return jsonify(
                packages=None,
                forms=None,
                text=gettext("Udfyld år, nøgletal og værdier for at se virkningen."),
            )
        return jsonify(packages=effect.packages, forms=effect.forms, text=self.effect_text(effect))

    @staticmethod
    def effect_text(effect: FlagEffect) -> str:
        if effect.forms == 0:
            return gettext("Ingen markeringer ændres i pakker, der endnu ikke er fremsendt.")
        return ngettext(
            "%(forms)d skema i %(packages)d dokumentationspakke, der endnu ikke er "
            "fremsendt, får en anden gul eller rød markering.",
            "%(forms)d skemaer i %(packages)d dokumentationspakker, der endnu ikke er "
            "fremsendt, får en anden gul eller rød markering.",
            effect.forms,
            forms=effect.forms,
            packages=effect.packages,
        )


class _RefreshesStatuses:
    """A changed threshold can make a comment required or no longer required: the year's
    statuses are derived again (in the background when a broker is configured)."""

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


class _OffersNewerBenchmarks:
    """A changed benchmark reaches a package still being prepared when its organisation
    chooses "Opdater benchmarktal" (user guide 5.2.6); a package opened later gets it at once."""

    def post_add(self, item):
        self._told()

    def post_update(self, item):
        self._told()

    def post_delete(self, item):
        self._told()

    @staticmethod
    def _told():
        flash(
            gettext(
                "Pakker, der endnu ikke er fremsendt, kan nu opdatere til de nye benchmarktal. "
                "Pakker, der åbnes herefter, får dem med det samme."
            ),
            "info",
        )


class FlagThresholdView(_ShowsEffect, _RefreshesStatuses, CheckedWrites, ScopedModelView):
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
    add_form_extra_fields = edit_form_extra_fields = {
        "key": SelectField(
            _l("Nøgletal"), choices=lambda: _figure_choices(True), widget=Select2Widget()
        ),
        "direction": SelectField(
            _l("Retning"),
            choices=list(DIRECTION_LABELS.items()),
        ),
        "yellow": DanishDecimalField(
            _l("Gul fra (pct. afvigelse)"),
            [InputRequired()],
            description=_l(
                "Afvigelse fra benchmark i den dårlige retning, der giver en gul markering."
            ),
        ),
        "red": DanishDecimalField(
            _l("Rød fra (pct. afvigelse)"),
            [InputRequired()],
            description=_l(
                "Afvigelse fra benchmark i den dårlige retning, der giver en rød markering."
            ),
        ),
    }

    def effect_of(self, args) -> FlagEffect:
        direction = args["direction"]
        if direction not in DIRECTION_LABELS:
            raise ValueError(direction)
        rule = (direction, _number(args["yellow"]), _number(args["red"]))
        CriticalRule(*rule)  # a threshold that could not be saved has no effect to show
        return flag_effect(int(args["year"]), args["key"], threshold=rule)

    def check_item(self, item):
        try:
            CriticalRule(item.direction, float(item.yellow), float(item.red))
        except (TypeError, ValueError) as error:
            raise InvalidThreshold(gettext("Tærsklerne skal opfylde 0 ≤ gul ≤ rød.")) from error


def _peer_group_choices():
    return [(peer, gettext(label)) for peer, label in PEER_LABELS.items()]


def _peer_group_label(peer):
    return gettext(PEER_LABELS[peer]) if peer in PEER_LABELS else peer


def _basis_label(basis):
    if basis is None:
        return gettext("Sat af LBF")
    return danish_integer(basis)


_VALUES = ("year", "key", "peer_group", "value", "basis", "indexed")


class BenchmarkView(_ShowsEffect, _OffersNewerBenchmarks, ScopedModelView):
    datamodel = SQLAInterface(Benchmark)
    list_title = _l("Benchmarks")
    show_title = add_title = edit_title = _l("Benchmark")
    list_columns = ["year", "key", "peer_group", "value", "basis", "indexed"]
    show_columns = list_columns
    add_columns = edit_columns = ["year", "key", "peer_group", "value", "indexed"]
    search_columns = ["year", "key", "peer_group", "indexed"]
    base_order = ("year", "desc")
    label_columns = {
        "year": _l("Styringsdialogår"),
        "key": _l("Nøgletal"),
        "peer_group": _l("Sammenligningsgruppe"),
        "value": _l("Benchmark"),
        "basis": _l("Antal regnskaber"),
        "indexed": _l("Fremskrevet (indekseret)"),
    }
    description_columns = {
        "peer_group": _l(
            "Hvem nøgletallet sammenlignes med. Har en afdeling eller organisation ingen "
            "benchmark for sin gruppe, bruges hele sektorens."
        ),
        "basis": _l(
            "Antal indberettede regnskaber, benchmarket er beregnet af. Under nøgletallets "
            "minimum bruges sidste års benchmark ganget med årets indeks."
        ),
    }
    formatters_columns = {
        "key": _figure_label,
        "peer_group": _peer_group_label,
        "basis": _basis_label,
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "key": SelectField(
            _l("Nøgletal"), choices=lambda: _figure_choices(False), widget=Select2Widget()
        ),
        # a plain list: the whole sector's value is '' which Select2 would show as unchosen
        "peer_group": SelectField(_l("Sammenligningsgruppe"), choices=_peer_group_choices),
        "value": DanishDecimalField(_l("Benchmark"), [InputRequired()]),
    }

    @staticmethod
    def effect_text(effect: FlagEffect) -> str:
        """A package keeps its benchmarks until it updates (user guide 5.2.6)."""
        if effect.forms == 0:
            return gettext(
                "Ingen markeringer ændres i pakker, der endnu ikke er fremsendt, når de "
                "opdaterer til det nye benchmark."
            )
        return ngettext(
            "%(forms)d skema i %(packages)d dokumentationspakke, der endnu ikke er "
            "fremsendt, får en anden gul eller rød markering, når pakken opdaterer til det "
            "nye benchmark (Opdater benchmarktal). Pakker, der åbnes herefter, får det med "
            "det samme.",
            "%(forms)d skemaer i %(packages)d dokumentationspakker, der endnu ikke er "
            "fremsendt, får en anden gul eller rød markering, når pakkerne opdaterer til det "
            "nye benchmark (Opdater benchmarktal). Pakker, der åbnes herefter, får det med "
            "det samme.",
            effect.forms,
            forms=effect.forms,
            packages=effect.packages,
        )

    def effect_of(self, args) -> FlagEffect:
        replaces = None
        if args.get("id"):
            edited = db.session.scalar(visible(Benchmark).where(Benchmark.id == int(args["id"])))
            if edited is None:
                raise KeyError("id")
            replaces = (edited.key, edited.peer_group)
        peer = args.get("peer_group", SECTOR)
        if peer not in PEER_LABELS:
            raise ValueError(peer)
        return flag_effect(
            int(args["year"]),
            args["key"],
            benchmark=(peer, _number(args["value"])),
            replaces=replaces,
        )

    # the current benchmarks; those a change replaced stay for the packages compared with them
    base_filters = [*ROW_LEVEL, ["valid_to", FilterEqualFunction, lambda: None]]

    def pre_add(self, item):
        item.basis = None  # a benchmark set by hand rests on no count of accounts
        item.valid_from = now()
        super().pre_add(item)

    def pre_update(self, item):
        super().pre_update(item)
        # the stored benchmark ends now, kept with its values; the edited one starts now
        moment = now()
        state = inspect(item)
        if not any(state.attrs[a].history.has_changes() for a in _VALUES):
            return  # saved unchanged: the benchmark stays as it was
        before = {
            attribute: (
                history.deleted[0]
                if (history := state.attrs[attribute].history).deleted
                else getattr(item, attribute)
            )
            for attribute in _VALUES
        }
        db.session.add(
            Benchmark(**before, valid_from=state.attrs.valid_from.value, valid_to=moment)
        )
        item.basis = None
        item.valid_from = moment

    def pre_delete(self, item):
        super().pre_delete(item)
        kept = {attribute: getattr(item, attribute) for attribute in _VALUES}
        db.session.add(Benchmark(**kept, valid_from=item.valid_from, valid_to=now()))


class BenchmarkIndexView(_OffersNewerBenchmarks, CheckedWrites, ScopedModelView):
    datamodel = SQLAInterface(BenchmarkIndex)
    list_title = _l("Indeks for fremskrivning af benchmarks")
    show_title = add_title = edit_title = _l("Indeks for fremskrivning")
    list_columns = ["year", "percent", "description"]
    add_columns = edit_columns = show_columns = list_columns
    base_order = ("year", "desc")
    label_columns = {
        "year": _l("Styringsdialogår"),
        "percent": _l("Ændring i procent"),
        "description": _l("Indeks"),
    }
    description_columns = {
        "description": _l("Fx nettoprisindekset, og hvornår tallet er hentet."),
    }

    add_form_extra_fields = edit_form_extra_fields = {
        "percent": DanishDecimalField(
            _l("Ændring i procent"),
            [InputRequired()],
            description=_l(
                "Har en sammenligningsgruppe for få indberettede regnskaber, bliver sidste års "
                "benchmark ganget med 1 + procent / 100. Uden indeks for året bruges det uændret."
            ),
        ),
    }

    def post_add(self, item):
        self._carry_forward(item)
        super().post_add(item)

    def post_update(self, item):
        self._carry_forward(item)
        super().post_update(item)

    @staticmethod
    def _carry_forward(item):
        """The year's benchmarks computed again: a peer group with too few accounts gets last
        year's by the new index (packages may then update to them)."""
        compute_year_benchmarks(item.year)
        db.session.commit()

    def check_item(self, item):
        if item.percent is None or item.percent <= -100:
            raise InvalidThreshold(gettext("Ændringen skal være større end -100 procent."))
