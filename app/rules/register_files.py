"""Reading a register extract as LBF uploads it, CSV or XLSX, into a header and rows of text,
with every problem of the file itself (encoding, formulas, merged cells, emptiness) named.

A register file is read as text only: the columns' types are checked afterwards, row by row
(`app.rules.registers`), so that a bad value is reported with its row and column instead of
being guessed at."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from app.rules.enums import N_
from app.rules.violations import Violation

XLSX_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class RegisterTable:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # as long as the file has them: widths are checked later
    problems: tuple[Violation, ...] = ()


def _problem(code: str, message: str, row: int | None = None, column: str | None = None, **params):
    location = tuple(p for p in (("row", row), ("column", column)) if p[1] is not None)
    return Violation(code, message, column, location + tuple(params.items()))


def read_register_file(filename: str, content: bytes) -> RegisterTable:
    """The file's header and rows as text; an XLSX file by its content, anything else as CSV."""
    if content.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    return _read_csv(content)


def _read_csv(content: bytes) -> RegisterTable:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return RegisterTable(
            (),
            (),
            (
                _problem(
                    "not_utf8",
                    N_(
                        "Filen er ikke gemt som UTF-8 (den ser ud til at være Latin-1 eller "
                        'Windows-1252). Gem den som "CSV UTF-8", så æ, ø og å kommer rigtigt med.'
                    ),
                ),
            ),
        )
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        return RegisterTable((), (), (_problem("empty_file", N_("Filen er tom.")),))
    delimiter = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    parsed = list(csv.reader(lines, delimiter=delimiter))
    header = tuple(cell.strip() for cell in parsed[0])
    rows = tuple(tuple(cell.strip() for cell in row) for row in parsed[1:])
    return RegisterTable(header, rows)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _trimmed(row: list[str]) -> tuple[str, ...]:
    """A sheet row without the empty cells after its last value."""
    end = len(row)
    while end and not row[end - 1]:
        end -= 1
    return tuple(row[:end])


def _read_xlsx(content: bytes) -> RegisterTable:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), data_only=False, read_only=False)
    except Exception:  # noqa: BLE001 - any unreadable workbook is one problem for the user
        return RegisterTable(
            (), (), (_problem("unreadable", N_("Filen kan ikke læses som et Excel-ark (XLSX).")),)
        )
    sheet = workbook.worksheets[0]
    problems = []
    for merged in sheet.merged_cells.ranges:
        problems.append(
            _problem(
                "merged_cell",
                N_("Flettede celler (%(cells)s): hver værdi skal stå i sin egen celle."),
                row=merged.min_row,
                cells=str(merged),
            )
        )
    grid = []
    for row in sheet.iter_rows():
        cells = []
        for cell in row:
            if cell.data_type == "f":
                problems.append(
                    _problem(
                        "formula",
                        N_("Cellen %(cell)s indeholder en formel: indsæt værdien i stedet."),
                        row=cell.row,
                        cell=cell.coordinate,
                    )
                )
                cells.append("")
            else:
                cells.append(_cell_text(cell.value))
        grid.append(cells)
    grid = [row for row in grid if any(row)]
    if not grid:
        return RegisterTable((), (), (_problem("empty_file", N_("Filen er tom.")), *problems))
    header = _trimmed(grid[0])
    rows = tuple(_trimmed(row) for row in grid[1:])
    return RegisterTable(header, rows, tuple(problems))
