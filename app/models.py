"""Tables, constraints and relationships. Every change here comes with a migration."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import User
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.rules.access import KEY_HOLDER_PREFIX
from app.rules.enums import (
    EstateState,
    FormKind,
    FormStatus,
    GuideAudience,
    ImportStatus,
    OrganisationKind,
    PackageStatus,
    PrintStatus,
    Right,
)


def _enum(enum_cls, name: str) -> Enum:
    """Store the enum's value as a string, checked by the database."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda cls: [member.value for member in cls],
        validate_strings=True,
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Region(Model):
    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)

    municipalities: Mapped[list[Municipality]] = relationship(back_populates="region")

    def __repr__(self) -> str:
        return self.name


class Municipality(Model):
    __tablename__ = "municipality"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    notification_email: Mapped[str | None] = mapped_column(String(320))
    # the municipality's CVR number: a MitID Erhverv login with it belongs to the municipality
    cvr: Mapped[str | None] = mapped_column(String(8), unique=True)

    region: Mapped[Region] = relationship(back_populates="municipalities")

    __table_args__ = (
        CheckConstraint("code BETWEEN 100 AND 999", name="ck_municipality_code"),
        CheckConstraint("cvr IS NULL OR length(cvr) = 8", name="ck_municipality_cvr"),
    )

    @validates("cvr")
    def _cvr_or_none(self, _key, value):
        return _blank_is_none(value)

    def __repr__(self) -> str:
        return self.name


def _blank_is_none(value: str | None) -> str | None:
    """A form's empty field is no value (a CVR number is unique: two blanks would clash)."""
    value = value.strip() if isinstance(value, str) else value
    return value or None


class Organisation(Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(_enum(OrganisationKind, "organisation_kind"))
    home_municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    administered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # the organisation's CVR number: a MitID Erhverv login with it belongs to the organisation
    cvr: Mapped[str | None] = mapped_column(String(8), unique=True)

    home_municipality: Mapped[Municipality] = relationship()
    administered_by: Mapped[Organisation | None] = relationship(
        remote_side="Organisation.id", back_populates="administered"
    )
    administered: Mapped[list[Organisation]] = relationship(back_populates="administered_by")
    estates: Mapped[list[Estate]] = relationship(
        back_populates="organisation", order_by="Estate.number"
    )
    packages: Mapped[list[Package]] = relationship(
        back_populates="organisation",
        order_by="Package.year.desc()",
        foreign_keys="Package.organisation_id",
    )

    __table_args__ = (
        CheckConstraint("number > 0", name="ck_organisation_number_positive"),
        CheckConstraint(
            "administered_by_id IS NULL OR administered_by_id <> id",
            name="ck_organisation_not_self_administered",
        ),
        CheckConstraint("cvr IS NULL OR length(cvr) = 8", name="ck_organisation_cvr"),
    )

    @validates("cvr")
    def _cvr_or_none(self, _key, value):
        return _blank_is_none(value)

    def __repr__(self) -> str:
        return f"{self.number} {self.name}"


class Estate(Model):
    """An estate (afdeling): its own accounts, dwellings of three types, one municipality."""

    __tablename__ = "estate"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(300))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    state: Mapped[EstateState] = mapped_column(
        _enum(EstateState, "estate_state"), default=EstateState.IN_OPERATION
    )
    built_year: Mapped[int | None] = mapped_column(Integer)
    family_dwellings: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    elderly_dwellings: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    youth_dwellings: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    area_m2: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    organisation: Mapped[Organisation] = relationship(back_populates="estates")
    municipality: Mapped[Municipality] = relationship()

    __table_args__ = (
        UniqueConstraint("organisation_id", "number", name="uq_estate_number_per_organisation"),
        CheckConstraint(
            "family_dwellings >= 0 AND elderly_dwellings >= 0 AND youth_dwellings >= 0"
            " AND area_m2 >= 0",
            name="ck_estate_counts_not_negative",
        ),
    )

    @property
    def dwellings(self) -> int:
        return self.family_dwellings + self.elderly_dwellings + self.youth_dwellings

    @validates("cvr")
    def _cvr_or_none(self, _key, value):
        return _blank_is_none(value)

    def __repr__(self) -> str:
        return f"{self.number} {self.name}"


class Package(Model):
    """One organisation's documentation package for one dialogue year."""

    __tablename__ = "package"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    questionnaire_version: Mapped[str] = mapped_column(String(20))
    # Only services assign the status (DESIGN.md section 3).
    status: Mapped[PackageStatus] = mapped_column(
        _enum(PackageStatus, "package_status"), default=PackageStatus.READY, index=True
    )
    deadline: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    meeting_date: Mapped[dt.date | None] = mapped_column(Date)
    # the benchmarks the package is compared with: those valid at this moment; set when the
    # package is opened and moved only by "Opdater benchmarktal" before submission
    benchmarks_as_of: Mapped[dt.datetime | None] = mapped_column(DateTime, default=_now)
    # who the package goes to and who acts for the organisation, as the master data said when
    # the year was opened: a later change of the organisation's home municipality or
    # administrator reaches the package only when LBF applies it (services/master_data.py)
    home_municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    administered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), index=True
    )

    # a package is always shown with its organisation: load them together
    organisation: Mapped[Organisation] = relationship(
        back_populates="packages", lazy="joined", foreign_keys=[organisation_id]
    )
    home_municipality: Mapped[Municipality] = relationship()
    administered_by: Mapped[Organisation | None] = relationship(foreign_keys=[administered_by_id])
    forms: Mapped[list[Form]] = relationship(
        back_populates="package", order_by="Form.sort_key", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="package", cascade="all, delete-orphan"
    )
    statements: Mapped[list[Statement]] = relationship(
        back_populates="package", cascade="all, delete-orphan"
    )
    recipients: Mapped[list[Recipient]] = relationship(
        back_populates="package", cascade="all, delete-orphan", order_by="Recipient.id"
    )
    returns: Mapped[list[PackageReturn]] = relationship(
        back_populates="package", cascade="all, delete-orphan", order_by="PackageReturn.id"
    )

    __table_args__ = (
        UniqueConstraint("organisation_id", "year", name="uq_package_organisation_year"),
        CheckConstraint(
            "meeting_date IS NULL OR status IN ('MEETING_HELD', 'STATEMENT_GIVEN')",
            name="ck_package_meeting_only_when_held",
        ),
        CheckConstraint("year BETWEEN 2010 AND 2100", name="ck_package_year"),
        CheckConstraint(
            "(status IN ('SUBMITTED', 'MEETING_HELD', 'STATEMENT_GIVEN'))"
            " = (submitted_at IS NOT NULL)",
            name="ck_package_submitted_at_iff_submitted",
        ),
    )

    @property
    def accounting_year(self) -> int:
        """The accounts feeding a package are those of the year before the dialogue year."""
        return self.year - 1

    @property
    def status_label(self) -> str:
        return self.status.label

    def __repr__(self) -> str:
        return f"{self.organisation} {self.year}"


class Form(Model):
    """A governance report or an estate form inside a package."""

    __tablename__ = "form"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(ForeignKey("package.id", ondelete="CASCADE"))
    kind: Mapped[FormKind] = mapped_column(_enum(FormKind, "form_kind"))
    estate_id: Mapped[int | None] = mapped_column(ForeignKey("estate.id"), index=True)
    # an estate form's municipality as the master data said when the year was opened: the
    # location municipality that receives it
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"), index=True)
    status: Mapped[FormStatus] = mapped_column(
        _enum(FormStatus, "form_status"), default=FormStatus.NOT_STARTED
    )
    sort_key: Mapped[int] = mapped_column(Integer, default=0)

    package: Mapped[Package] = relationship(back_populates="forms", lazy="joined")
    estate: Mapped[Estate | None] = relationship(lazy="joined")
    municipality: Mapped[Municipality | None] = relationship()
    answers: Mapped[list[Answer]] = relationship(
        back_populates="form", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": None}
    __table_args__ = (
        Index("ix_form_package", "package_id"),
        UniqueConstraint("package_id", "estate_id", name="uq_form_estate_per_package"),
        # one report per package: a partial unique index on the rows without an estate
        Index(
            "uq_form_report_per_package",
            "package_id",
            unique=True,
            sqlite_where=text("estate_id IS NULL"),
            postgresql_where=text("estate_id IS NULL"),
        ),
        CheckConstraint(
            "(kind = 'ESTATE_FORM') = (estate_id IS NOT NULL)",
            name="ck_form_estate_iff_estate_form",
        ),
        CheckConstraint(
            "(estate_id IS NULL) = (municipality_id IS NULL)",
            name="ck_form_municipality_iff_estate",
        ),
    )

    @property
    def title(self) -> str:
        if self.estate is not None:
            return f"{self.kind.label}: {self.estate.number} {self.estate.name}"
        return self.kind.label

    def __repr__(self) -> str:
        return self.title


class GovernanceReport(Form):
    __mapper_args__ = {"polymorphic_identity": FormKind.HOUSING_REPORT}


class AdministrationReport(Form):
    __mapper_args__ = {"polymorphic_identity": FormKind.ADMIN_REPORT}


class EstateForm(Form):
    __mapper_args__ = {"polymorphic_identity": FormKind.ESTATE_FORM}


class Answer(Model):
    """One answer to one question of a form; `version` guards against lost updates."""

    __tablename__ = "answer"

    id: Mapped[int] = mapped_column(primary_key=True)
    form_id: Mapped[int] = mapped_column(ForeignKey("form.id", ondelete="CASCADE"))
    question_key: Mapped[str] = mapped_column(String(80))
    value: Mapped[object | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    # the client's id of the save that wrote this version: a retried save is applied once
    last_request_id: Mapped[str | None] = mapped_column(String(64))

    form: Mapped[Form] = relationship(back_populates="answers")
    changed_by: Mapped[AppUser | None] = relationship()

    __table_args__ = (
        UniqueConstraint("form_id", "question_key", name="uq_answer_per_question"),
        CheckConstraint("version >= 1", name="ck_answer_version_positive"),
    )
    __mapper_args__ = {"version_id_col": version}


class KeyFigureValue(Model):
    """A key figure's value for one organisation or estate in one dialogue year."""

    __tablename__ = "key_figure_value"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(80))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    estate_id: Mapped[int | None] = mapped_column(ForeignKey("estate.id"))
    value: Mapped[Decimal | None] = mapped_column(Numeric(14, 4))
    source: Mapped[str | None] = mapped_column(String(80))
    # the day the register counted it on, where it says (the vacancies' Opgørelsestidspunkt)
    measured_on: Mapped[dt.date | None] = mapped_column(Date)

    __table_args__ = (
        Index("ix_key_figure_value_org_year", "organisation_id", "year"),
        Index("ix_key_figure_value_estate_year", "estate_id", "year"),
        Index(
            "uq_key_figure_value_estate",
            "year",
            "key",
            "estate_id",
            unique=True,
            sqlite_where=text("estate_id IS NOT NULL"),
            postgresql_where=text("estate_id IS NOT NULL"),
        ),
        Index(
            "uq_key_figure_value_organisation",
            "year",
            "key",
            "organisation_id",
            unique=True,
            sqlite_where=text("estate_id IS NULL"),
            postgresql_where=text("estate_id IS NULL"),
        ),
    )


class Benchmark(Model):
    """The reference value of a key figure in a dialogue year for one peer group ('' is the
    whole sector); `basis` is the number of filed accounts it was computed from (none when LBF
    set it by hand) and `indexed` marks last year's benchmark carried forward by the index.

    A benchmark is never changed in place: a new one is valid from the moment it is set, and
    the one it replaces keeps its value with `valid_to`, so a package compared with it (its
    `benchmarks_as_of`) keeps it until the organisation chooses to update."""

    __tablename__ = "benchmark"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(80))
    peer_group: Mapped[str] = mapped_column(String(20), default="", server_default="")
    value: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    basis: Mapped[int | None] = mapped_column(Integer, nullable=True)
    indexed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    valid_from: Mapped[dt.datetime] = mapped_column(
        DateTime, default=_now, server_default="1970-01-01 00:00:00"
    )
    valid_to: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    __table_args__ = (
        # one current benchmark per figure, peer group and year
        Index(
            "uq_benchmark_current",
            "year",
            "key",
            "peer_group",
            unique=True,
            sqlite_where=text("valid_to IS NULL"),
            postgresql_where=text("valid_to IS NULL"),
        ),
        Index("ix_benchmark_year_key", "year", "key"),
        CheckConstraint("valid_to IS NULL OR valid_to >= valid_from", name="ck_benchmark_valid"),
    )


class BenchmarkIndex(Model):
    """The index LBF carries last year's benchmarks forward by, where too few accounts are
    filed for a benchmark of its own: this year's = last year's × (1 + percent / 100)."""

    __tablename__ = "benchmark_index"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    percent: Mapped[Decimal] = mapped_column(Numeric(6, 2))
    description: Mapped[str] = mapped_column(String(200), default="", server_default="")

    __table_args__ = (CheckConstraint("percent > -100", name="ck_benchmark_index_percent"),)


class FlagThreshold(Model):
    """LBF's critical-value rule for a key figure in a dialogue year; without a row the
    questionnaire's default applies."""

    __tablename__ = "flag_threshold"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(80))
    direction: Mapped[str] = mapped_column(String(20))
    yellow: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    red: Mapped[Decimal] = mapped_column(Numeric(8, 2))

    __table_args__ = (
        UniqueConstraint("year", "key", name="uq_flag_threshold_year_key"),
        CheckConstraint(
            "direction IN ('higher_is_worse', 'lower_is_worse', 'either_way')",
            name="ck_flag_threshold_direction",
        ),
        CheckConstraint("yellow >= 0 AND red >= yellow", name="ck_flag_threshold_order"),
    )


class MunicipalityFigure(Model):
    """A municipality-wide figure, e.g. the employment rate of all its residents."""

    __tablename__ = "municipality_figure"

    id: Mapped[int] = mapped_column(primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    year: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(80))
    value: Mapped[Decimal] = mapped_column(Numeric(14, 4))

    __table_args__ = (
        UniqueConstraint("municipality_id", "year", "key", name="uq_municipality_figure"),
    )


class ComplaintCaseCount(Model):
    """Tenant complaints board cases of an organisation in a year, by category."""

    __tablename__ = "complaint_case_count"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(40))
    decided: Mapped[int] = mapped_column(Integer, default=0)
    lost: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        UniqueConstraint("organisation_id", "year", "category", name="uq_complaint_case_count"),
        CheckConstraint("decided >= 0 AND lost >= 0 AND lost <= decided", name="ck_complaints"),
    )


class LettingToolUse(Model):
    """A letting tool (waiting list, flexible, ...) used for an estate's family dwellings, and
    how many of them were let by it in the year (the lettings register)."""

    __tablename__ = "letting_tool_use"

    id: Mapped[int] = mapped_column(primary_key=True)
    estate_id: Mapped[int] = mapped_column(ForeignKey("estate.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    tool: Mapped[str] = mapped_column(String(40))
    lettings: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (UniqueConstraint("estate_id", "year", "tool", name="uq_letting_tool_use"),)


class AccountsFiling(Model):
    """Accounts reported to LBF: no filing, no key figures, no submission."""

    __tablename__ = "accounts_filing"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    accounting_year: Mapped[int] = mapped_column(Integer)
    filed_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    annual_report_filed_on: Mapped[dt.date | None] = mapped_column(Date)
    auditors_report_filed_on: Mapped[dt.date | None] = mapped_column(Date)
    # the organisation's own accounting period, where the register gives it (else the year)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)

    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (
        UniqueConstraint("organisation_id", "accounting_year", name="uq_accounts_filing"),
    )


class Attachment(Model):
    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(
        ForeignKey("package.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    automatic: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))

    package: Mapped[Package] = relationship(back_populates="attachments")

    __table_args__ = (CheckConstraint("size >= 0", name="ck_attachment_size"),)


class Statement(Model):
    """The municipality's statement (redegørelse); supplementary from a location municipality."""

    __tablename__ = "statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(
        ForeignKey("package.id", ondelete="CASCADE"), index=True
    )
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"))
    supplementary: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(
        String(120), default="application/pdf", server_default="application/pdf"
    )
    size: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    content: Mapped[bytes] = mapped_column(LargeBinary)
    published: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))

    package: Mapped[Package] = relationship(back_populates="statements")
    municipality: Mapped[Municipality] = relationship()

    __table_args__ = (
        UniqueConstraint("package_id", "municipality_id", name="uq_statement_per_municipality"),
    )


class Recipient(Model):
    """A municipality a submitted package went to: the home municipality the whole package,
    a location municipality the report and its own estates' forms. Its receipt: when it was
    sent, when the municipality first opened it."""

    __tablename__ = "recipient"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(
        ForeignKey("package.id", ondelete="CASCADE"), index=True
    )
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    home: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    sent_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    opened_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    package: Mapped[Package] = relationship(back_populates="recipients")
    municipality: Mapped[Municipality] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("package_id", "municipality_id", name="uq_recipient_per_package"),
    )


class PackageReturn(Model):
    """The home municipality sent a submitted package back, with the reason."""

    __tablename__ = "package_return"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(
        ForeignKey("package.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(Text)
    returned_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    returned_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))

    package: Mapped[Package] = relationship(back_populates="returns")
    returned_by: Mapped[AppUser | None] = relationship()


class MailMessage(Model):
    """An e-mail the platform sends, one per event and recipient: sent by a task, retried on
    failure, never sent twice (the event key is unique)."""

    __tablename__ = "mail_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_key: Mapped[str] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    package_id: Mapped[int | None] = mapped_column(
        ForeignKey("package.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)


class Agreement(Model):
    """An agreement the home municipality and the organisation made at a dialogue (guidance
    chapter 7): what, who is responsible, how it is followed up; shown in the next year's
    package beside report question 8 (Bilag 5 part C)."""

    __tablename__ = "agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipality.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    follow_up: Mapped[str | None] = mapped_column(Text)
    responsible: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime | None] = mapped_column(DateTime, default=_now)

    organisation: Mapped[Organisation] = relationship()
    municipality: Mapped[Municipality] = relationship()


class AuditEntry(Model):
    """Append-only: who changed what, when, from which value to which."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    action: Mapped[str] = mapped_column(String(60))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int | None] = mapped_column(Integer)
    package_id: Mapped[int | None] = mapped_column(ForeignKey("package.id"), index=True)
    field: Mapped[str | None] = mapped_column(String(80))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)

    user: Mapped[AppUser | None] = relationship(lazy="joined")
    package: Mapped[Package | None] = relationship(lazy="joined")

    @property
    def before(self) -> str | None:
        return self._in_words(self.old_value)

    @property
    def after(self) -> str | None:
        return self._in_words(self.new_value)

    def _in_words(self, value: str | None) -> str | None:
        """A form's status in the form's words (the package's share the same keys)."""
        if self.action == "form_status" and value in FormStatus.__members__:
            return FormStatus(value).label
        return value


class AppUser(User):
    """A user belongs to exactly one organisation or one municipality, or to LBF (neither)."""

    __tablename__ = "ab_user"

    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id"), nullable=True, index=True
    )
    municipality_id: Mapped[int | None] = mapped_column(
        ForeignKey("municipality.id"), nullable=True, index=True
    )
    # a session carries the generation it was opened in; logging out moves the user on, so
    # every session cookie issued before no longer opens anything
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    organisation: Mapped[Organisation | None] = relationship(foreign_keys=[organisation_id])
    municipality: Mapped[Municipality | None] = relationship(foreign_keys=[municipality_id])
    granted_rights: Mapped[list[UserRight]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="UserRight.right"
    )
    granted_organisations: Mapped[list[UserOrganisation]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def right_set(self) -> frozenset[Right]:
        return frozenset(r.right for r in self.granted_rights)

    @property
    def acts_for_ids(self) -> frozenset[int]:
        return frozenset(g.organisation_id for g in self.granted_organisations)

    @property
    def affiliation(self) -> str:
        if self.organisation is not None:
            return str(self.organisation)
        if self.municipality is not None:
            return str(self.municipality)
        return "Landsbyggefonden"


# an API key's holder (app/services/api_keys.py) is a user, but no person: it hears of no
# package and its rights are not managed among the people's
NOT_A_KEY_HOLDER = AppUser.username.not_like(KEY_HOLDER_PREFIX + "%")


class UserRight(Model):
    """A right granted to a user (app.rules.rights); a user holds none until granted."""

    __tablename__ = "user_right"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), index=True)
    right: Mapped[Right] = mapped_column(_enum(Right, "user_right_kind"))

    __table_args__ = (UniqueConstraint("user_id", "right", name="uq_user_right"),)


class UserOrganisation(Model):
    """An administered organisation a user of its administrator was granted to act for."""

    __tablename__ = "user_organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )

    organisation: Mapped[Organisation] = relationship()

    __table_args__ = (UniqueConstraint("user_id", "organisation_id", name="uq_user_organisation"),)


class Invitation(Model):
    """A colleague invited by e-mail by a local administrator (or LBF): the rights the person
    gets at first login, through a signed one-time link that expires."""

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), index=True)
    first_name: Mapped[str] = mapped_column(String(64))
    last_name: Mapped[str] = mapped_column(String(64))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"), index=True)
    # the rights (values of Right) and the administered organisations' ids granted
    rights: Mapped[list] = mapped_column(JSON, default=list)
    acts_for: Mapped[list] = mapped_column(JSON, default=list)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    accepted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    organisation: Mapped[Organisation | None] = relationship()
    municipality: Mapped[Municipality | None] = relationship()
    invited_by: Mapped[AppUser | None] = relationship(foreign_keys=[invited_by_id])

    __table_args__ = (
        CheckConstraint(
            "(organisation_id IS NULL) <> (municipality_id IS NULL)",
            name="ck_invitation_one_affiliation",
        ),
    )

    @property
    def right_set(self) -> frozenset[Right]:
        return frozenset(Right(r) for r in self.rights or [] if r in Right._value2member_map_)

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None


User.__table__.append_constraint(
    CheckConstraint(
        "organisation_id IS NULL OR municipality_id IS NULL",
        name="ck_user_one_affiliation",
    )
)


@event.listens_for(Package, "before_insert")
def _package_records_its_recipients(mapper, connection, target):
    """A package created one by one (the year's opening writes them in bulk and sets these
    itself) records its organisation's home municipality and administrator of the moment."""
    if target.home_municipality_id is None:
        target.home_municipality_id, target.administered_by_id = connection.execute(
            select(Organisation.home_municipality_id, Organisation.administered_by_id).where(
                Organisation.id == target.organisation_id
            )
        ).one()


@event.listens_for(Form, "before_insert", propagate=True)
def _estate_form_records_its_municipality(mapper, connection, target):
    if target.estate_id is not None and target.municipality_id is None:
        target.municipality_id = connection.scalar(
            select(Estate.municipality_id).where(Estate.id == target.estate_id)
        )


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _audit_is_append_only(mapper, connection, target):
    raise ValueError("audit entries are append-only")


class SamlAuthnRequest(Model):
    """An authentication request sent to NemLog-in: its answer is accepted once, within the
    time it may take, and only for a request this platform made (kept here, not in the
    browser's cookie, which a cross-site POST from the identity provider does not carry)."""

    __tablename__ = "saml_authn_request"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    issued_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now, index=True)
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class GuidanceDocument(Model):
    """A guidance document under the Vejledning tab (user guide 5.1 b): the user guide, the
    ministry's guidance, the note on key figures, leaflets; LBF uploads them, everyone logged
    in whom it is for reads them, in LBF's order."""

    __tablename__ = "guidance_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    audience: Mapped[GuideAudience] = mapped_column(
        _enum(GuideAudience, "guide_audience"), default=GuideAudience.ALL
    )
    sort_order: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))

    __table_args__ = (CheckConstraint("size >= 0", name="ck_guidance_document_size"),)


class PrintJob(Model):
    """A package PDF built for one reader's view of one version of the package (`key`: the
    package's content and the forms the reader may see), so the same is never built twice."""

    __tablename__ = "print_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    package_id: Mapped[int] = mapped_column(
        ForeignKey("package.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(64), unique=True)
    # the forms of the package the reader may see: a job is only ever handed to a reader with
    # the same view
    scope: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(5), default="da", server_default="da")
    status: Mapped[PrintStatus] = mapped_column(
        _enum(PrintStatus, "print_status"), default=PrintStatus.QUEUED
    )
    progress: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    filename: Mapped[str | None] = mapped_column(String(255))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    package: Mapped[Package] = relationship()

    __table_args__ = (CheckConstraint("progress BETWEEN 0 AND 100", name="ck_print_job_progress"),)


class RegisterImport(Model):
    """One register file LBF uploaded, and what became of it: checked as a whole, then
    imported in one transaction or refused with every problem (`problems`, JSON)."""

    __tablename__ = "register_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    register: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[ImportStatus] = mapped_column(
        _enum(ImportStatus, "import_status"), default=ImportStatus.QUEUED
    )
    progress: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    row_count: Mapped[int | None] = mapped_column(Integer)
    changed: Mapped[int | None] = mapped_column(Integer)
    problems: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    created_by: Mapped[AppUser | None] = relationship()


class AccountsAmount(Model):
    """An amount of the accounts an organisation filed with LBF, for itself (no estate) or
    one of its estates; the accounts' key figures are computed from these
    (`app.services.key_figure_computation`)."""

    __tablename__ = "accounts_amount"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    estate_id: Mapped[int | None] = mapped_column(ForeignKey("estate.id"))
    accounting_year: Mapped[int] = mapped_column(Integer, index=True)
    key: Mapped[str] = mapped_column(String(60))
    value: Mapped[Decimal] = mapped_column(Numeric(16, 2))

    __table_args__ = (
        # each amount once per organisation or estate and year
        Index(
            "uq_accounts_amount_organisation",
            "organisation_id",
            "accounting_year",
            "key",
            unique=True,
            sqlite_where=text("estate_id IS NULL"),
            postgresql_where=text("estate_id IS NULL"),
        ),
        Index(
            "uq_accounts_amount_estate",
            "estate_id",
            "accounting_year",
            "key",
            unique=True,
            sqlite_where=text("estate_id IS NOT NULL"),
            postgresql_where=text("estate_id IS NOT NULL"),
        ),
    )
