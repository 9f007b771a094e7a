"""What each role may open: FAB's built-in roles, as (view regex, permission regex) pairs.

Row-level limits come on top of these, from `app.security`.
"""

from app.rules.enums import Role

_SELF_SERVICE = [
    ["UserInfoEditView", "can_this_form_(get|post)"],
    ["ResetMyPasswordView", "can_this_form_(get|post)"],
    ["AppUserDBModelView", "can_(userinfo|resetmypassword)"],
    ["AppUserDBModelView", "userinfoedit"],
]
_FOLLOW = [
    ["OverviewView", "can_.*"],
    ["StatisticsView", "can_.*"],
    ["PackageContentView", "can_show"],
    ["FormPageView", "can_(first_section|section|csrf_token)"],
    ["PackageView", "can_(list|show)"],
    ["FormView", "can_(list|show)"],
    ["OrganisationView", "can_(list|show)"],
    ["EstateView", "can_(list|show)"],
    ["PackageApi|FormApi|OrganisationApi|EstateApi", "can_(get|info)"],
    ["MunicipalityView|RegionView", "can_(list|show)"],
    ["MunicipalityApi", "can_(get|info)"],
    # the dialogue's actions: each service decides who may do what to which package
    ["DialogueView", "can_.*"],
]
# Menu entries (by menu name): each role sees only what it uses, on one line. The views
# behind other entries stay reachable from links where a role may open them. A dropdown with
# a single entry for a role ("Stamdata") shows as that entry (appbuilder/navbar_menu.html).
_MENU = "menu_access"
_ORGANISATION_MENU = [["^(Oversigt|Dokumentationspakker|Stamdata|Afdelinger)$", _MENU]]
_MUNICIPALITY_MENU = [["^(Oversigt|Dokumentationspakker|Stamdata|Organisationer)$", _MENU]]
# users and rights: the service lets a local administrator in, and refuses everyone else
_LOCAL_ADMINISTRATION = [["UserRightsView", "can_.*"]]
_ORGANISATION = [
    *_FOLLOW,
    *_ORGANISATION_MENU,
    *_SELF_SERVICE,
    *_LOCAL_ADMINISTRATION,
    ["AuditEntryView", "can_(list|show)"],
    ["PackageContentView", "can_(last_year|benchmarks)"],
    ["FormPageView", "can_save"],
    # a case system's key: the answers through the API, the API described (OpenAPI)
    ["AnswerApi", "can_(get|post)"],
    ["OpenApi", "can_get"],
    ["ApiKeyView", "can_.*"],
]

FAB_ROLES = {
    Role.LBF.value: [[".*", ".*"]],
    Role.HOUSING.value: _ORGANISATION,
    Role.ADMINISTRATION.value: _ORGANISATION,
    Role.MUNICIPALITY.value: [
        *_FOLLOW,
        *_MUNICIPALITY_MENU,
        *_SELF_SERVICE,
        *_LOCAL_ADMINISTRATION,
        ["PackageView", "can_edit"],
        ["PackageApi", "can_put"],
    ],
    Role.PUBLIC.value: [["AboutView", "can_.*"]],
}
