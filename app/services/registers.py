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
from collections.abc import Callable

from sqlalchemy import select

from app.extensions import db
from app.models import (
    AccountsAmount,
    AccountsFiling,
    Estate,
    LettingToolUse,
    Organisation,
    RegisterImport,
)
from app.rules.access import Actor
from app.rules.enums import N_, ImportStatus
from app.rules.register_files import read_register_file
from app.rules.registers import (
    ACCOUNTS_AMOUNTS,
    ACCOUNTS_FILINGS,
    FORMATS,
    LETTINGS,
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
    organisations = {
        number: organisation_id
        for number, organisation_id in db.session.execute(
            select(Organisation.number, Organisation.id)
        )
    }
    estates = {
        (organisation_number, estate_number): estate_id
        for organisation_number, estate_number, estate_id in db.session.execute(
            select(Organisation.number, Estate.number, Estate.id).join(
                Estate, Estate.organisation_id == Organisation.id
            )
        )
    }
    table = read_register_file(entry.filename, entry.content)
    checked = check_register(register, table, organisations, estates)
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
    try:
        changed = APPLY[register.key](
            checked.rows, organisations, estates, user_id or entry.created_by_id
        )
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


# --- applying a checked file, one function per register ----------------------------------


def _apply_accounts_filings(rows, organisations, _estates, user_id: int | None) -> int:
    """The file's filings replace those of its accounting years."""
    wanted = {
        (organisations[row["organisation"]], row["regnskabsaar"]): (
            dt.datetime.combine(row["regnskab_indberettet"], dt.time()),
            row["aarsberetning_indberettet"],
            row["revisionsprotokol_indberettet"],
        )
        for row in rows
    }
    years = {year for _, year in wanted}
    stored = {
        (f.organisation_id, f.accounting_year): f
        for f in db.session.scalars(
            select(AccountsFiling).where(AccountsFiling.accounting_year.in_(years))
        )
    }
    changed = 0
    for key, filing in stored.items():
        if key not in wanted:
            _audit_filing(filing, "register_delete", "filed_at", filing.filed_at, None, user_id)
            db.session.delete(filing)
            changed += 1
    fields = ("filed_at", "annual_report_filed_on", "auditors_report_filed_on")
    added = []
    for (organisation_id, year), values in wanted.items():
        filing = stored.get((organisation_id, year))
        if filing is None:
            added.append(
                AccountsFiling(
                    organisation_id=organisation_id,
                    accounting_year=year,
                    **dict(zip(fields, values, strict=True)),
                )
            )
            continue
        for name, value in zip(fields, values, strict=True):
            old = getattr(filing, name)
            if old != value:
                _audit_filing(filing, "register_import", name, old, value, user_id)
                setattr(filing, name, value)
                changed += 1
    db.session.add_all(added)
    db.session.flush()  # one flush for every new filing: their ids for the log
    for filing in added:
        for name in fields:
            if getattr(filing, name) is not None:
                _audit_filing(filing, "register_import", name, None, getattr(filing, name), user_id)
                changed += 1
    return changed


def _audit_filing(filing, action, field, old, new, user_id) -> None:
    audit.record(
        action,
        "AccountsFiling",
        filing.id,
        field=f"{filing.accounting_year}:{filing.organisation_id}:{field}",
        old=old,
        new=new,
        user_id=user_id,
    )


def _apply_lettings(rows, _organisations, estates, user_id: int | None) -> int:
    """The file's lettings per estate and tool replace those of its years."""
    wanted = {
        (estates[(row["organisation"], row["afdeling"])], row["aar"], row["redskab"]): row[
            "udlejninger"
        ]
        for row in rows
    }
    years = {year for _, year, _ in wanted}
    stored = {
        (u.estate_id, u.year, u.tool): u
        for u in db.session.scalars(select(LettingToolUse).where(LettingToolUse.year.in_(years)))
    }
    changed = 0
    for key, use in stored.items():
        if key not in wanted:
            _audit_lettings(use, "register_delete", use.lettings, None, user_id)
            db.session.delete(use)
            changed += 1
    added = []
    for (estate_id, year, tool), lettings in wanted.items():
        use = stored.get((estate_id, year, tool))
        if use is None:
            added.append(
                LettingToolUse(estate_id=estate_id, year=year, tool=tool, lettings=lettings)
            )
        elif use.lettings != lettings:
            _audit_lettings(use, "register_import", use.lettings, lettings, user_id)
            use.lettings = lettings
            changed += 1
    db.session.add_all(added)
    db.session.flush()  # one flush for every new row: their ids for the log
    for use in added:
        _audit_lettings(use, "register_import", None, use.lettings, user_id)
    return changed + len(added)


def _audit_lettings(use, action, old, new, user_id) -> None:
    audit.record(
        action,
        "LettingToolUse",
        use.id,
        field=f"{use.year}:{use.estate_id}:{use.tool}",
        old=old,
        new=new,
        user_id=user_id,
    )


def _apply_accounts_amounts(rows, organisations, estates, user_id: int | None) -> int:
    """The file's amounts replace those of its accounting years; the years' key figures are
    computed again from them in the same transaction."""
    from app.services.key_figure_computation import compute_accounts_figures

    amount_names = [c.name for c in ACCOUNTS_AMOUNTS.columns[3:]]
    wanted = {}
    for row in rows:
        organisation_id = organisations[row["organisation"]]
        estate_id = (
            estates[(row["organisation"], row["afdeling"])] if row["afdeling"] is not None else None
        )
        for name in amount_names:
            if row[name] is not None:
                wanted[(organisation_id, estate_id, row["regnskabsaar"], name)] = row[name]
    years = {row["regnskabsaar"] for row in rows}
    stored = {
        (a.organisation_id, a.estate_id, a.accounting_year, a.key): a
        for a in db.session.scalars(
            select(AccountsAmount).where(AccountsAmount.accounting_year.in_(years))
        )
    }
    changed = 0
    for key, amount in stored.items():
        if key not in wanted:
            _audit_amount(amount, "register_delete", amount.value, None, user_id)
            db.session.delete(amount)
            changed += 1
    added = []
    for (organisation_id, estate_id, year, name), value in wanted.items():
        amount = stored.get((organisation_id, estate_id, year, name))
        if amount is None:
            added.append(
                AccountsAmount(
                    organisation_id=organisation_id,
                    estate_id=estate_id,
                    accounting_year=year,
                    key=name,
                    value=value,
                )
            )
        elif amount.value != value:
            _audit_amount(amount, "register_import", amount.value, value, user_id)
            amount.value = value
            changed += 1
    db.session.add_all(added)
    db.session.flush()  # one flush for every new amount: their ids for the log
    for amount in added:
        _audit_amount(amount, "register_import", None, amount.value, user_id)
    if changed or added:
        db.session.flush()  # the amounts and their log written, then the figures computed
        for year in years:
            compute_accounts_figures(year)
    return changed + len(added)


def _audit_amount(amount, action, old, new, user_id) -> None:
    audit.record(
        action,
        "AccountsAmount",
        amount.id,
        field=f"{amount.accounting_year}:{amount.organisation_id}:{amount.estate_id or ''}:"
        f"{amount.key}",
        old=old,
        new=new,
        user_id=user_id,
    )


def _refresh_after_amounts(rows) -> None:
    """A figure may have turned yellow or red: the dialogue years' statuses are derived again
    (submitted packages never change)."""
    from app.services.statuses import refresh_year_statuses

    for accounting_year in sorted({row["regnskabsaar"] for row in rows}):
        refresh_year_statuses(accounting_year + 1)


AFTER: dict[str, Callable] = {ACCOUNTS_AMOUNTS.key: _refresh_after_amounts}

APPLY: dict[str, Callable] = {
    ACCOUNTS_FILINGS.key: _apply_accounts_filings,
    LETTINGS.key: _apply_lettings,
    ACCOUNTS_AMOUNTS.key: _apply_accounts_amounts,
}
