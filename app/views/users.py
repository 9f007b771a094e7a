"""User administration for LBF: every user belongs to one organisation or municipality, or LBF."""

from flask_appbuilder.security.sqla.models import Role as RoleModel
from flask_appbuilder.security.views import RoleModelView, UserDBModelView, UserGroupModelView
from flask_appbuilder.widgets import ListWidget, ShowWidget
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.rules.access import check_user_affiliation
from app.rules.enums import N_, Role
from app.security import ROW_LEVEL
from app.services.audit import record_changes
from app.views.base import CheckedWrites, ScopedRelations, format_date, format_yes_no

# what each role does, in words (LBF reads them on the roles list)
ROLE_DESCRIPTIONS = {
    Role.LBF: N_(
        "Landsbyggefonden: vedligeholder stamdata, brugere, benchmarks og tærskler, åbner "
        "styringsdialogår og følger alle dokumentationspakker."
    ),
    Role.HOUSING: N_(
        "Boligorganisation: udarbejder og fremsender sin egen dokumentationspakke til kommunen."
    ),
    Role.ADMINISTRATION: N_(
        "Administrationsorganisation: udarbejder dokumentationspakker for de "
        "boligorganisationer, den administrerer, og sin egen."
    ),
    Role.MUNICIPALITY: N_(
        "Kommune: læser de fremsendte dokumentationspakker for afdelingerne i kommunen og "
        "fastsætter fristerne."
    ),
    Role.PUBLIC: N_("Offentlig adgang: ser kun siden om styringsdialogen."),
}


def role_label(name) -> str:
    """A role in words: LBF -> Landsbyggefonden (a role the platform does not know keeps its
    name)."""
    name = getattr(name, "name", name)
    if name in Role._value2member_map_:
        return gettext(Role(name).label)
    return name or ""


def format_roles(roles) -> str:
    return ", ".join(role_label(role) for role in roles or [])


def role_description(role_id) -> str:
    role = db.session.get(RoleModel, role_id) if role_id is not None else None
    if role is None or role.name not in Role._value2member_map_:
        return ""
    return gettext(ROLE_DESCRIPTIONS[Role(role.name)])


def format_affiliation(value) -> str:
    # a user bound to neither an organisation nor a municipality is LBF's
    return gettext("Landsbyggefonden") if value == "Landsbyggefonden" else (value or "")


def format_optional(value):
    return "" if value is None else value


def format_count(value) -> int:
    # a user who never logged in has no count yet: none is 0
    return value or 0


class AffiliationError(Exception):
    pass


def name_roles_in_words(view) -> None:
    """A generated form's role choices by their words (Kommune, Municipality), not their
    stored names."""
    for form in (view.add_form, view.edit_form, view.search_form):
        field = getattr(form, "roles", None) if form is not None else None
        if field is not None and hasattr(field, "kwargs"):
            field.kwargs["get_label"] = role_label


class AppUserDBModelView(CheckedWrites, ScopedRelations, UserDBModelView):
    base_filters = ROW_LEVEL
    list_columns = [
        "first_name",
        "last_name",
        "username",
        "email",
        "active",
        "roles",
        "affiliation",
    ]
    _affiliation = ["organisation", "municipality"]
    _person = ["first_name", "last_name", "username", "active", "email", "roles"]
    add_columns = [*_person, *_affiliation, "password", "conf_password"]
    edit_columns = [*_person, *_affiliation]
    search_columns = [*_person, *_affiliation]
    # the list sorts by plain columns only (roles and affiliation are not sortable)
    order_columns = ["first_name", "last_name", "username", "email", "active"]
    show_fieldsets = [
        *UserDBModelView.show_fieldsets[:2],
        (_l("Tilknytning"), {"fields": _affiliation, "expanded": True}),
        UserDBModelView.show_fieldsets[2],
    ]
    label_columns = {
        **UserDBModelView.label_columns,
        "organisation": _l("Organisation"),
        "municipality": _l("Kommune"),
        "affiliation": _l("Tilknytning"),
    }
    validators_columns = {}
    formatters_columns = {
        "active": format_yes_no,
        "roles": format_roles,
        "affiliation": format_affiliation,
        "organisation": format_optional,
        "municipality": format_optional,
        "login_count": format_count,
        "fail_login_count": format_count,
        "last_login": format_date,
        "created_on": format_date,
        "changed_on": format_date,
        "created_by": format_optional,
        "changed_by": format_optional,
    }

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        name_roles_in_words(self)

    def pre_add(self, item):
        super().pre_add(item)
        record_changes(item, "create")

    def pre_update(self, item):
        super().pre_update(item)
        record_changes(item, "update")

    def check_item(self, item):
        roles = [Role(r.name) for r in item.roles if r.name in Role._value2member_map_]
        if len(roles) != len(item.roles):
            raise AffiliationError(gettext("Ukendt rolle."))
        violations = check_user_affiliation(
            roles,
            item.organisation.kind if item.organisation is not None else None,
            item.municipality is not None,
        )
        if violations:
            raise AffiliationError(" ".join(gettext(v.message) for v in violations))


class AppRoleModelView(RoleModelView):
    """The roles in words: each role's Danish name and what it does (FAB's own list shows its
    permission patterns); editing keeps FAB's permission form."""

    list_widget = ListWidget
    show_widget = ShowWidget
    list_title = _l("Roller")
    show_title = _l("Rolle")
    # the description is derived from the role's name; `id` is the column that carries it
    list_columns = ["name", "id"]
    show_columns = ["name", "id"]
    search_columns = ["name"]
    label_columns = {
        "name": _l("Rolle"),
        "id": _l("Beskrivelse"),
        "permissions": _l("Rettigheder"),
        "user": _l("Brugere"),
    }
    formatters_columns = {"name": role_label, "id": role_description}


class AppUserGroupModelView(UserGroupModelView):
    """FAB's user groups with Danish headers."""

    label_columns = {
        "name": _l("Navn"),
        "label": _l("Betegnelse"),
        "description": _l("Beskrivelse"),
        "users": _l("Brugere"),
        "roles": _l("Roller"),
    }
    formatters_columns = {"roles": format_roles}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        name_roles_in_words(self)
