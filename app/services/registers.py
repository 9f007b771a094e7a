"""Importing a register file (user guide 1; docs/registers.md): LBF uploads it, a job checks
it as a whole and either imports it in one transaction or refuses it with every problem.

- A file with any problem imports nothing.
- The same file again changes nothing (the import ends "unchanged").
- A corrected file replaces the earlier values of that register and year: rows it no longer
  holds are removed, changed ones updated, each change audited.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert, select, text

from app.extensions import db
from app.models import (
    AccountsAmount,
    AccountsFiling,
    ComplaintCaseCount,
    Estate,
    KeyFigureValue,
    LettingToolUse,
    Municipality,
    MunicipalityFigure,
    Organisation,
    RegisterImport,
)
from app.rules.access import Actor
from app.rules.enums import N_, EstateState, ImportStatus
from app.rules.register_files import read_register_file
from app.rules.registers import (
    ACCOUNTS_AMOUNTS,
    ACCOUNTS_FILINGS,
    COMPLAINTS,
    EFFICIENCY,
    EMPLOYMENT,
    ESTATE_STATES,
    ESTATES,
    FORMATS,
    LETTINGS,
    MEASURED_ON,
    MOVE_OUTS,
    MUNICIPAL_EMPLOYMENT,
    ORGANISATION_KINDS,
    ORGANISATIONS,
    RENTS,
    VACANCIES,
    check_register,
)
from app.services import audit
from app.services.errors import FormError, NotFound
from app.services.reading import now

MAX_BYTES = 50 * 1024 * 1024


class ImportRefused(FormError):
    status = 400


def queue_import(register: str, filename: str, content: bytes, actor: Actor) -> RegisterImport:
    """Record an uploaded file for its job; only LBF imports registers."""
    if not actor.is_lbf:
        raise NotFound(N_("Siden findes ikke."))
    if register not in FORMATS:
        raise ImportRefused(N_("Vælg et register."))
    if not content:
        raise ImportRefused(N_("Filen er tom."))
    if len(content) > MAX_BYTES:
        raise ImportRefused(N_("Filen er for stor: højst %(mb)s MB."), mb=MAX_BYTES // 2**20)
    entry = RegisterImport(
        register=register,
        filename=(filename or "register")[-255:],
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        status=ImportStatus.QUEUED,
        created_by_id=actor.user_id,
    )
    db.session.add(entry)
    db.session.commit()
    return entry


def run_import(import_id: int, user_id: int | None = None) -> RegisterImport:
    """Check and import one queued file; its status, progress and report are committed as it
    goes, so its page can follow it."""
    # the job's row locked and read after the lock: a second run of the same job (a retry,
    # a second worker) finds it taken or finished and does nothing
    entry = db.session.scalar(
        select(RegisterImport)
        .where(RegisterImport.id == import_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if entry is None or entry.status != ImportStatus.QUEUED:
        db.session.rollback()
        return entry
    _step(entry, ImportStatus.RUNNING, 10)
    register = FORMATS[entry.register]
    known = _known()
    table = read_register_file(entry.filename, entry.content)
    checked = check_register(
        register, table, known.organisations, known.estates, known.municipalities
    )
    entry.row_count = len(table.rows)
    if not checked.ok:
        entry.problems = json.dumps(
            [
                {"code": p.code, "message": p.message, "params": p.params_dict()}
                for p in checked.problems
            ],
            ensure_ascii=False,
        )
        return _finish(entry, ImportStatus.REFUSED)
    _step(entry, ImportStatus.RUNNING, 50)
    _lock_register(register.key)
    try:
        changed = APPLY[register.key](checked.rows, known, user_id or entry.created_by_id)
    except Exception:
        db.session.rollback()
        entry = db.session.get(RegisterImport, import_id)
        _finish(entry, ImportStatus.FAILED)
        raise
    entry.changed = changed
    entry = _finish(entry, ImportStatus.IMPORTED if changed else ImportStatus.UNCHANGED)
    if changed and register.key in AFTER:
        AFTER[register.key](checked.rows)
    return entry


@dataclass(frozen=True)
class Known:
    """The numbers LBF knows, to their ids: organisations by number, estates by (organisation
    number, estate number), municipalities by code."""

    organisations: dict[int, int]
    estates: dict[tuple[int, int], int]
    municipalities: dict[int, int]


def _known() -> Known:
    return Known(
        organisations=dict(db.session.execute(select(Organisation.number, Organisation.id)).all()),
        estates={
            (organisation_number, estate_number): estate_id
            for organisation_number, estate_number, estate_id in db.session.execute(
                select(Organisation.number, Estate.number, Estate.id).join(
                    Estate, Estate.organisation_id == Organisation.id
                )
            )
        },
        municipalities=dict(db.session.execute(select(Municipality.code, Municipality.id)).all()),
    )


def _lock_register(key: str) -> None:
    """One import of a register at a time, until its transaction ends: a second file of the
    same register waits, then replaces what the first stored (PostgreSQL; SQLite writes one
    transaction at a time anyway)."""
    if db.session.get_bind().dialect.name == "postgresql":
        lock = zlib.crc32(f"register:{key}".encode())
        db.session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": lock})


def _step(entry: RegisterImport, status: ImportStatus, progress: int) -> None:
    entry.status = status
    entry.progress = progress
    db.session.commit()


def _finish(entry: RegisterImport, status: ImportStatus) -> RegisterImport:
    entry.status = status
    entry.progress = 100
    entry.finished_at = now()
    db.session.commit()
    return entry


def problems_of(entry: RegisterImport) -> list[dict]:
    return json.loads(entry.problems) if entry.problems else []


# --- applying a checked file: the file's rows replace the stored rows of its years -------


@dataclass(frozen=True)
class _Stored:
    """How one register's rows are stored: the model, the key a row is known by, the value
    fields compared and logged, a new row's columns from its key and values, and the row's
    name in the log. A row the file no longer holds is removed, or, when others refer to it
    (master data), retired: given the `retire` values."""

    model: type
    key: Callable[[Any], tuple]
    fields: tuple[str, ...]
    new: Callable[[tuple, dict], dict]
    name: Callable[[Any], str]
    retire: dict[str, Any] | None = None


def _replace(stored: _Stored, rows, wanted: dict[tuple, dict], user_id: int | None) -> int:
    """Rows the file no longer holds are removed, changed values updated and new rows added,
    each change in the log; returns the number of changes (0: the same file again)."""
    entity = stored.model.__name__
    current = {stored.key(row): row for row in rows}
    logged: list[dict] = []

    def log(row, action, field, old, new):
        suffix = f":{field}" if len(stored.fields) > 1 else ""
        logged.append(
            {
                "action": action,
                "entity": entity,
                "entity_id": row.id,
                "field": f"{stored.name(row)}{suffix}",
                "old": old,
                "new": new,
            }
        )

    changed = 0
    for key, row in current.items():
        if key not in wanted and stored.retire is not None:
            wanted[key] = {field: getattr(row, field) for field in stored.fields} | stored.retire
        elif key not in wanted:
            first = stored.fields[0]
            log(row, "register_delete", first, getattr(row, first), None)
            db.session.delete(row)
            changed += 1
    added = []
    for key, values in wanted.items():
        row = current.get(key)
        if row is None:
            added.append(stored.new(key, values))
            continue
        for field in stored.fields:
            old = getattr(row, field)
            if old != values[field]:
                log(row, "register_import", field, old, values[field])
                setattr(row, field, values[field])
                changed += 1
    db.session.flush()  # the removals and changes first: a new row may take a removed key
    if added:
        # one statement for every new row, their ids returned for the log
        ids = db.session.scalars(
            insert(stored.model).returning(stored.model.id, sort_by_parameter_order=True),
            added,
        ).all()
        for values, row_id in zip(added, ids, strict=True):
            row = SimpleNamespace(**values, id=row_id)
            for field in stored.fields:
                if values.get(field) is not None:
                    log(row, "register_import", field, None, values[field])
    audit.record_many(logged, user_id)
    return changed + len(added)


_FILING_FIELDS = (
    "filed_at",
    "annual_report_filed_on",
    "auditors_report_filed_on",
    "period_start",
    "period_end",
)
_FILINGS = _Stored(
    model=AccountsFiling,
    key=lambda f: (f.organisation_id, f.accounting_year),
    fields=_FILING_FIELDS,
    new=lambda key, values: dict(organisation_id=key[0], accounting_year=key[1], **values),
    name=lambda f: f"{f.accounting_year}:{f.organisation_id}",
)
_LETTINGS = _Stored(
    model=LettingToolUse,
    key=lambda u: (u.estate_id, u.year, u.tool),
    fields=("lettings",),
    new=lambda key, values: dict(
        estate_id=key[0], year=key[1], tool=key[2], lettings=values["lettings"]
    ),
    name=lambda u: f"{u.year}:{u.estate_id}:{u.tool}",
)
_AMOUNTS = _Stored(
    model=AccountsAmount,
    key=lambda a: (a.organisation_id, a.estate_id, a.accounting_year, a.key),
    fields=("value",),
    new=lambda key, values: dict(
        organisation_id=key[0],
        estate_id=key[1],
        accounting_year=key[2],
        key=key[3],
        value=values["value"],
    ),
    name=lambda a: f"{a.accounting_year}:{a.organisation_id}:{a.estate_id or ''}:{a.key}",
)


def _apply_accounts_filings(rows, known: Known, user_id: int | None) -> int:
    """The file's filings replace those of its accounting years."""
    wanted = {
        (known.organisations[row["organisation"]], row["regnskabsaar"]): {
            "filed_at": dt.datetime.combine(row["regnskab_indberettet"], dt.time()),
            "annual_report_filed_on": row["aarsberetning_indberettet"],
            "auditors_report_filed_on": row["revisionsprotokol_indberettet"],
            "period_start": row.get("periode_fra"),
            "period_end": row.get("periode_til"),
        }
        for row in rows
    }
    years = {year for _, year in wanted}
    stored = db.session.scalars(
        select(AccountsFiling).where(AccountsFiling.accounting_year.in_(years))
    )
    return _replace(_FILINGS, stored, wanted, user_id)


def _apply_lettings(rows, known: Known, user_id: int | None) -> int:
    """The file's lettings per estate and tool replace those of its years."""
    wanted = {
        (known.estates[(row["organisation"], row["afdeling"])], row["aar"], row["redskab"]): {
            "lettings": row["udlejninger"]
        }
        for row in rows
    }
    years = {year for _, year, _ in wanted}
    stored = db.session.scalars(select(LettingToolUse).where(LettingToolUse.year.in_(years)))
    return _replace(_LETTINGS, stored, wanted, user_id)


def _apply_accounts_amounts(rows, known: Known, user_id: int | None) -> int:
    """The file's amounts replace those of its accounting years; the years' key figures and
    benchmarks are computed again from them in the same transaction."""
    from app.services.key_figure_computation import compute_accounts_figures

    amount_names = [c.name for c in ACCOUNTS_AMOUNTS.columns[3:]]
    wanted = {}
    for row in rows:
        organisation_id = known.organisations[row["organisation"]]
        estate_id = (
            known.estates[(row["organisation"], row["afdeling"])]
            if row["afdeling"] is not None
            else None
        )
        for name in amount_names:
            if row[name] is not None:
                wanted[(organisation_id, estate_id, row["regnskabsaar"], name)] = {
                    "value": row[name]
                }
    years = {row["regnskabsaar"] for row in rows}
    stored = db.session.scalars(
        select(AccountsAmount).where(AccountsAmount.accounting_year.in_(years))
    )
    changed = _replace(_AMOUNTS, stored, wanted, user_id)
    if changed:
        db.session.flush()  # the amounts and their log written, then the figures computed
        for year in sorted(years):  # a year's fallback is the year before's benchmark
            compute_accounts_figures(year)
    return changed


_FIGURES = _Stored(
    model=KeyFigureValue,
    key=lambda v: (v.organisation_id, v.estate_id, v.year, v.key),
    fields=("value",),
    new=lambda key, values: dict(
        organisation_id=key[0],
        estate_id=key[1],
        year=key[2],
        key=key[3],
        value=values["value"],
        source=values["source"],
    ),
    name=lambda v: f"{v.year}:{v.organisation_id}:{v.estate_id or ''}:{v.key}",
)
_DATED_FIGURES = _Stored(
    model=KeyFigureValue,
    key=_FIGURES.key,
    fields=("value", "measured_on"),
    new=lambda key, values: _FIGURES.new(key, values) | {"measured_on": values["measured_on"]},
    name=_FIGURES.name,
)
_MUNICIPAL = _Stored(
    model=MunicipalityFigure,
    key=lambda f: (f.municipality_id, f.year, f.key),
    fields=("value",),
    new=lambda key, values: dict(
        municipality_id=key[0], year=key[1], key=key[2], value=values["value"]
    ),
    name=lambda f: f"{f.year}:{f.municipality_id}:{f.key}",
)
_COMPLAINTS = _Stored(
    model=ComplaintCaseCount,
    key=lambda c: (c.organisation_id, c.year, c.category),
    fields=("decided", "lost"),
    new=lambda key, values: dict(organisation_id=key[0], year=key[1], category=key[2], **values),
    name=lambda c: f"{c.year}:{c.organisation_id}:{c.category}",
)


def _estate_figures_of(register):
    """The apply step of a register of key figures per estate: its figures of its dialogue
    years replace the stored ones (other figures are not touched)."""

    dated = MEASURED_ON in register.names

    def apply(rows, known: Known, user_id: int | None) -> int:
        keys = [figure for _column, figure in register.figures]
        wanted = {}
        for row in rows:
            estate_id = known.estates[(row["organisation"], row["afdeling"])]
            organisation_id = known.organisations[row["organisation"]]
            for column, figure in register.figures:
                if row[column] is not None:
                    key = (organisation_id, estate_id, row["styringsdialogaar"], figure)
                    wanted[key] = {"value": row[column], "source": register.key}
                    if dated:
                        wanted[key]["measured_on"] = row.get(MEASURED_ON)
        years = {row["styringsdialogaar"] for row in rows}
        stored = db.session.scalars(
            select(KeyFigureValue).where(
                KeyFigureValue.year.in_(years),
                KeyFigureValue.key.in_(keys),
                KeyFigureValue.estate_id.is_not(None),
            )
        )
        return _replace(_DATED_FIGURES if dated else _FIGURES, stored, wanted, user_id)

    return apply


def _apply_municipal_employment(rows, known: Known, user_id: int | None) -> int:
    wanted = {
        (known.municipalities[row["kommune"]], row["styringsdialogaar"], "employment_rate"): {
            "value": row["beskaeftigelse"]
        }
        for row in rows
    }
    years = {row["styringsdialogaar"] for row in rows}
    stored = db.session.scalars(
        select(MunicipalityFigure).where(
            MunicipalityFigure.year.in_(years), MunicipalityFigure.key == "employment_rate"
        )
    )
    return _replace(_MUNICIPAL, stored, wanted, user_id)


def _apply_complaints(rows, known: Known, user_id: int | None) -> int:
    wanted = {
        (known.organisations[row["organisation"]], row["styringsdialogaar"], row["kategori"]): {
            "decided": row["afgjorte"],
            "lost": row["tabte"],
        }
        for row in rows
    }
    years = {row["styringsdialogaar"] for row in rows}
    stored = db.session.scalars(
        select(ComplaintCaseCount).where(ComplaintCaseCount.year.in_(years))
    )
    return _replace(_COMPLAINTS, stored, wanted, user_id)


def _refresh_after_figures(rows) -> None:
    """A vacancy or move-out figure may have turned yellow or red: the dialogue years'
    statuses are derived again (submitted packages never change)."""
    from app.services.statuses import refresh_year_statuses

    for year in sorted({row["styringsdialogaar"] for row in rows}):
        refresh_year_statuses(year)


def _forget_efficiency_averages(_rows) -> None:
    from app.services.key_figures import forget_efficiency_averages

    forget_efficiency_averages()


def _refresh_after_amounts(rows) -> None:
    """A figure may have turned yellow or red: the dialogue years' statuses are derived again
    (submitted packages never change)."""
    from app.services.statuses import refresh_year_statuses

    for accounting_year in sorted({row["regnskabsaar"] for row in rows}):
        refresh_year_statuses(accounting_year + 1)


# --- master data: a change reaches years opened after it (services/opened_year_master_data) --

_ORGANISATIONS = _Stored(
    model=Organisation,
    key=lambda o: (o.number,),
    fields=("name", "kind", "home_municipality_id", "active"),
    new=lambda key, values: dict(number=key[0], **values),
    name=lambda o: str(o.number),
    retire={"active": False},
)
_ADMINISTRATION = _Stored(
    model=Organisation,
    key=lambda o: (o.number,),
    fields=("administered_by_id",),
    new=lambda key, values: {},  # every organisation exists: the first pass made them
    name=lambda o: str(o.number),
    retire={"administered_by_id": None},
)
_ESTATE_FIELDS = (
    "name",
    "address",
    "municipality_id",
    "state",
    "built_year",
    "family_dwellings",
    "elderly_dwellings",
    "youth_dwellings",
    "area_m2",
)
_ESTATES = _Stored(
    model=Estate,
    key=lambda e: (e.organisation_id, e.number),
    fields=_ESTATE_FIELDS,
    new=lambda key, values: dict(organisation_id=key[0], number=key[1], **values),
    name=lambda e: f"{e.organisation_id}:{e.number}",
    retire={"state": EstateState.CLOSED},
)


def _apply_organisations(rows, known: Known, user_id: int | None) -> int:
    """The file is the whole register: its organisations are added or updated and active,
    those it no longer holds are inactive (kept: packages refer to them); then each one's
    administrator, by number."""
    wanted = {
        (row["organisation"],): {
            "name": row["navn"],
            "kind": ORGANISATION_KINDS[row["type"]],
            "home_municipality_id": known.municipalities[row["hjemstedskommune"]],
            "active": True,
        }
        for row in rows
    }
    changed = _replace(_ORGANISATIONS, db.session.scalars(select(Organisation)), wanted, user_id)
    db.session.flush()
    id_of = dict(db.session.execute(select(Organisation.number, Organisation.id)).all())
    administrators = {
        (row["organisation"],): {
            "administered_by_id": id_of.get(row["administreres_af"])
            if row["administreres_af"] is not None
            else None
        }
        for row in rows
    }
    stored = db.session.scalars(select(Organisation).execution_options(populate_existing=True))
    changed += _replace(_ADMINISTRATION, stored, administrators, user_id)
    if rows and "cvr" not in rows[0]:
        return changed  # a file without the column says nothing of CVR numbers: they stay
    return changed + _apply_cvr_numbers(rows, user_id)


def _apply_cvr_numbers(rows, user_id: int | None) -> int:
    """Each organisation's CVR number as the file gives it; one the file no longer holds (made
    inactive) gives its number up, so that a successor may take it."""
    wanted = {row["organisation"]: row["cvr"] for row in rows}
    changes = [
        (organisation, organisation.cvr, wanted.get(organisation.number))
        for organisation in db.session.scalars(select(Organisation))
        if organisation.cvr != wanted.get(organisation.number)
    ]
    # the numbers given up first, then those given: one may pass between two organisations
    for organisation, _old, _new in changes:
        organisation.cvr = None
    db.session.flush()
    for organisation, _old, new in changes:
        organisation.cvr = new
    db.session.flush()
    audit.record_many(
        [
            {
                "action": "register_import",
                "entity": "Organisation",
                "entity_id": organisation.id,
                "field": f"{organisation.number}:cvr",
                "old": old,
                "new": new,
            }
            for organisation, old, new in changes
        ],
        user_id,
    )
    return len(changes)


def _apply_estates(rows, known: Known, user_id: int | None) -> int:
    """The file is the whole register: its estates are added or updated, those it no longer
    holds are closed (kept: forms refer to them)."""
    wanted = {
        (known.organisations[row["organisation"]], row["afdeling"]): {
            "name": row["navn"],
            "address": row["adresse"],
            "municipality_id": known.municipalities[row["kommune"]],
            "state": ESTATE_STATES[row["tilstand"]],
            "built_year": row["opfoerelsesaar"],
            "family_dwellings": row["familieboliger"],
            "elderly_dwellings": row["aeldreboliger"],
            "youth_dwellings": row["ungdomsboliger"],
            "area_m2": row["bruttoetageareal"],
        }
        for row in rows
    }
    return _replace(_ESTATES, db.session.scalars(select(Estate)), wanted, user_id)


AFTER: dict[str, Callable] = {
    ACCOUNTS_AMOUNTS.key: _refresh_after_amounts,
    MOVE_OUTS.key: _refresh_after_figures,
    VACANCIES.key: _refresh_after_figures,
    EFFICIENCY.key: _forget_efficiency_averages,
}

APPLY: dict[str, Callable] = {
    ORGANISATIONS.key: _apply_organisations,
    ESTATES.key: _apply_estates,
    ACCOUNTS_FILINGS.key: _apply_accounts_filings,
    LETTINGS.key: _apply_lettings,
    ACCOUNTS_AMOUNTS.key: _apply_accounts_amounts,
    MOVE_OUTS.key: _estate_figures_of(MOVE_OUTS),
    VACANCIES.key: _estate_figures_of(VACANCIES),
    EFFICIENCY.key: _estate_figures_of(EFFICIENCY),
    EMPLOYMENT.key: _estate_figures_of(EMPLOYMENT),
    RENTS.key: _estate_figures_of(RENTS),
    MUNICIPAL_EMPLOYMENT.key: _apply_municipal_employment,
    COMPLAINTS.key: _apply_complaints,
}
