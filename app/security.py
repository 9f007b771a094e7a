"""Login, the acting user, and the one row-level filter per model (DESIGN.md section 5).

Every generated list, show, edit and delete view and every REST endpoint applies
`RowLevelFilter`; exports, downloads and statistics call `row_filter` themselves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from flask import current_app, g, has_request_context, request, session
from flask_appbuilder.api import BaseApi
from flask_appbuilder.const import AUTH_SAML
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import ApiKey
from flask_babel import lazy_gettext as _l
from flask_limiter.util import get_remote_address
from sqlalchemy import and_, false, or_, select, true, union, update
from werkzeug.security import check_password_hash

from app import session_idle
from app.extensions import db
from app.models import (
    AccountsAmount,
    AccountsFiling,
    Agreement,
    Answer,
    AppUser,
    Attachment,
    AuditEntry,
    Benchmark,
    BenchmarkIndex,
    ComplaintCaseCount,
    Estate,
    FlagThreshold,
    Form,
    GuidanceDocument,
    Invitation,
    KeyFigureValue,
    LettingToolUse,
    MailMessage,
    Municipality,
    MunicipalityFigure,
    Organisation,
    Package,
    PackageReturn,
    PrintJob,
    Recipient,
    Region,
    RegisterImport,
    Statement,
    UserOrganisation,
    UserRight,
)
from app.rules.access import Actor, acting_organisation_ids
from app.rules.enums import SUBMITTED_OR_LATER, FormKind, GuideAudience, Right, Role
from app.rules.workflow import Relation

log = logging.getLogger(__name__)


class AccessRefused(Exception):
    """Raised when a user tries to create or move a record outside what they may act for."""


def actor_for(user) -> Actor:
    """Build the rules' view of a user: roles, affiliation and the organisations it acts for."""
    if user is None or not getattr(user, "is_authenticated", False) or user.is_anonymous:
        return Actor(user_id=None, roles=frozenset({Role.PUBLIC}))
    roles = frozenset(Role(r.name) for r in user.roles if r.name in Role._value2member_map_)
    # the rights granted (app.rules.rights): a user holds none until granted
    rights = frozenset(
        db.session.scalars(select(UserRight.right).where(UserRight.user_id == user.id))
    )
    organisation_ids: frozenset[int] = frozenset()
    granted: frozenset[int] = frozenset()
    if user.organisation_id is not None and rights:
        granted = frozenset(
            db.session.scalars(
                select(UserOrganisation.organisation_id).where(UserOrganisation.user_id == user.id)
            )
        )
        administered = frozenset(
            db.session.scalars(
                select(Organisation.id).where(
                    Organisation.administered_by_id == user.organisation_id
                )
            )
        )
        if Right.ALL_ADMINISTERED in rights:
            granted |= administered
        organisation_ids = acting_organisation_ids(user.organisation_id, administered, granted)
    return Actor(
        user_id=user.id,
        roles=roles,
        organisation_id=user.organisation_id,
        municipality_id=user.municipality_id,
        organisation_ids=organisation_ids,
        rights=rights,
        granted_organisation_ids=granted,
    )


def current_actor() -> Actor:
    """The acting user of this request, computed once per request."""
    if not has_request_context():
        return Actor(user_id=None, roles=frozenset({Role.PUBLIC}))
    actor = g.get("_actor")
    # FAB's view of the user: the session's, or the bearer of a JWT on the API
    user = current_app.appbuilder.sm.current_user
    user_id = getattr(user, "id", None) if user is not None else None
    if actor is None or actor.user_id != user_id:
        actor = actor_for(user)
        g._actor = actor
    return actor


# --- row-level filters -----------------------------------------------------------------------


def _own_packages(actor: Actor):
    """An organisation's packages, and those of the administered organisations the user was
    granted that it was the administrator of when their year was opened (a change of
    administrator reaches an opened year only when LBF applies it); for a user who may read
    packages."""
    if not actor.reads_packages:
        return false()
    administered = Package.administered_by_id == actor.organisation_id
    if not actor.acts_for_all_administered:
        administered = and_(
            administered, Package.organisation_id.in_(actor.granted_organisation_ids)
        )
    return or_(Package.organisation_id == actor.organisation_id, administered)


def _located_packages(municipality_id: int):
    """Packages with an estate form of an estate that lay in the municipality when the year
    was opened."""
    return select(Form.package_id).where(Form.municipality_id == municipality_id)


def _municipality_packages(municipality_id: int):
    """Packages a municipality receives: as the home municipality they were opened with, or
    as the municipality of one of their estates (see `_received_packages` for its users)."""
    return or_(
        Package.home_municipality_id == municipality_id,
        Package.id.in_(_located_packages(municipality_id)),
    )


def _home_organisation_ids(municipality_id: int):
    """Organisations whose home municipality it is now or was when a package was opened."""
    return union(
        select(Organisation.id).where(Organisation.home_municipality_id == municipality_id),
        select(Package.organisation_id).where(Package.home_municipality_id == municipality_id),
    )


def _located_estate_ids(municipality_id: int):
    """Estates in the municipality now, or when a package with their form was opened."""
    return union(
        select(Estate.id).where(Estate.municipality_id == municipality_id),
        select(Form.estate_id).where(Form.municipality_id == municipality_id),
    )


def _municipality_organisation_ids(municipality_id: int):
    """Organisations a municipality supervises (home) or has estates of (location), now or in
    a package it receives."""
    return union(
        select(Organisation.id).where(Organisation.home_municipality_id == municipality_id),
        select(Package.organisation_id).where(Package.home_municipality_id == municipality_id),
        select(Estate.organisation_id).where(Estate.municipality_id == municipality_id),
        select(Package.organisation_id).where(Package.id.in_(_located_packages(municipality_id))),
    )


def _received_packages(actor: Actor):
    """The packages a municipality receives, for a user of it who may read packages."""
    if not actor.reads_packages:
        return false()
    return _municipality_packages(actor.municipality_id)


def _package_filter(actor: Actor):
    if actor.is_organisation:
        return _own_packages(actor)
    if actor.is_municipality:
        return _received_packages(actor)
    return false()


def _form_filter(actor: Actor):
    """A package's content opens to a municipality only once submitted; a location
    municipality then sees the report and its own estates' forms."""
    if actor.is_organisation:
        return Form.package_id.in_(select(Package.id).where(_own_packages(actor)))
    if actor.is_municipality and actor.reads_packages:
        m = actor.municipality_id
        home_packages = select(Package.id).where(
            Package.home_municipality_id == m, Package.status.in_(SUBMITTED_OR_LATER)
        )
        location_packages = select(Package.id).where(
            Package.id.in_(_located_packages(m)), Package.status.in_(SUBMITTED_OR_LATER)
        )
        return or_(
            Form.package_id.in_(home_packages),
            and_(
                Form.package_id.in_(location_packages),
                or_(Form.kind != FormKind.ESTATE_FORM, Form.municipality_id == m),
            ),
        )
    return false()


def _submitted_package_content_filter(column, actor: Actor):
    """Attachments and other package content: the organisation always, a municipality once
    the package is submitted."""
    if actor.is_organisation:
        return column.in_(select(Package.id).where(_own_packages(actor)))
    if actor.is_municipality:
        return column.in_(
            select(Package.id).where(
                _received_packages(actor), Package.status.in_(SUBMITTED_OR_LATER)
            )
        )
    return false()


def _organisation_scoped(column, actor: Actor):
    if actor.is_organisation:
        return column.in_(actor.organisation_ids)
    if actor.is_municipality and actor.rights:
        return column.in_(_municipality_organisation_ids(actor.municipality_id))
    return false()


def _estate_filter(actor: Actor):
    if actor.is_organisation:
        return Estate.organisation_id.in_(actor.organisation_ids)
    if actor.is_municipality and actor.rights:
        m = actor.municipality_id
        return or_(
            Estate.id.in_(_located_estate_ids(m)),
            Estate.organisation_id.in_(_home_organisation_ids(m)),
        )
    return false()


def _key_figure_filter(actor: Actor):
    if actor.is_organisation:
        return KeyFigureValue.organisation_id.in_(actor.organisation_ids)
    if actor.is_municipality and actor.rights:
        m = actor.municipality_id
        return or_(
            KeyFigureValue.organisation_id.in_(_home_organisation_ids(m)),
            KeyFigureValue.estate_id.in_(_located_estate_ids(m)),
        )
    return false()


def _statement_filter(actor: Actor):
    """A statement is public once given; before that the municipality that wrote it, the
    home municipality of its package and the package's organisation see it."""
    if actor.is_municipality and actor.reads_packages:
        home_packages = select(Package.id).where(
            Package.home_municipality_id == actor.municipality_id
        )
        return or_(
            Statement.published.is_(True),
            Statement.municipality_id == actor.municipality_id,
            Statement.package_id.in_(home_packages),
        )
    if actor.is_organisation:
        return or_(
            Statement.published.is_(True),
            Statement.package_id.in_(select(Package.id).where(_own_packages(actor))),
        )
    return Statement.published.is_(True)


def _guidance_filter(actor: Actor):
    """A guidance document: for everyone logged in, or for the organisations or the
    municipalities only."""
    if actor.is_organisation:
        return GuidanceDocument.audience.in_([GuideAudience.ALL, GuideAudience.ORGANISATIONS])
    if actor.is_municipality:
        return GuidanceDocument.audience.in_([GuideAudience.ALL, GuideAudience.MUNICIPALITIES])
    return false()


def _user_filter(actor: Actor):
    """Oneself; a local administrator also the users of its own organisation or
    municipality."""
    if actor.user_id is None:
        return false()
    if actor.holds(Right.LOCAL_ADMIN) and actor.organisation_id is not None:
        return or_(AppUser.id == actor.user_id, AppUser.organisation_id == actor.organisation_id)
    if actor.holds(Right.LOCAL_ADMIN) and actor.municipality_id is not None:
        return or_(AppUser.id == actor.user_id, AppUser.municipality_id == actor.municipality_id)
    return AppUser.id == actor.user_id


def _invitation_filter(actor: Actor):
    """A local administrator's invitations to its own organisation or municipality."""
    if not actor.holds(Right.LOCAL_ADMIN):
        return false()
    if actor.organisation_id is not None:
        return Invitation.organisation_id == actor.organisation_id
    if actor.municipality_id is not None:
        return Invitation.municipality_id == actor.municipality_id
    return false()


def _audit_filter(actor: Actor):
    """The log of the packages an organisation's user reads; a local administrator's also
    the changes of the rights of the users it sees."""
    packages = (
        AuditEntry.package_id.in_(select(Package.id).where(_package_filter(actor)))
        if actor.is_organisation
        else false()
    )
    if not actor.holds(Right.LOCAL_ADMIN):
        return packages
    users = and_(
        AuditEntry.entity == "AppUser",
        AuditEntry.entity_id.in_(select(AppUser.id).where(_user_filter(actor))),
    )
    return or_(packages, users)


_FILTERS = {
    Region: lambda actor: true(),
    Municipality: lambda actor: true(),
    Benchmark: lambda actor: true(),
    BenchmarkIndex: lambda actor: true(),
    FlagThreshold: lambda actor: true(),
    MunicipalityFigure: lambda actor: true(),
    ComplaintCaseCount: lambda actor: _organisation_scoped(
        ComplaintCaseCount.organisation_id, actor
    ),
    LettingToolUse: lambda actor: LettingToolUse.estate_id.in_(
        select(Estate.id).where(_estate_filter(actor))
    ),
    Organisation: lambda actor: _organisation_scoped(Organisation.id, actor),
    Estate: _estate_filter,
    Package: _package_filter,
    Form: _form_filter,
    Answer: lambda actor: Answer.form_id.in_(select(Form.id).where(_form_filter(actor))),
    KeyFigureValue: _key_figure_filter,
    AccountsFiling: lambda actor: _organisation_scoped(AccountsFiling.organisation_id, actor),
    AccountsAmount: lambda actor: _organisation_scoped(AccountsAmount.organisation_id, actor),
    Attachment: lambda actor: _submitted_package_content_filter(Attachment.package_id, actor),
    Statement: _statement_filter,
    Agreement: lambda actor: (
        false()
        if not actor.reads_packages
        else Agreement.municipality_id == actor.municipality_id
        if actor.is_municipality
        else _organisation_scoped(Agreement.organisation_id, actor)
    ),
    AuditEntry: _audit_filter,
    Invitation: _invitation_filter,
    AppUser: _user_filter,
    Recipient: lambda actor: Recipient.package_id.in_(
        select(Package.id).where(_package_filter(actor))
    ),
    PackageReturn: lambda actor: PackageReturn.package_id.in_(
        select(Package.id).where(_package_filter(actor))
    ),
    MailMessage: lambda actor: false(),
    RegisterImport: lambda actor: false(),  # LBF's own work: the filter lets LBF see all
    PrintJob: lambda actor: false(),  # reached only through printing.job_for, per reader
    GuidanceDocument: _guidance_filter,
}


def row_filter(model, actor: Actor | None = None):
    """The WHERE clause that limits `model` to the rows `actor` may see."""
    actor = actor or current_actor()
    if actor.is_lbf:
        return true()
    for cls in model.__mro__:
        if cls in _FILTERS:
            return _FILTERS[cls](actor)
    raise LookupError(f"no row-level filter for {model.__name__}")


def visible(model, actor: Actor | None = None):
    """A select of the rows of `model` that `actor` may see."""
    return select(model).where(row_filter(model, actor))


def visible_years(model, actor: Actor | None = None) -> list[int]:
    """The years of the rows of `model` that `actor` may see, newest first."""
    return list(
        db.session.scalars(
            select(model.year)
            .where(row_filter(model, actor))
            .distinct()
            .order_by(model.year.desc())
        )
    )


class RowLevelFilter(BaseFilter):
    """FAB filter applying `row_filter` to every generated view and API."""

    name = _l("Adgang")
    arg_name = None

    def apply(self, query, value):
        return query.filter(row_filter(self.model))


ROW_LEVEL = [["id", RowLevelFilter, lambda: None]]


# --- writes ----------------------------------------------------------------------------------


def relations_to_package(
    actor: Actor, package: Package, acting: bool = True
) -> frozenset[Relation]:
    """How the actor stands to a package, for the workflow's `allowed_transitions`: with
    `acting`, only the relations the actor's rights let it act in (an organisation's user who
    may fill in and send, a municipality's user who may process); otherwise those it reads
    the package in."""
    relations = set()
    if actor.is_lbf:
        relations.add(Relation.LBF)
        return frozenset(relations)
    may = actor.may_act_for_package if acting else actor.may_read_package
    if may(package.organisation_id, package.administered_by_id):
        relations.add(Relation.ORGANISATION)
    if actor.is_municipality and actor.holds(Right.PROCESS if acting else Right.READ):
        if package.home_municipality_id == actor.municipality_id:
            relations.add(Relation.HOME_MUNICIPALITY)
        elif db.session.scalar(
            select(Form.id)
            .where(Form.package_id == package.id, Form.municipality_id == actor.municipality_id)
            .limit(1)
        ):
            relations.add(Relation.LOCATION_MUNICIPALITY)
    return frozenset(relations)


def ensure_may_write(item, actor: Actor | None = None) -> None:
    """Refuse creating or moving a record outside what the actor may act for.

    LBF may write everything its permissions allow; anyone else only rows that stay inside
    their own row-level scope after the change (checked against the database, so a moved
    foreign key is judged by where it points now).
    """
    actor = actor or current_actor()
    if actor.is_lbf:
        return
    with db.session.no_autoflush:
        if _may_write(item, actor):
            return
    if actor.is_municipality and not actor.holds(Right.PROCESS):
        raise AccessRefused(_l("Du har ikke rettighed til at behandle dokumentationspakker."))
    if actor.is_organisation and not actor.holds(Right.FILL_AND_SEND):
        raise AccessRefused(
            _l("Du har ikke rettighed til at udfylde og fremsende dokumentationspakker.")
        )
    if actor.is_municipality and isinstance(item, Package):
        raise AccessRefused(
            _l("Kun hjemstedskommunen kan fastsætte fristen for organisationens pakke.")
        )
    raise AccessRefused(
        _l("Du kan ikke oprette, ændre eller flytte denne post: du handler ikke for den.")
    )


def _may_write(item, actor: Actor) -> bool:
    if actor.is_organisation:
        package = _package_of(item)
        if package is not None:
            return actor.may_act_for_package(package.organisation_id, package.administered_by_id)
        owner = (
            item.id if isinstance(item, Organisation) else getattr(item, "organisation_id", None)
        )
        return actor.holds(Right.FILL_AND_SEND) and owner in actor.organisation_ids
    if actor.is_municipality and not actor.holds(Right.PROCESS):
        return False
    if actor.is_municipality and isinstance(item, Package):
        # the home municipality sets an organisation's deadline: the package's, as stored
        stored = db.session.scalar(
            select(Package.home_municipality_id).where(Package.id == item.id)
        )
        return stored == actor.municipality_id == item.home_municipality_id
    if actor.is_municipality and isinstance(item, Statement | Agreement):
        return item.municipality_id == actor.municipality_id
    return False


def _package_of(item) -> Package | None:
    """The package a record belongs to: the package itself, or the package of a form, an
    attachment or a statement."""
    if isinstance(item, Package):
        return item
    if isinstance(item, Form | Attachment | Statement):
        return db.session.get(Package, item.package_id) if item.package_id else None
    return None


# --- sessions and logins ----------------------------------------------------------------------

SESSION_GENERATION = "_generation"


def login_attempt_key() -> str:
    """Login attempts count per client address and user name, so that guessing one user's
    password locks out that user from that address, not the colleagues behind the same one."""
    payload = request.get_json(silent=True) if request.is_json else None
    name = payload.get("username") if isinstance(payload, dict) else request.form.get("username")
    name = name.strip().lower()[:100] if isinstance(name, str) else ""
    return f"{get_remote_address()}|{name}"


def api_key_identity() -> str:
    """A case system's requests count per key (its lookup hash), wherever they come from."""
    key = current_app.appbuilder.sm.extract_api_key_from_request() or ""
    return "api-key|" + hashlib.sha256(key.encode()).hexdigest()


def limit_api_keys(appbuilder) -> None:
    """Every REST API answers a key at most `API_KEY_RATE_LIMIT` times (429 beyond); requests
    without a key are not counted here."""
    rate = current_app.config.get("API_KEY_RATE_LIMIT")
    if not rate:
        return
    sm = appbuilder.sm
    for view in appbuilder.baseviews:
        if isinstance(view, BaseApi) and view.blueprint is not None:
            sm.limiter.limit(
                rate,
                key_func=api_key_identity,
                exempt_when=lambda: sm.extract_api_key_from_request() is None,
            )(view.blueprint)


class TokenLoginApi(SecurityApi):
    """`/api/v1/security/login` and `/refresh` issue JSON Web Tokens only when the
    installation asks for them (API_TOKEN_LOGIN); otherwise the routes do not exist."""

    def __init__(self):
        if not current_app.config.get("API_TOKEN_LOGIN"):
            self.include_route_methods = set()
        super().__init__()


class AppSecurityManager(SecurityManager):
    user_model = AppUser
    # FAB's user statistics chart is not needed (and answers 500 on odd input)
    userstatschartview = None
    security_api = TokenLoginApi

    def create_limiter(self, app):
        app.config.setdefault("RATELIMIT_KEY_FUNC", login_attempt_key)
        return super().create_limiter(app)

    def register_views(self) -> None:
        from app.extensions import csrf
        from app.views.login import NemLogInAuthView, password_login
        from app.views.users import AppRoleModelView, AppUserDBModelView, AppUserGroupModelView

        self.userdbmodelview = AppUserDBModelView
        # with SAML on, LBF manages users in the same screen (passwords for LBF's staff)
        self.usersamlmodelview = AppUserDBModelView
        if AppUserDBModelView.datamodel is None:  # FAB gave it to the SAML user view
            AppUserDBModelView.datamodel = SQLAInterface(self.user_model)
        self.authsamlview = NemLogInAuthView
        self.rolemodelview = AppRoleModelView
        self.groupmodelview = AppUserGroupModelView
        super().register_views()
        if self.auth_type == AUTH_SAML:
            # NemLog-in posts its answer from its own site: no form token can come with it
            csrf.exempt(f"{NemLogInAuthView.__module__}.{NemLogInAuthView.acs.__name__}")
            if password_login() != "none":
                self.appbuilder.add_view_no_menu(self.resetpasswordview())
                self.appbuilder.add_view_no_menu(self.resetmypasswordview())
        if not self.is_auth_limited:
            return
        per_address = current_app.config.get("AUTH_RATE_LIMIT_PER_ADDRESS")
        for view in self.appbuilder.baseviews:
            if view.blueprint is None:
                continue
            if isinstance(view, SecurityApi):
                # the API login (JWT) is limited like the login page: no open guessing route
                self.limiter.limit(self.auth_rate_limit, methods=["POST"])(view.blueprint)
            if per_address and (isinstance(view, SecurityApi) or view is self.auth_view):
                # one address trying many user names is stopped as well
                self.limiter.limit(per_address, methods=["POST"], key_func=get_remote_address)(
                    view.blueprint
                )

    def validate_api_key(self, api_key_string):
        """A case system's key (app/services/api_keys.py) opens what its organisation's users
        may see: its holder is loaded as the platform's user, with its organisation, and each
        use is in the log. A revoked, expired or unknown key opens nothing."""
        from app.services.api_keys import record_use

        key = db.session.scalar(
            select(ApiKey).where(ApiKey.lookup_hash == self._compute_lookup_hash(api_key_string))
        )
        if key is None or not check_password_hash(key.key_hash, api_key_string):
            return None
        if not key.is_active:
            return None
        holder = db.session.get(AppUser, key.user_id)
        if holder is None or not holder.active:
            return None
        key.last_used_on = dt.datetime.now(dt.UTC).replace(tzinfo=None)  # shown as local time
        record_use(holder, request.method, request.path)
        g.user = holder
        g._api_key_user = True
        return holder

    @staticmethod
    def _prepare_saml_request() -> dict:
        """The request as the SAML library reads it (the host carries its port: the
        library's separate port key is deprecated)."""
        return {
            "https": "on" if request.scheme == "https" else "off",
            "http_host": request.host,
            "script_name": request.path,
            "get_data": request.args.copy(),
            "post_data": request.form.copy(),
            "query_string": request.query_string.decode("utf-8"),
        }

    def auth_user_db(self, username, password):
        """A password opens the platform only as far as the configuration lets it: with
        PASSWORD_LOGIN=lbf only to LBF's staff, with none to no one (the JSON Web Token
        login on the API included)."""
        from app.views.login import password_login

        policy = password_login()
        if policy == "none":
            log.info("password login refused for %s: passwords are off", username)
            return None
        if policy == "lbf" and username:
            user = self.find_user(username=username) or self.find_user(email=username)
            if user is not None and not any(r.name == Role.LBF.value for r in user.roles):
                # the same work as a wrong password, so the answer tells nothing
                check_password_hash(
                    current_app.config["AUTH_DB_FAKE_PASSWORD_HASH_CHECK"], "password"
                )
                log.info("password login refused for %s: not LBF's staff", username)
                return None
        return super().auth_user_db(username, password)

    def load_user(self, pk):
        """A session opens only if it was issued in the user's current generation (after a
        logout the old cookie opens nothing, in any worker) and has not been idle longer than
        the idle timeout (`app.session_idle`)."""
        user = super().load_user(pk)
        if user is None or session.get(SESSION_GENERATION) != user.session_generation:
            return None
        if not session_idle.still_active():
            return None
        return user

    def load_user_jwt(self, _jwt_header, jwt_data):
        # a token carries no session: it is judged by its signature and expiry alone
        user = super().load_user(jwt_data["sub"])
        if user is not None:
            g.user = user
        return user

    def on_user_login(self, user) -> None:
        session[SESSION_GENERATION] = user.session_generation
        session_idle.start()

    def on_user_logout(self, user) -> None:
        db.session.execute(
            update(AppUser)
            .where(AppUser.id == user.id)
            .values(session_generation=AppUser.session_generation + 1)
        )
        db.session.commit()
        session.pop(SESSION_GENERATION, None)

    def create_roles(self) -> None:
        """Make sure every role of the platform exists (permissions come from FAB_ROLES)."""
        for role in Role:
            if self.find_role(role.value) is None:
                self.add_role(role.value)
