"""A statistics report as an Excel workbook (openpyxl's write-only mode: rows go to disk as
they are written, so the sector's 7,000 estates need little memory). Numbers stay numbers
with Danish display (Excel shows 95,04 in a Danish locale), the header row is frozen and has
filters, and a yellow or red value has its fill and, beside it, its mark in words, so that a
printout in black and white still tells them apart."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator
from copy import copy

from flask_babel import gettext
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from app.rules.enums import Flag, LabelledEnum
from app.rules.statistics import MARK_WORDS
from app.services.statistics import Column, Table, TableCell

FILLS = {
    Flag.YELLOW: PatternFill("solid", fgColor="FFE066"),
    Flag.RED: PatternFill("solid", fgColor="F4A6A6"),
}
_BOLD = Font(bold=True)
_CHUNK = 64 * 1024


def header(column: Column) -> str:
    label = gettext(column.label, **(column.params or {}))
    return f"{column.group} – {label}" if column.group else label


def workbook_chunks(title: str, table: Table) -> Iterator[bytes]:
    """The workbook of `table` in chunks, for a streamed response."""
    with tempfile.TemporaryFile() as file:
        write_workbook(file, title, table)
        file.seek(0)
        while chunk := file.read(_CHUNK):
            yield chunk


def write_workbook(file, title: str, table: Table) -> None:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(table.columns, start=1):
        width = 12 if column.kind in ("number", "date", "mark") else 28
        sheet.column_dimensions[get_column_letter(index)].width = width
    head = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, header(column))
        cell.font = _BOLD
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        head.append(cell)
    sheet.append(head)
    styles = _Styles(sheet)
    marks = {flag: gettext(word) if word else None for flag, word in MARK_WORDS.items()}
    for row in table.rows:
        sheet.append(
            [
                _value(sheet, column, cell, styles, marks)
                for column, cell in zip(table.columns, row, strict=True)
            ]
        )
    last = get_column_letter(max(len(table.columns), 1))
    sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    workbook.save(file)


class _Styles:
    """One styled cell per (number format, fill), whose style a new cell takes as is: far
    cheaper than setting the format and fill on each of a sector's 300,000 cells."""

    def __init__(self, sheet):
        self.sheet = sheet
        self.made: dict[tuple, WriteOnlyCell] = {}

    def cell(self, value, number_format: str | None, mark: Flag) -> WriteOnlyCell:
        key = (number_format, mark)
        model = self.made.get(key)
        if model is None:
            model = self.made[key] = WriteOnlyCell(self.sheet)
            if number_format:
                model.number_format = number_format
            if mark in FILLS:
                model.fill = FILLS[mark]
        out = WriteOnlyCell(self.sheet, value)
        out._style = copy(model._style)
        return out


def _number_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def _value(sheet, column: Column, cell: TableCell, styles: _Styles, marks: dict):
    """The cell as written: a plain value where it needs no style."""
    value = cell.value
    if column.kind == "mark":
        value = marks[value] if isinstance(value, Flag) else None
    elif isinstance(value, LabelledEnum):
        value = gettext(value.label)
    number_format = None
    if value is not None and column.kind == "number":
        number_format = _number_format(column.decimals if cell.decimals is None else cell.decimals)
    elif column.kind == "date" and isinstance(value, dt.date):
        number_format = "DD-MM-YYYY"
    if number_format is None and cell.mark not in FILLS:
        return value
    return styles.cell(value, number_format, cell.mark)
