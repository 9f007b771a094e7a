"""User administration for LBF: every user belongs to one organisation or municipality, or LBF."""

from flask_appbuilder.security.views import UserDBModelView
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from app.rules.access import check_user_affiliation
from app.rules.enums import Role
from app.security import ROW_LEVEL
from app.services.audit import record_changes
from app.views.base import CheckedWrites, ScopedRelations


class AffiliationError(Exception):
    pass


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
