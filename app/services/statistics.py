"""The statistics reports (user guide 8), read through the row-level filter of the user: the
key figures of organisations and estates with benchmark and yellow or red mark, over one or
five dialogue years, the municipality's risk list and the status of the dialogue.

A figure is judged as its package judged it: against the benchmarks valid when the package
was opened or last updated its benchmarks (`Package.benchmarks_as_of`), with the year's
thresholds; a figure from unfiled accounts has no value, as on the form."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from sqlalchemy import Float, and_, cast, func, select

from app.extensions import db
from app.models import (
    AccountsFiling,
    Benchmark,
    Estate,
    KeyFigureValue,
    Municipality,
    Organisation,
    Package,
    Statement,
)
from app.questionnaires import KeyFigureDefinition
from app.rules.access import Actor
from app.rules.benchmarks import dwelling_type
from app.rules.enums import N_, Flag, PackageStatus
from app.rules.flags import flag_for
from app.rules.key_figures import ACCOUNTS_FIGURES, rule_for
from app.rules.statistics import Mark, Risk, history_years, risk_list
from app.security import row_filter, visible_years
from app.services.benchmark_computation import questionnaire_of_year
from app.services.errors import NotFound
from app.services.key_figures import Benchmarks, benchmark_for, thresholds


class Cell(NamedTuple):
    value: float | None
    benchmark: float | None
    indexed: bool
    flag: Flag


@dataclass
class SubjectRow:
    """An organisation's own figures (estate_number None) or an estate's, by (year, key)."""

    organisation_id: int
    organisation_number: int
    organisation_name: str
    estate_number: int | None = None
    estate_name: str | None = None
    municipality: str | None = None
    cells: dict[tuple[int, str], Cell] = field(default_factory=dict)

    @property
    def subject(self) -> tuple:
        return (self.organisation_number, self.estate_number)

    @property
    def flags(self) -> list[Flag]:
        return [c.flag for c in self.cells.values() if c.flag != Flag.NONE]


@dataclass(frozen=True)
class Figure:
    """A key figure as a report column: its label, unit and decimals."""

    key: str
    label: str
    unit: str
    decimals: int
    critical: bool  # whether it can be marked yellow or red


def years(actor: Actor) -> list[int]:
    """The dialogue years with key figures or packages the user may see, newest first."""
    return sorted(
        set(visible_years(KeyFigureValue, actor)) | set(visible_years(Package, actor)),
        reverse=True,
    )


def organisations(actor: Actor) -> list[Organisation]:
    """The organisations whose statistics the user may see, by number."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(row_filter(Organisation, actor))
            .order_by(Organisation.number)
        )
    )


def organisation_for(actor: Actor, organisation_id: int) -> Organisation:
    organisation = db.session.scalar(
        select(Organisation).where(
            Organisation.id == organisation_id, row_filter(Organisation, actor)
        )
    )
    if organisation is None:
        raise NotFound(N_("Organisationen findes ikke."))
    return organisation


def figures_of(year: int) -> list[Figure]:
    """The key figures of the year's questionnaire, in its order."""
    return [
        Figure(d.key, d.label, d.unit, d.decimals, d.has_critical_rule)
        for d in questionnaire_of_year(year).key_figures.values()
    ]


def figure_rows(
    actor: Actor,
    report_years: list[int],
    keys: list[str],
    organisation_id: int | None = None,
) -> list[SubjectRow]:
    """Every subject with a value of `keys` in `report_years` that the user may see (only
    `organisation_id`'s when given): each organisation's own figures before its estates'."""
    if not keys or not report_years:
        return []
    query = (
        select(
            KeyFigureValue.year,
            KeyFigureValue.key,
            cast(KeyFigureValue.value, Float).label("value"),
            KeyFigureValue.organisation_id,
            KeyFigureValue.estate_id,
            Organisation.number.label("organisation_number"),
            Organisation.name.label("organisation_name"),
            Organisation.kind,
            Estate.number.label("estate_number"),
            Estate.name.label("estate_name"),
            Estate.family_dwellings,
            Estate.elderly_dwellings,
            Estate.youth_dwellings,
            Municipality.name.label("municipality"),
        )
        .join(Organisation, Organisation.id == KeyFigureValue.organisation_id)
        .outerjoin(Estate, Estate.id == KeyFigureValue.estate_id)
        .outerjoin(Municipality, Municipality.id == Estate.municipality_id)
        .where(
            KeyFigureValue.year.in_(report_years),
            KeyFigureValue.key.in_(keys),
            row_filter(KeyFigureValue, actor),
        )
    )
    if organisation_id is not None:
        query = query.where(KeyFigureValue.organisation_id == organisation_id)
    judge = _Judge(report_years, keys, organisation_id)
    rows: dict[tuple[int, int | None], SubjectRow] = {}
    peers: dict[tuple[int, int | None], tuple] = {}
    for (
        year,
        key,
        value,
        organisation_id_,
        estate_id,
        organisation_number,
        organisation_name,
        kind,
        estate_number,
        estate_name,
        family,
        elderly,
        youth,
        municipality,
    ) in db.session.execute(query):
        subject = (organisation_id_, estate_id)
        row = rows.get(subject)
        if row is None:
            row = rows[subject] = SubjectRow(
                organisation_id_,
                organisation_number,
                organisation_name,
                estate_number,
                estate_name,
                municipality,
            )
            # an estate is compared with its dwelling type, an organisation with its kind
            peers[subject] = (
                (None, getattr(kind, "value", kind))
                if estate_id is None
                else (dwelling_type(family, elderly, youth), None)
            )
        cell = judge.cell(year, key, value, organisation_id_, peers[subject])
        if cell is not None:
            row.cells[(year, key)] = cell
    return sorted(
        (row for row in rows.values() if row.cells),
        key=lambda r: (r.organisation_number, r.estate_number is not None, r.estate_number or 0),
    )


class _Judge:
    """Benchmark and mark of each value, as the package of its organisation and year has
    them: the benchmarks valid at the package's `benchmarks_as_of` (the current ones where
    there is no package), the year's thresholds, the accounts filed or not. The benchmarks
    are read once; packages that see the same ones share them."""

    def __init__(self, report_years: list[int], keys: list[str], organisation_id: int | None):
        self.definitions: dict[int, dict[str, KeyFigureDefinition]] = {}
        self.rules = {}
        for year in report_years:
            known = questionnaire_of_year(year).key_figures
            self.definitions[year] = {k: known[k] for k in keys if k in known}
            overrides = thresholds(year, keys)
            self.rules[year] = {
                k: rule_for(d, overrides.get(k)) for k, d in self.definitions[year].items()
            }
        filings = select(AccountsFiling.organisation_id, AccountsFiling.accounting_year).where(
            AccountsFiling.accounting_year.in_([y - 1 for y in report_years])
        )
        packages = select(Package.organisation_id, Package.year, Package.benchmarks_as_of).where(
            Package.year.in_(report_years)
        )
        if organisation_id is not None:
            filings = filings.where(AccountsFiling.organisation_id == organisation_id)
            packages = packages.where(Package.organisation_id == organisation_id)
        self.filed = {(o, y) for o, y in db.session.execute(filings)}
        self.as_of = {(o, y): a for o, y, a in db.session.execute(packages)}
        self.benchmark_rows = db.session.execute(
            select(
                Benchmark.id,
                Benchmark.year,
                Benchmark.key,
                Benchmark.peer_group,
                Benchmark.value,
                Benchmark.indexed,
                Benchmark.valid_from,
                Benchmark.valid_to,
            ).where(
                Benchmark.year.in_({y for year in report_years for y in (year, year - 1)}),
                Benchmark.key.in_(keys),
            )
        ).all()
        self._at: dict[tuple[int, dt.datetime | None], Benchmarks] = {}
        self._versions: dict[tuple[int, frozenset], Benchmarks] = {}
        self._lookups: dict[tuple, object] = {}

    def benchmarks(self, year: int, as_of: dt.datetime | None) -> Benchmarks:
        """The year's benchmarks valid at `as_of` (None: the current ones)."""
        found = self._at.get((year, as_of))
        if found is None:
            valid = [
                r
                for r in self.benchmark_rows
                if r.year in (year, year - 1)
                and (
                    r.valid_to is None
                    if as_of is None
                    else r.valid_from <= as_of and (r.valid_to is None or r.valid_to > as_of)
                )
            ]
            version = (year, frozenset(r.id for r in valid))
            found = self._versions.get(version)
            if found is None:
                found = self._versions[version] = Benchmarks.of_rows(year, valid)
            self._at[(year, as_of)] = found
        return found

    def cell(self, year, key, value, organisation_id, peers) -> Cell | None:
        """The cell of one value of an organisation's (its own or an estate's, with the
        subject's (dwelling type, organisation kind))."""
        definition = self.definitions[year].get(key)
        if definition is None:
            return None  # a figure the year's forms do not have
        if key in ACCOUNTS_FIGURES and (organisation_id, year - 1) not in self.filed:
            return None  # no filing, no figure: as on the form
        bench = self.benchmarks(year, self.as_of.get((organisation_id, year)))
        lookup = (id(bench), key, peers)
        benchmark = self._lookups.get(lookup, _UNKNOWN)
        if benchmark is _UNKNOWN:
            benchmark = self._lookups[lookup] = benchmark_for(bench, definition, peers)
        reference = benchmark.value if benchmark else None
        flag = flag_for(value, reference, self.rules[year][key]).flag
        return Cell(value, reference, bool(benchmark and benchmark.indexed), flag)


_UNKNOWN = object()


@dataclass(frozen=True)
class History:
    """One key figure of one subject over the report's years: what its chart draws."""

    figure: Figure
    years: list[int]
    values: list[float | None]
    benchmarks: list[float | None]
    flags: list[Flag]


def histories(row: SubjectRow, report_years: list[int], figures) -> list[History]:
    """The subject's figures that have a value in any of the years, each over all of them."""
    found = []
    for figure in figures:
        cells = [row.cells.get((year, figure.key)) for year in report_years]
        if not any(cells):
            continue
        found.append(
            History(
                figure,
                report_years,
                [c.value if c else None for c in cells],
                [c.benchmark if c else None for c in cells],
                [c.flag if c else Flag.NONE for c in cells],
            )
        )
    return found


def risks(actor: Actor, newest: int, keys: list[str]) -> tuple[list[Risk], dict]:
    """The risk list: every organisation and estate the user may see with a yellow or red
    mark in the five years up to `newest`, the most critical first; and each subject's row
    (names, municipality) by subject."""
    rows = figure_rows(actor, history_years(newest), keys)
    marks = [
        Mark(row.subject, year, key, cell.flag)
        for row in rows
        for (year, key), cell in row.cells.items()
    ]
    return risk_list(marks, newest), {row.subject: row for row in rows}


@dataclass(frozen=True)
class StatusRow:
    organisation_number: int
    organisation_name: str
    home_municipality: str
    status: PackageStatus
    deadline: dt.date | None
    submitted_at: dt.datetime | None
    meeting_date: dt.date | None
    statements: int


def status_rows(actor: Actor, year: int) -> list[StatusRow]:
    """The packages of `year` the user may see, with their status and the dialogue's dates."""
    given = (
        select(func.count(Statement.id))
        .where(Statement.package_id == Package.id, row_filter(Statement, actor))
        .correlate(Package)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Organisation.number,
            Organisation.name,
            Municipality.name,
            Package.status,
            Package.deadline,
            Package.submitted_at,
            Package.meeting_date,
            given,
        )
        .join(Organisation, Organisation.id == Package.organisation_id)
        .join(Municipality, Municipality.id == Package.home_municipality_id)
        .where(and_(Package.year == year, row_filter(Package, actor)))
        .order_by(Organisation.number)
    ).all()
    return [StatusRow(*row) for row in rows]


# --- the reports as tables: one model for the screen and for Excel --------------------------


@dataclass(frozen=True)
class Column:
    label: str  # a catalogue message id, or data (a key figure's label)
    kind: str = "text"  # text, number, date, mark
    decimals: int = 0
    group: str | None = None  # the header above (a year, a key figure)
    params: dict | None = None  # the label's placeholders


class TableCell(NamedTuple):
    value: object = None
    mark: Flag = Flag.NONE
    decimals: int | None = None  # where the row's figure, not the column, decides


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[TableCell]] = field(default_factory=list)
    # the organisation each row belongs to, for the folded tree (organisation > estate)
    groups: list[str] = field(default_factory=list)

    @property
    def header_groups(self) -> list[tuple[str | None, int]]:
        """The header row above the columns: each run of columns with one group, and its
        width; empty when no column has a group."""
        if not any(c.group for c in self.columns):
            return []
        runs: list[tuple[str | None, int]] = []
        for column in self.columns:
            if runs and runs[-1][0] == column.group and column.group is not None:
                runs[-1] = (column.group, runs[-1][1] + 1)
            else:
                runs.append((column.group, 1))
        return runs

    def folded(self, rows: list | None = None) -> list[tuple[str, list]]:
        """The rows (or `rows`, one for each of them, as shown) by organisation, in order:
        the folded tree (organisation > estate)."""
        tree: list[tuple[str, list]] = []
        for group, row in zip(self.groups, self.rows if rows is None else rows, strict=True):
            if not tree or tree[-1][0] != group:
                tree.append((group, []))
            tree[-1][1].append(row)
        return tree


_SUBJECT_COLUMNS = [
    Column(N_("Boligorg. nr."), "number"),
    Column(N_("Boligorganisation")),
    Column(N_("Afd. nr."), "number"),
    Column(N_("Afdeling")),
    Column(N_("Kommune")),
]


def _subject_cells(row: SubjectRow) -> list[TableCell]:
    return [
        TableCell(row.organisation_number),
        TableCell(row.organisation_name),
        TableCell(row.estate_number),
        TableCell(row.estate_name),
        TableCell(row.municipality),
    ]


def _group_of(row) -> str:
    return f"{row.organisation_number} {row.organisation_name}"


def _mark_cell(cell: Cell | None) -> TableCell:
    flag = cell.flag if cell else Flag.NONE
    return TableCell(flag if flag != Flag.NONE else None, flag)


def key_figure_table(rows: list[SubjectRow], report_years: list[int], figures) -> Table:
    """One organisation's report: a line per key figure of its own and of each estate; per
    dialogue year the value, benchmark and mark."""
    columns = [*_SUBJECT_COLUMNS[2:], Column(N_("Nøgletal"))]
    for year in report_years:
        columns += [
            Column(N_("Værdi"), "number", group=str(year)),
            Column(N_("Benchmark"), "number", group=str(year)),
            Column(N_("Markering"), "mark", group=str(year)),
        ]
    table = Table(columns)
    for row in rows:
        for figure in figures:
            cells = [row.cells.get((year, figure.key)) for year in report_years]
            if not any(cells):
                continue
            line = [*_subject_cells(row)[2:], TableCell(figure.label)]
            decimals = figure.decimals
            for cell in cells:
                line += [
                    TableCell(
                        cell.value if cell else None, cell.flag if cell else Flag.NONE, decimals
                    ),
                    TableCell(cell.benchmark if cell else None, decimals=decimals),
                    _mark_cell(cell),
                ]
            table.rows.append(line)
            table.groups.append(_group_of(row))
    return table


def estate_table(rows: list[SubjectRow], year: int, figures) -> Table:
    """One line per organisation's own figures and per estate; per key figure its value and,
    for a figure that can be critical, its mark."""
    present = [f for f in figures if any((year, f.key) in r.cells for r in rows)]
    columns = list(_SUBJECT_COLUMNS)
    for figure in present:
        columns.append(Column(N_("Værdi"), "number", figure.decimals, figure.label))
        if figure.critical:
            columns.append(Column(N_("Markering"), "mark", group=figure.label))
    table = Table(columns)
    for row in rows:
        line = _subject_cells(row)
        for figure in present:
            cell = row.cells.get((year, figure.key))
            line.append(TableCell(cell.value if cell else None, cell.flag if cell else Flag.NONE))
            if figure.critical:
                line.append(_mark_cell(cell))
        table.rows.append(line)
        table.groups.append(_group_of(row))
    return table


def risk_table(found: list[Risk], subjects: dict, newest: int, figures) -> Table:
    """The risk list: per subject the red and yellow marks of each of the five years, and
    the figures marked in the newest year."""
    labels = {f.key: f.label for f in figures}
    columns = list(_SUBJECT_COLUMNS)
    for year in history_years(newest):
        columns += [
            Column(N_("Røde"), "number", group=str(year)),
            Column(N_("Gule"), "number", group=str(year)),
        ]
    columns.append(Column(N_("Kritiske nøgletal i %(year)s"), params={"year": newest}))
    table = Table(columns)
    for risk in found:
        row = subjects[risk.subject]
        line = _subject_cells(row)
        for year in history_years(newest):
            line += [
                TableCell(
                    risk.count(Flag.RED, year),
                    Flag.RED if risk.count(Flag.RED, year) else Flag.NONE,
                ),
                TableCell(
                    risk.count(Flag.YELLOW, year),
                    Flag.YELLOW if risk.count(Flag.YELLOW, year) else Flag.NONE,
                ),
            ]
        line.append(TableCell("; ".join(labels.get(k, k) for k in risk.keys)))
        table.rows.append(line)
        table.groups.append(_group_of(row))
    return table


def status_table(rows: list[StatusRow]) -> Table:
    table = Table(
        [
            Column(N_("Boligorg. nr."), "number"),
            Column(N_("Boligorganisation")),
            Column(N_("Hjemstedskommune")),
            Column(N_("Status")),
            Column(N_("Frist"), "date"),
            Column(N_("Fremsendt"), "date"),
            Column(N_("Dialogmøde"), "date"),
            Column(N_("Redegørelser"), "number"),
        ]
    )
    for row in rows:
        table.rows.append(
            [
                TableCell(row.organisation_number),
                TableCell(row.organisation_name),
                TableCell(row.home_municipality),
                TableCell(row.status),
                TableCell(row.deadline),
                TableCell(row.submitted_at.date() if row.submitted_at else None),
                TableCell(row.meeting_date),
                TableCell(row.statements),
            ]
        )
        table.groups.append(f"{row.organisation_number} {row.organisation_name}")
    return table
