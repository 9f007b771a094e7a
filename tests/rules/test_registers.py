"""Register files checked before anything is imported: every problem of a file, with its row,
column, value and reason; a file with any problem gives no rows at all."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from app.rules.register_files import read_register_file
from app.rules.registers import (
    ACCOUNTS_FILINGS,
    DECIMAL,
    ESTATE,
    ORGANISATION,
    Column,
    RegisterFormat,
    check_register,
    parse_value,
)

KNOWN = {101: "Boligselskabet Hovedstaden", 462: "Boligforeningen Lillebo"}
# a file of the format before the accounting period's two columns (they may be left out)
HEADER = ";".join(c.name for c in ACCOUNTS_FILINGS.columns[:5])

# a small format with a decimal and an estate column, for the cases the filings do not have
VACANCY = RegisterFormat(
    key="vacancy",
    label="Tomgang",
    columns=(
        Column("organisation", ORGANISATION, "Boligorganisation"),
        Column("afdeling", ESTATE, "Afdeling"),
        Column("tomgang_pct", DECIMAL, "Tomgang", unit="pct."),
    ),
    unique=("organisation", "afdeling"),
)
ESTATES = {(101, 1): 1, (101, 2): 2}


def check(text: str | bytes, register=ACCOUNTS_FILINGS, filename="filer.csv"):
    content = text.encode("utf-8") if isinstance(text, str) else text
    return check_register(register, read_register_file(filename, content), KNOWN, ESTATES)


def problems(checked) -> list[tuple]:
    return [
        (p.code, p.params_dict().get("row"), p.field, p.params_dict().get("value"))
        for p in checked.problems
    ]


def test_a_good_file_gives_its_rows_typed():
    checked = check(f"{HEADER}\n101;2025;2026-05-31;2026-05-31;\n462;2025;2026-06-02;;\n")
    assert checked.ok
    assert checked.rows == (
        {
            "organisation": 101,
            "regnskabsaar": 2025,
            "regnskab_indberettet": dt.date(2026, 5, 31),
            "aarsberetning_indberettet": dt.date(2026, 5, 31),
            "revisionsprotokol_indberettet": None,
        },
        {
            "organisation": 462,
            "regnskabsaar": 2025,
            "regnskab_indberettet": dt.date(2026, 6, 2),
            "aarsberetning_indberettet": None,
            "revisionsprotokol_indberettet": None,
        },
    )


def test_a_comma_separated_file_with_a_byte_order_mark_reads_the_same():
    text = "\ufeff" + HEADER.replace(";", ",") + "\n101,2025,2026-05-31,,\n"
    checked = check(text)
    assert checked.ok
    assert checked.rows[0]["organisation"] == 101


def test_every_bad_row_is_listed_and_nothing_is_given():
    checked = check(
        f"{HEADER}\n"
        "999;2025;2026-05-31;;\n"  # row 2: unknown organisation
        "101;to tusind;2026-05-31;;\n"  # row 3: text in a number
        "101;2021;31-05-2022;;\n"  # row 4: a Danish date
        "462;2022;2023-02-30;;\n"  # row 5: no such date
        "462;2023;;;\n"  # row 6: a required value missing
        "101;2025;2026-05-31;;\n"  # row 7: fine
        "101;2025;2026-06-01;;\n"  # row 8: repeats row 7
        "462;2025;2026-05-31;;;ekstra\n"  # row 9: more values than columns
    )
    assert checked.rows == ()
    assert problems(checked) == [
        ("unknown_organisation", 2, "organisation", "999"),
        ("not_a_number", 3, "regnskabsaar", "to tusind"),
        ("date_form", 4, "regnskab_indberettet", "31-05-2022"),
        ("no_such_date", 5, "regnskab_indberettet", "2023-02-30"),
        ("missing_value", 6, "regnskab_indberettet", None),
        ("duplicate_row", 8, None, None),
        ("extra_values", 9, None, None),
    ]
    assert checked.problems[5].params_dict()["first"] == 7


def test_a_danish_decimal_comma_and_an_unknown_estate_are_named():
    checked = check(
        "organisation;afdeling;tomgang_pct\n101;1;2.5\n101;2;2,5\n101;7;1.0\n", register=VACANCY
    )
    assert checked.rows == ()
    assert problems(checked) == [
        ("decimal_comma", 3, "tomgang_pct", "2,5"),
        ("unknown_estate", 4, "afdeling", "7"),
    ]


def test_missing_and_extra_columns_are_named_before_any_row():
    checked = check("organisation;regnskabsaar;kommentar\n101;2025;x\n")
    assert problems(checked) == [
        ("missing_column", None, "regnskab_indberettet", None),
        ("missing_column", None, "aarsberetning_indberettet", None),
        ("missing_column", None, "revisionsprotokol_indberettet", None),
        ("extra_column", None, "kommentar", None),
    ]


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", HEADER.encode() + b"\n"])
def test_an_empty_file_or_a_header_alone_imports_nothing(content):
    checked = check(content)
    assert checked.rows == ()
    assert [p.code for p in checked.problems] in (["empty_file"], ["no_rows"])


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_a_file_not_saved_as_utf8_is_named_as_such(encoding):
    content = (HEADER + "\n101;2025;2026-05-31;;Århus\n").encode(encoding)
    checked = check(content)
    assert [p.code for p in checked.problems] == ["not_utf8"]
    assert "UTF-8" in checked.problems[0].message


@pytest.mark.parametrize(
    ("kind", "text", "expected"),
    [
        (DECIMAL, "95.04", (Decimal("95.04"), None)),
        (DECIMAL, "-3", (Decimal("-3"), None)),
        (DECIMAL, "95,04", (None, "decimal_comma")),
        (DECIMAL, "1.234,5", (None, "decimal_comma")),
        (DECIMAL, "95 pct.", (None, "not_a_number")),
        (ORGANISATION, "101.5", (None, "not_whole")),
        ("year", "25", (None, "not_a_year")),
        ("date", "2026/05/31", (None, "not_a_date")),
        ("date", "", (None, None)),
    ],
)
def test_a_value_is_read_by_the_kind_of_its_column(kind, text, expected):
    value, refusal = parse_value(kind, text)
    assert (value, refusal[0] if refusal else None) == expected


def _xlsx(rows, merge=None) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_excel_sheet_reads_like_the_csv():
    content = _xlsx([HEADER.split(";"), [101, 2025, dt.datetime(2026, 5, 31), None, None]])
    checked = check(content, filename="filer.xlsx")
    assert checked.ok
    assert checked.rows[0]["regnskab_indberettet"] == dt.date(2026, 5, 31)


def test_formulas_and_merged_cells_in_an_excel_sheet_are_refused():
    content = _xlsx(
        [HEADER.split(";"), [101, "=2024+1", "2026-05-31"], [462, 2025, "2026-05-31"]],
        merge="D3:E3",
    )
    checked = check(content, filename="filer.xlsx")
    assert checked.rows == ()
    assert [(p.code, p.params_dict().get("row")) for p in checked.problems] == [
        ("merged_cell", 3),
        ("formula", 2),
    ]


def test_a_lettings_row_names_a_known_tool_and_no_negative_count():
    from app.rules.registers import LETTINGS

    checked = check(
        "organisation;afdeling;aar;redskab;udlejninger\n"
        "101;1;2026;waiting_list;4\n"
        "101;1;2026;lottery;2\n"  # row 3: no such tool
        "101;2;2026;flexible;-1\n",  # row 4: a negative count
        register=LETTINGS,
    )
    assert problems(checked) == [
        ("unknown_choice", 3, "redskab", "lottery"),
        ("negative", 4, "udlejninger", "-1"),
    ]
    assert "waiting_list, flexible" in checked.problems[0].params_dict()["choices"]
