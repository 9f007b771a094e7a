"""Base classes every generated view and API derives from: the row-level filter and the
write guard are applied here once, so no view can forget them."""

from flask_appbuilder import ModelRestApi, ModelView
from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext, lazy_gettext
from sqlalchemy import Boolean, Date, DateTime, Float, Numeric
from sqlalchemy import Enum as SqlEnum
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from wtforms import BooleanField, SelectField

from app.extensions import db
from app.security import ROW_LEVEL, AccessRefused, RowLevelFilter, ensure_may_write
from app.services.audit import record_changes
from app.views.formatting import danish_date, danish_decimal


def enum_label(enum_cls):
    """A formatter for an enum column: its translated Danish label."""

    def format_value(value) -> str:
        return gettext(enum_cls(value).label) if value not in (None, "") else ""

    return format_value


def format_yes_no(value) -> str:
    if value is None:
        return ""
    return gettext("Ja") if value else gettext("Nej")


def format_optional(value):
    """A relation that is not set shows as nothing, not as "None"."""
    return "" if value is None else value


def format_date(value) -> str:
    """dd-mm-yyyy; a stored UTC time shows in Copenhagen time."""
    return danish_date(value)


def with_row_level(filters) -> list:
    """A related-field query's filters with the row-level filter of the RELATED model in front
    (FAB builds each filter on the related model's datamodel, so `RowLevelFilter.model` is the
    related model); a view's own extra filters narrow it further, never replace it."""
    filters = list(filters or [])
    if any(flt[1] is RowLevelFilter for flt in filters):
        return filters
    return [*ROW_LEVEL, *filters]


def scope_relation_queries(view) -> list[str]:
    """Every relation dropdown of a generated view (search, add, edit) lists only the related
    rows the user may see (DESIGN.md section 3: every generated door takes the same filter).
    Returns the view's relation columns."""
    relations = [c for c in view.datamodel.get_columns_list() if view.datamodel.is_relation(c)]
    for attribute in (
        "search_form_query_rel_fields",
        "add_form_query_rel_fields",
        "edit_form_query_rel_fields",
    ):
        declared = dict(getattr(view, attribute, None) or {})
        setattr(
            view,
            attribute,
            {c: with_row_level(declared.get(c)) for c in {*relations, *declared}},
        )
    return relations


class ScopedRelations:
    """For a FAB view that cannot derive from `ScopedModelView` (FAB's own user views): its
    relation dropdowns take the row-level filter all the same."""

    def __init__(self, **kwargs):
        scope_relation_queries(self)
        super().__init__(**kwargs)


class _DanishWriteErrors(SQLAInterface):
    """FAB's interface, whose database errors on a write reach the screen as one Danish
    sentence instead of the driver's text (which names tables and SQL)."""

    def add(self, item, commit: bool = True) -> None:
        self._refused_in_danish(super().add, item, commit)

    def edit(self, item, commit: bool = True) -> None:
        self._refused_in_danish(super().edit, item, commit)

    def delete(self, item, commit: bool = True) -> None:
        self._refused_in_danish(super().delete, item, commit)

    @staticmethod
    def _refused_in_danish(write, item, commit):
        try:
            write(item, commit)
        except (SQLAlchemyError, DatabaseException):
            db.session.rollback()
            raise WriteRefused(
                gettext(
                    "Posten kan ikke gemmes: en anden post har de samme værdier, eller en "
                    "værdi er ugyldig. Intet er gemt."
                )
            ) from None


class WriteRefused(Exception):
    pass


class ScopedModelView(ModelView):
    """A FAB ModelView limited to the rows the current user may see and act for.

    Besides the rows themselves, every relation dropdown (search, add, edit) lists only the
    related rows the user may see, and enum columns search and show by their Danish labels.
    """

    base_filters = ROW_LEVEL
    # FAB's file download serves its upload folder by name, outside any row filter; no model
    # here keeps files there (attachments live in the database)
    exclude_route_methods = {"download"}

    def __init__(self, **kwargs):
        if type(self.datamodel) is SQLAInterface:
            self.datamodel.__class__ = _DanishWriteErrors
        relations = scope_relation_queries(self)
        enums = {
            c.name: c.type.enum_class
            for c in self.datamodel.obj.__table__.columns
            if isinstance(c.type, SqlEnum) and c.type.enum_class is not None
        }
        labels = self.label_columns or {}
        columns = self.datamodel.obj.__table__.columns

        def enum_field(name, enum_cls, widget=None):
            return SelectField(
                labels.get(name, name),
                choices=[(m.value, lazy_gettext(m.label)) for m in enum_cls],
                widget=widget or Select2Widget(),
                coerce=str,
            )

        self.search_form_extra_fields = {
            name: enum_field(name, enum_cls) for name, enum_cls in enums.items()
        } | dict(self.search_form_extra_fields or {})
        # enums by their Danish labels, and yes/no fields that may be left unticked (FAB would
        # make a non-nullable checkbox required)
        edit_fields = {name: enum_field(name, enum_cls) for name, enum_cls in enums.items()} | {
            c.name: BooleanField(labels.get(c.name, c.name))
            for c in columns
            if isinstance(c.type, Boolean)
        }
        self.add_form_extra_fields = edit_fields | dict(self.add_form_extra_fields or {})
        self.edit_form_extra_fields = edit_fields | dict(self.edit_form_extra_fields or {})
        self.formatters_columns = {
            # a value that is not set shows as nothing, never as "None"
            **{c.name: format_optional for c in columns},
            **{c.name: danish_decimal for c in columns if isinstance(c.type, (Numeric, Float))},
            **{name: enum_label(enum_cls) for name, enum_cls in enums.items()},
            **{c.name: format_date for c in columns if isinstance(c.type, (Date, DateTime))},
            **{c.name: format_yes_no for c in columns if isinstance(c.type, Boolean)},
            **{name: format_optional for name in relations},
            **(self.formatters_columns or {}),
        }
        super().__init__(**kwargs)

    def pre_add(self, item):
        guard_write(item, "create")

    def pre_update(self, item):
        guard_write(item, "update")

    def pre_delete(self, item):
        guard_write(item, "delete")

    def _get_list_widget(self, filters, *args, page_size=None, **kwargs):
        # a page holds at most MAX_PAGE_SIZE rows, whatever the address asks for
        if page_size is not None:
            page_size = max(1, min(int(page_size), MAX_PAGE_SIZE))
        return super()._get_list_widget(filters, *args, page_size=page_size, **kwargs)


MAX_PAGE_SIZE = 500


class CheckedWrites:
    """A view whose items pass `check_item` before they are written; a refusal flashes its
    Danish message and keeps nothing of the half-made change."""

    def check_item(self, item) -> None:
        raise NotImplementedError

    def pre_add(self, item):
        self._checked(item)
        super().pre_add(item)

    def pre_update(self, item):
        self._checked(item)
        super().pre_update(item)

    def _checked(self, item):
        try:
            with db.session.no_autoflush:
                self.check_item(item)
        except Exception:
            db.session.rollback()
            raise


def guard_write(item, action: str):
    """Refuse a write outside the user's scope (FAB then flashes the reason, and the session
    must not keep the half-made change); audit the write that is allowed."""
    try:
        ensure_may_write(item)
    except AccessRefused:
        db.session.rollback()
        raise
    record_changes(item, action)


class ScopedApi(ModelRestApi):
    """A FAB REST API limited like `ScopedModelView`; a refused write answers 403."""

    base_filters = ROW_LEVEL
    allow_browser_login = True

    def create_blueprint(self, appbuilder, *args, **kwargs):
        blueprint = super().create_blueprint(appbuilder, *args, **kwargs)
        blueprint.before_request(self._refuse_unreadable_request)
        return blueprint

    def _refuse_unreadable_request(self):
        # a `q` or a body FAB cannot read answers 400 in Danish, never FAB's 500
        from app.views.errors import api_request_refusal

        refusal = api_request_refusal()
        return None if refusal is None else self.response(refusal[0], message=refusal[1])

    def response(self, code, **kwargs):
        # every message FAB and marshmallow answer with is shown in Danish, like the screens
        from app.views.errors import danish_api_message

        if "message" in kwargs:
            kwargs["message"] = danish_api_message(kwargs["message"])
        return super().response(code, **kwargs)

    def _get_list_related_field(self, field, filter_rel_field, page=None, page_size=None):
        # the one query behind every related field's choices and count in `_info` (add and
        # edit columns, whatever `*_query_rel_fields` a subclass declares): the related
        # model's own row-level filter always applies
        return super()._get_list_related_field(
            field, with_row_level(filter_rel_field), page=page, page_size=page_size
        )

    def _get_field_info(self, field, filter_rel_field, page=None, page_size=None):
        info = super()._get_field_info(field, filter_rel_field, page=page, page_size=page_size)
        if field.name not in self.description_columns:
            # FAB translates an empty description, which gives the catalogue's header
            info["description"] = ""
        return info

    def pre_add(self, item):
        guard_write(item, "create")

    def pre_update(self, item):
        guard_write(item, "update")

    def pre_delete(self, item):
        guard_write(item, "delete")

    def post_headless(self):
        return self._guarded(super().post_headless)

    def get_headless(self, pk, **kwargs):
        if not _is_row_id(pk):
            return self.response_404()
        return super().get_headless(pk, **kwargs)

    def get_list_headless(self, **kwargs):
        try:
            return super().get_list_headless(**kwargs)
        except (OverflowError, DataError):
            db.session.rollback()
            return self.response_400(message=gettext("Ugyldigt filter."))

    def put_headless(self, pk):
        if not _is_row_id(pk):
            return self.response_404()
        return self._guarded(super().put_headless, pk)

    def delete_headless(self, pk):
        if not _is_row_id(pk):
            return self.response_404()
        return self._guarded(super().delete_headless, pk)

    def _guarded(self, call, *args):
        try:
            return call(*args)
        except AccessRefused as refusal:
            return self.response(403, message=str(refusal))
        except (OverflowError, DataError, IntegrityError):
            db.session.rollback()
            return self.response_422(message=gettext("Værdien kan ikke gemmes: den er ugyldig."))


MAX_ROW_ID = 2**31 - 1


def _is_row_id(pk) -> bool:
    """Ids are positive integers the database can hold; anything else names no row."""
    text = str(pk)
    return text.isdigit() and 0 < int(text) <= MAX_ROW_ID
