"""Screens and APIs; `register` adds them to the app builder and the menu."""

from flask_babel import lazy_gettext as _l

# FAB's own "Security" menu entries, by menu name: which of our two dropdowns takes each
_SECURITY_ENTRIES = {"List Users": "Stamdata", "List Roles": "Administration"}


def register(appbuilder) -> None:
    from flask_appbuilder.api.manager import OpenApi

    from app.security import limit_api_keys
    from app.views.api import (
        AnswerApi,
        EstateApi,
        FormApi,
        MunicipalityApi,
        OrganisationApi,
        PackageApi,
    )
    from app.views.api_keys import ApiKeyView
    from app.views.benchmarks import BenchmarkIndexView, BenchmarkView, FlagThresholdView
    from app.views.dialogue import DialogueView
    from app.views.filling import FormPageView, PackageContentView
    from app.views.masterdata import EstateView, MunicipalityView, OrganisationView, RegionView
    from app.views.overview import OverviewView
    from app.views.packages import AuditEntryView, FormView, PackageView
    from app.views.public import AboutView, AccessibilityView, PublishedView
    from app.views.registers import RegisterView
    from app.views.rights import InvitationView, UserRightsView
    from app.views.sessions import SessionView
    from app.views.statistics import StatisticsView
    from app.views.years import YearView

    appbuilder.add_view(OverviewView, "Oversigt", label=_l("Oversigt"), icon="fa-home")
    appbuilder.add_view(
        PackageView,
        "Dokumentationspakker",
        label=_l("Dokumentationspakker"),
        icon="fa-folder-open",
    )
    appbuilder.add_view_no_menu(FormView)
    appbuilder.add_view_no_menu(StatisticsView)
    appbuilder.add_view_no_menu(PackageContentView)
    appbuilder.add_view_no_menu(FormPageView)
    appbuilder.add_view_no_menu(DialogueView)
    appbuilder.add_view(
        OrganisationView,
        "Organisationer",
        label=_l("Organisationer"),
        icon="fa-building",
        category="Stamdata",
        category_label=_l("Stamdata"),
    )
    appbuilder.add_view(
        EstateView, "Afdelinger", label=_l("Afdelinger"), icon="fa-home", category="Stamdata"
    )
    appbuilder.add_view(
        MunicipalityView, "Kommuner", label=_l("Kommuner"), icon="fa-map", category="Stamdata"
    )
    appbuilder.add_view(
        RegionView, "Regioner", label=_l("Regioner"), icon="fa-globe", category="Stamdata"
    )
    appbuilder.add_view(
        YearView,
        "Styringsdialogår",
        label=_l("Styringsdialogår"),
        icon="fa-calendar",
        category="Administration",
        category_label=_l("Administration"),
    )
    appbuilder.add_view(
        AuditEntryView, "Log", label=_l("Log"), icon="fa-list", category="Administration"
    )
    appbuilder.add_view(
        BenchmarkView,
        "Benchmarks",
        label=_l("Benchmarks"),
        icon="fa-balance-scale",
        category="Administration",
    )
    appbuilder.add_view(
        BenchmarkIndexView,
        "Benchmarkindeks",
        label=_l("Indeks for fremskrivning"),
        icon="fa-line-chart",
        category="Administration",
    )
    appbuilder.add_view(
        FlagThresholdView,
        "Tærskler",
        label=_l("Tærskler for kritiske værdier"),
        icon="fa-exclamation-triangle",
        category="Administration",
    )
    appbuilder.add_view(
        RegisterView,
        "Registre",
        label=_l("Registre"),
        icon="fa-upload",
        category="Administration",
    )
    # public pages reached from the footer and the front page, not from the menu
    appbuilder.add_view_no_menu(AboutView)
    appbuilder.add_view_no_menu(AccessibilityView)
    appbuilder.add_view_no_menu(PublishedView)
    appbuilder.add_view_no_menu(InvitationView)
    appbuilder.add_view_no_menu(SessionView)
    _fold_security_menu(appbuilder.menu)
    appbuilder.add_view_no_menu(ApiKeyView)
    # LBF's entry, after the users; a local administrator reaches the same screen from the
    # page header
    appbuilder.add_view(
        UserRightsView,
        "Rettigheder",
        label=_l("Rettigheder"),
        icon="fa-key",
        category="Stamdata",
    )
    for api in (OrganisationApi, EstateApi, PackageApi, FormApi, MunicipalityApi, AnswerApi):
        appbuilder.add_api(api)
    if not appbuilder.app.config.get("FAB_API_SWAGGER_UI"):
        # the API described to its users (key holders among them) without Swagger's pages,
        # which come only in development
        appbuilder.add_api(OpenApi)
    limit_api_keys(appbuilder)


def _fold_security_menu(menu) -> None:
    """LBF's menu fits one line: FAB's "Security" dropdown goes; users join "Stamdata", roles
    join "Administration" (groups are not used)."""
    categories = {item.name: item for item in menu.menu}
    security = categories.get("Security")
    if security is None:
        return
    for child in security.childs:
        target = _SECURITY_ENTRIES.get(child.name)
        if target in categories:
            categories[target].childs.append(child)
    menu.menu.remove(security)
