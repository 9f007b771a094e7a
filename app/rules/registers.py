"""The register formats LBF imports, as data, and the check of a read file against its format:
every problem at once, each with its row, column, value and reason, so that a file with any
bad row imports nothing and the user can mend them all in one go (docs/registers.md).

Values are checked as the formats say they are written: whole numbers without thousands
separators, decimals with a decimal point, dates as yyyy-mm-dd (what Excel's "CSV UTF-8"
export and the registers' own extracts write); a Danish decimal comma or date is named as
such, not guessed at."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from app.rules.cvr import CVR_FORMAT, is_cvr
from app.rules.enums import N_, EstateState, OrganisationKind
from app.rules.register_files import RegisterTable
from app.rules.report import COMPLAINT_CATEGORIES, LettingTool
from app.rules.violations import Violation

# the kinds of column; "organisation" and "estate" are numbers that must be known to LBF
TEXT, INTEGER, DECIMAL, DATE, YEAR, ORGANISATION, ESTATE, MUNICIPALITY, CVR = (
    "text",
    "integer",
    "decimal",
    "date",
    "year",
    "organisation",
    "estate",
    "municipality",
    "cvr",
)

KIND_LABELS = {
    TEXT: N_("tekst"),
    INTEGER: N_("helt tal"),
    DECIMAL: N_("decimaltal med punktum"),
    DATE: N_("dato, åååå-mm-dd"),
    YEAR: N_("årstal"),
    ORGANISATION: N_("organisationsnummer"),
    ESTATE: N_("afdelingsnummer"),
    MUNICIPALITY: N_("kommunekode"),
    CVR: N_("CVR-nummer, 8 cifre"),
}


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    description: str
    required: bool = True
    unit: str | None = None
    choices: tuple[str, ...] = ()  # a text column that takes only these values
    non_negative: bool = False
    positive: bool = False
    at_most: str | None = None  # a number that may not exceed the row's value of this column
    max_length: int | None = None  # the longest text the column's field holds
    # a column added to the format later: a file without it still imports; its rows then
    # carry no value for it at all (an empty cell is None), so that what the file does not
    # speak of can be kept
    may_be_left_out: bool = False

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class RegisterFormat:
    key: str
    label: str
    columns: tuple[Column, ...]
    unique: tuple[str, ...]  # the columns that name one row: a second row with them is a duplicate
    # columns holding key figures: (column, key figure) for the registers of estate figures
    figures: tuple[tuple[str, str], ...] = ()
    # a check across the rows, given (row number, row) pairs; a row may lack a bad value
    across: Callable[[list[tuple[int, dict]]], Iterable[Violation]] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _accounting_periods(rows: list[tuple[int, dict]]) -> Iterable[Violation]:
    """A period is given whole, its first day before its last, and it ends in the accounting
    year it is filed for."""
    for index, row in rows:
        first, last = row.get("periode_fra"), row.get("periode_til")
        if first is None and last is None:
            continue
        if first is None or last is None:
            missing = "periode_fra" if first is None else "periode_til"
            yield _problem(
                "half_period",
                N_("Regnskabsperioden skal have både første og sidste dag."),
                index,
                missing,
                None,
            )
        elif first >= last:
            yield _problem(
                "period_order",
                N_("Regnskabsperiodens første dag skal ligge før den sidste."),
                index,
                "periode_til",
                last.isoformat(),
            )
        elif row.get("regnskabsaar") is not None and last.year != row["regnskabsaar"]:
            yield _problem(
                "period_year",
                N_("Regnskabsperioden skal slutte i regnskabsåret."),
                index,
                "periode_til",
                last.isoformat(),
            )


ACCOUNTS_FILINGS = RegisterFormat(
    key="accounts_filings",
    label=N_("Indberetning af regnskaber"),
    columns=(
        Column("organisation", ORGANISATION, N_("Boligorganisationens nummer hos LBF")),
        Column("regnskabsaar", YEAR, N_("Regnskabsåret")),
        Column("regnskab_indberettet", DATE, N_("Dato for indberetning af regnskabet")),
        Column(
            "aarsberetning_indberettet",
            DATE,
            N_("Dato for indberetning af årsberetningen"),
            required=False,
        ),
        Column(
            "revisionsprotokol_indberettet",
            DATE,
            N_("Dato for indberetning af revisionsprotokollatet"),
            required=False,
        ),
        Column(
            "periode_fra",
            DATE,
            N_("Regnskabsperiodens første dag"),
            required=False,
            may_be_left_out=True,
        ),
        Column(
            "periode_til",
            DATE,
            N_("Regnskabsperiodens sidste dag"),
            required=False,
            may_be_left_out=True,
        ),
    ),
    unique=("organisation", "regnskabsaar"),
    across=_accounting_periods,
)

LETTINGS = RegisterFormat(
    key="lettings",
    label=N_("Udlejninger pr. udlejningsredskab"),
    columns=(
        Column("organisation", ORGANISATION, N_("Boligorganisationens nummer hos LBF")),
        Column("afdeling", ESTATE, N_("Afdelingens nummer i boligorganisationen")),
        Column("aar", YEAR, N_("Styringsdialogåret, udlejningerne indgår i")),
        Column(
            "redskab",
            TEXT,
            N_("Udlejningsredskabet"),
            choices=tuple(tool.value for tool in LettingTool),
        ),
        Column("udlejninger", INTEGER, N_("Antal udlejede familieboliger"), non_negative=True),
    ),
    unique=("organisation", "afdeling", "aar", "redskab"),
)

ACCOUNTS_AMOUNTS = RegisterFormat(
    key="accounts_amounts",
    label=N_("Regnskabsbeløb"),
    columns=(
        Column("organisation", ORGANISATION, N_("Boligorganisationens nummer hos LBF")),
        Column(
            "afdeling",
            ESTATE,
            N_("Afdelingens nummer; tom for boligorganisationens eget regnskab"),
            required=False,
        ),
        Column("regnskabsaar", YEAR, N_("Regnskabsåret")),
        *(
            Column(amount, DECIMAL, description, required=False, unit=unit)
            for amount, description, unit in (
                ("administrationsbidrag", N_("Administrationsbidrag"), "kr."),
                ("lejemaalsenheder", N_("Lejemålsenheder"), None),
                ("byggesagshonorar_nybyggeri", N_("Byggesagshonorar, nybyggeri"), "kr."),
                ("anskaffelsessum_nybyggeri", N_("Anskaffelsessum, nybyggeri"), "kr."),
                ("byggesagshonorar_renovering", N_("Byggesagshonorar, støttet renovering"), "kr."),
                ("anskaffelsessum_renovering", N_("Anskaffelsessum, støttet renovering"), "kr."),
                ("dispositionsfond", N_("Dispositionsfond"), "kr."),
                ("arbejdskapital", N_("Arbejdskapital"), "kr."),
                ("henlaeggelser_aar", N_("Årets henlæggelser til vedligeholdelse"), "kr."),
                (
                    "henlaeggelser_opsparede",
                    N_("Opsparede henlæggelser til vedligeholdelse"),
                    "kr.",
                ),
                ("lejemaal", N_("Lejemål"), None),
                ("bruttoetageareal", N_("Bruttoetageareal"), "m²"),
            )
        ),
    ),
    unique=("organisation", "afdeling", "regnskabsaar"),
)

_ORGANISATION_COLUMN = Column(
    "organisation", ORGANISATION, N_("Boligorganisationens nummer hos LBF")
)
_ESTATE_COLUMN = Column("afdeling", ESTATE, N_("Afdelingens nummer i boligorganisationen"))
_DIALOGUE_YEAR = Column(
    "styringsdialogaar", YEAR, N_("Styringsdialogåret, tallene indgår i (året efter opgørelsen)")
)


def _estate_figures(key, label, figures, extra=()) -> RegisterFormat:
    """A register of key figures per estate: one optional column per figure, in percent or
    points, none negative; `extra` columns after them."""
    return RegisterFormat(
        key=key,
        label=label,
        columns=(
            _ORGANISATION_COLUMN,
            _ESTATE_COLUMN,
            _DIALOGUE_YEAR,
            *(
                Column(column, DECIMAL, description, required=False, unit=unit, non_negative=True)
                for column, _figure, description, unit in figures
            ),
            *extra,
        ),
        unique=("organisation", "afdeling", "styringsdialogaar"),
        figures=tuple((column, figure) for column, figure, _description, _unit in figures),
    )


# the day a row's figures were counted on, where the register gives it
MEASURED_ON = "opgoerelsestidspunkt"

MOVE_OUTS = _estate_figures(
    "move_outs",
    N_("Fraflytning"),
    (
        ("familieboliger", "move_out_rate_family", N_("Fraflytning, familieboliger"), "pct."),
        ("aeldreboliger", "move_out_rate_elderly", N_("Fraflytning, ældreboliger"), "pct."),
        ("ungdomsboliger", "move_out_rate_youth", N_("Fraflytning, ungdomsboliger"), "pct."),
    ),
)
VACANCIES = _estate_figures(
    "vacancies",
    N_("Lejeledighed"),
    (
        ("familieboliger", "vacancy_rate_family", N_("Lejeledighed, familieboliger"), "pct."),
        ("aeldreboliger", "vacancy_rate_elderly", N_("Lejeledighed, ældreboliger"), "pct."),
        ("ungdomsboliger", "vacancy_rate_youth", N_("Lejeledighed, ungdomsboliger"), "pct."),
    ),
    extra=(
        Column(
            MEASURED_ON,
            DATE,
            N_("Opgørelsestidspunktet: den dag, de ledige boliger er talt"),
            required=False,
            may_be_left_out=True,
        ),
    ),
)
EFFICIENCY = _estate_figures(
    "efficiency",
    N_("Effektivitetstal"),
    (("effektivitetstal", "efficiency", N_("Afdelingens effektivitetstal"), None),),
)
EMPLOYMENT = _estate_figures(
    "employment",
    N_("Beskæftigelse i afdelingerne"),
    (
        (
            "beskaeftigelse",
            "employment_rate",
            N_("Andel af afdelingens 18-64-årige beboere i beskæftigelse"),
            "pct.",
        ),
    ),
)
RENTS = _estate_figures(
    "rents",
    N_("Husleje"),
    (
        ("familieboliger", "rent_per_m2_family", N_("Årlig leje, familieboliger"), "kr. pr. m²"),
        ("aeldreboliger", "rent_per_m2_elderly", N_("Årlig leje, ældreboliger"), "kr. pr. m²"),
        ("ungdomsboliger", "rent_per_m2_youth", N_("Årlig leje, ungdomsboliger"), "kr. pr. m²"),
    ),
)
MUNICIPAL_EMPLOYMENT = RegisterFormat(
    key="municipal_employment",
    label=N_("Beskæftigelse i kommunerne"),
    columns=(
        Column("kommune", MUNICIPALITY, N_("Kommunekoden (fx 101 for København)")),
        _DIALOGUE_YEAR,
        Column(
            "beskaeftigelse",
            DECIMAL,
            N_("Andel af kommunens 18-64-årige i beskæftigelse"),
            unit="pct.",
            non_negative=True,
        ),
    ),
    unique=("kommune", "styringsdialogaar"),
)
COMPLAINTS = RegisterFormat(
    key="complaints",
    label=N_("Beboerklagenævnssager"),
    columns=(
        _ORGANISATION_COLUMN,
        _DIALOGUE_YEAR,
        Column("kategori", TEXT, N_("Sagens kategori"), choices=COMPLAINT_CATEGORIES),
        Column("afgjorte", INTEGER, N_("Antal afgjorte sager"), non_negative=True),
        Column(
            "tabte",
            INTEGER,
            N_("Antal sager, boligorganisationen tabte"),
            non_negative=True,
            at_most="afgjorte",
        ),
    ),
    unique=("organisation", "styringsdialogaar", "kategori"),
)

# --- master data ----------------------------------------------------------------------------

ORGANISATION_KINDS = {
    "boligorganisation": OrganisationKind.HOUSING,
    "administrationsorganisation": OrganisationKind.ADMINISTRATION,
}
ESTATE_STATES = {
    "i_drift": EstateState.IN_OPERATION,
    "under_opfoerelse": EstateState.UNDER_CONSTRUCTION,
    "nedlagt": EstateState.CLOSED,
}


def _administrators_in_the_register(rows: list[tuple[int, dict]]) -> Iterable[Violation]:
    """The register holds every organisation: an administrator is one of its rows, and no
    organisation administers itself."""
    numbers = {row.get("organisation") for _index, row in rows}
    for index, row in rows:
        administrator = row.get("administreres_af")
        if administrator is None:
            continue
        if administrator == row.get("organisation"):
            yield _problem(
                "self_administered",
                N_("En organisation kan ikke administrere sig selv."),
                index,
                "administreres_af",
                str(administrator),
            )
        elif administrator not in numbers:
            yield _problem(
                "unknown_administrator",
                N_("Organisation nr. %(value)s findes ikke i filen."),
                index,
                "administreres_af",
                str(administrator),
            )
    yield from _cvr_numbers_once(rows)


def _cvr_numbers_once(rows: list[tuple[int, dict]]) -> Iterable[Violation]:
    """A CVR number names one organisation: a login with it must find exactly one."""
    first_row: dict[str, int] = {}
    for index, row in rows:
        cvr = row.get("cvr")
        if cvr is None:
            continue
        if cvr in first_row:
            yield Violation(
                "duplicate_cvr",
                N_("CVR-nummeret %(value)s står også i række %(other)s."),
                "cvr",
                (("row", index), ("column", "cvr"), ("value", cvr), ("other", first_row[cvr])),
            )
        else:
            first_row[cvr] = index


ORGANISATIONS = RegisterFormat(
    key="organisations",
    label=N_("Stamdata: organisationer"),
    columns=(
        Column("organisation", INTEGER, N_("Organisationens nummer hos LBF"), positive=True),
        Column("navn", TEXT, N_("Organisationens navn"), max_length=200),
        Column(
            "type",
            TEXT,
            N_("Boligorganisation eller administrationsorganisation"),
            choices=tuple(ORGANISATION_KINDS),
        ),
        Column("hjemstedskommune", MUNICIPALITY, N_("Hjemstedskommunens kommunekode")),
        Column(
            "administreres_af",
            INTEGER,
            N_("Nummeret på organisationen, der administrerer den; tom, hvis ingen gør"),
            required=False,
        ),
        Column(
            "cvr",
            CVR,
            N_("Organisationens CVR-nummer (til login med MitID Erhverv)"),
            required=False,
            may_be_left_out=True,
        ),
    ),
    unique=("organisation",),
    across=_administrators_in_the_register,
)

ESTATES = RegisterFormat(
    key="estates",
    label=N_("Stamdata: afdelinger"),
    columns=(
        _ORGANISATION_COLUMN,
        Column("afdeling", INTEGER, N_("Afdelingens nummer i boligorganisationen"), positive=True),
        Column("navn", TEXT, N_("Afdelingens navn"), max_length=200),
        Column("adresse", TEXT, N_("Afdelingens adresse"), required=False, max_length=300),
        Column("kommune", MUNICIPALITY, N_("Kommunekoden for kommunen, afdelingen ligger i")),
        Column("tilstand", TEXT, N_("Afdelingens tilstand"), choices=tuple(ESTATE_STATES)),
        Column("opfoerelsesaar", YEAR, N_("Året, afdelingen blev opført"), required=False),
        Column("familieboliger", INTEGER, N_("Antal familieboliger"), non_negative=True),
        Column("aeldreboliger", INTEGER, N_("Antal ældreboliger"), non_negative=True),
        Column("ungdomsboliger", INTEGER, N_("Antal ungdomsboliger"), non_negative=True),
        Column("bruttoetageareal", INTEGER, N_("Bruttoetageareal"), unit="m²", non_negative=True),
    ),
    unique=("organisation", "afdeling"),
)

FORMATS = {
    f.key: f
    for f in (
        ORGANISATIONS,
        ESTATES,
        ACCOUNTS_FILINGS,
        LETTINGS,
        ACCOUNTS_AMOUNTS,
        MOVE_OUTS,
        VACANCIES,
        EFFICIENCY,
        EMPLOYMENT,
        RENTS,
        MUNICIPAL_EMPLOYMENT,
        COMPLAINTS,
    )
}


@dataclass(frozen=True)
class CheckedRegister:
    rows: tuple[dict[str, object], ...]
    problems: tuple[Violation, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _problem(code: str, message: str, row: int | None, column: str | None, value: str | None):
    params = tuple(
        (k, v) for k, v in (("row", row), ("column", column), ("value", value)) if v is not None
    )
    return Violation(code, message, column, params)


_INTEGER = re.compile(r"-?\d+")
_DECIMAL = re.compile(r"-?\d+(\.\d+)?")
_DANISH_DECIMAL = re.compile(r"-?\d{1,3}(\.\d{3})*,\d+|-?\d+,\d+")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DANISH_DATE = re.compile(r"\d{1,2}[-./]\d{1,2}[-./]\d{4}")


def parse_value(kind: str, text: str) -> tuple[object, tuple[str, str] | None]:
    """A cell's value by the kind of its column, or the code and message of why it is not
    one. Empty text is None."""
    if text == "":
        return None, None
    if kind == CVR:
        return (text, None) if is_cvr(text) else (None, ("not_a_cvr", CVR_FORMAT))
    if kind in (INTEGER, YEAR, ORGANISATION, ESTATE, MUNICIPALITY):
        if _INTEGER.fullmatch(text):
            value = int(text)
            if kind == YEAR and not 1900 <= value <= 2999:
                return None, ("not_a_year", N_("Ikke et årstal."))
            return value, None
        if _DANISH_DECIMAL.fullmatch(text) or _DECIMAL.fullmatch(text):
            return None, ("not_whole", N_("Skal være et helt tal."))
        return None, ("not_a_number", N_("Tekst, hvor der skal stå et tal."))
    if kind == DECIMAL:
        if _DECIMAL.fullmatch(text):
            try:
                return Decimal(text), None
            except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
                pass
        if _DANISH_DECIMAL.fullmatch(text):
            return None, (
                "decimal_comma",
                N_("Decimalkomma: skriv tallet med decimalpunktum (fx 95.04 for 95,04)."),
            )
        return None, ("not_a_number", N_("Tekst, hvor der skal stå et tal."))
    if kind == DATE:
        if _ISO_DATE.fullmatch(text):
            try:
                return dt.date.fromisoformat(text), None
            except ValueError:
                return None, ("no_such_date", N_("Datoen findes ikke."))
        if _DANISH_DATE.fullmatch(text):
            return None, (
                "date_form",
                N_("Datoen skal skrives som åååå-mm-dd (fx 2026-06-30)."),
            )
        return None, ("not_a_date", N_("Ikke en dato. Skriv den som åååå-mm-dd."))
    return text, None


def check_register(
    register: RegisterFormat,
    table: RegisterTable,
    organisations: Mapping[int, object],
    estates: Mapping[tuple[int, int], object] | None = None,
    municipalities: Mapping[int, object] | None = None,
) -> CheckedRegister:
    """Every row of the table checked against the format; `organisations`, `estates` and
    `municipalities` are the numbers LBF knows (estates as (organisation number, estate
    number), municipalities by code). Rows are numbered as in the file, the header being
    row 1."""
    problems = list(table.problems)
    if problems and not table.header:
        return CheckedRegister((), tuple(problems))
    header = list(table.header)
    for column in register.columns:
        name = column.name
        if name not in header and not column.may_be_left_out:
            problems.append(
                _problem("missing_column", N_("Kolonnen %(column)s mangler."), None, name, None)
            )
    for name in header:
        if name not in register.names:
            problems.append(
                _problem(
                    "extra_column",
                    N_("Kolonnen %(column)s hører ikke til formatet."),
                    None,
                    name or "?",
                    None,
                )
            )
    if not table.rows:
        problems.append(
            _problem("no_rows", N_("Filen har ingen rækker under overskriften."), None, None, None)
        )
    if problems:
        return CheckedRegister((), tuple(problems))

    position = {name: header.index(name) for name in register.names if name in header}
    seen: dict[tuple, int] = {}
    rows = []
    for index, cells in enumerate(table.rows, start=2):
        if len(cells) > len(header):
            problems.append(
                _problem(
                    "extra_values",
                    N_("Rækken har flere værdier end der er kolonner."),
                    index,
                    None,
                    None,
                )
            )
            continue
        row: dict[str, object] = {}
        for column in register.columns:
            if column.name not in position:
                continue  # a column left out of the file (may_be_left_out): no value at all
            i = position[column.name]
            text = cells[i] if i < len(cells) else ""
            value, refusal = parse_value(column.kind, text)
            if refusal is not None:
                problems.append(_problem(*refusal, index, column.name, text))
                continue
            if value is None and column.required:
                problems.append(
                    _problem("missing_value", N_("Værdien mangler."), index, column.name, None)
                )
                continue
            if value is not None and column.choices and value not in column.choices:
                problems.append(
                    Violation(
                        "unknown_choice",
                        N_("Ukendt værdi %(value)s: brug en af %(choices)s."),
                        column.name,
                        (
                            ("row", index),
                            ("column", column.name),
                            ("value", text),
                            ("choices", ", ".join(column.choices)),
                        ),
                    )
                )
                continue
            if value is not None and column.positive and value <= 0:
                problems.append(
                    _problem(
                        "not_positive",
                        N_("Tallet skal være større end 0."),
                        index,
                        column.name,
                        text,
                    )
                )
                continue
            if value is not None and column.max_length and len(value) > column.max_length:
                problems.append(
                    Violation(
                        "too_long",
                        N_("Teksten er for lang: højst %(max)s tegn."),
                        column.name,
                        (
                            ("row", index),
                            ("column", column.name),
                            ("value", text[:40] + "…"),
                            ("max", column.max_length),
                        ),
                    )
                )
                continue
            if value is not None and column.non_negative and value < 0:
                problems.append(
                    _problem(
                        "negative",
                        N_("Tallet må ikke være negativt."),
                        index,
                        column.name,
                        text,
                    )
                )
                continue
            row[column.name] = value
        problems.extend(
            _unknown_numbers(register, row, index, organisations, estates, municipalities)
        )
        problems.extend(_exceeding(register, row, index))
        key = tuple(row.get(name) for name in register.unique)
        if None not in key:
            if key in seen:
                problems.append(
                    Violation(
                        "duplicate_row",
                        N_("Rækken gentager række %(first)s."),
                        None,
                        (("row", index), ("first", seen[key])),
                    )
                )
            else:
                seen[key] = index
        rows.append((index, row))
    if register.across is not None:
        problems.extend(register.across(rows))
    if problems:
        return CheckedRegister((), tuple(problems))
    return CheckedRegister(tuple(row for _index, row in rows), ())


def _exceeding(register, row, index):
    for column in register.columns:
        value, limit = row.get(column.name), row.get(column.at_most) if column.at_most else None
        if value is not None and limit is not None and value > limit:
            yield Violation(
                "exceeds",
                N_("%(column)s må ikke være større end %(limit)s."),
                column.name,
                (
                    ("row", index),
                    ("column", column.name),
                    ("value", str(value)),
                    ("limit", column.at_most),
                ),
            )


def _unknown_numbers(register, row, index, organisations, estates, municipalities=None):
    for column in register.columns:
        value = row.get(column.name)
        if value is None:
            continue
        if column.kind == ORGANISATION and value not in organisations:
            yield _problem(
                "unknown_organisation",
                N_("Boligorganisation nr. %(value)s findes ikke hos Landsbyggefonden."),
                index,
                column.name,
                str(value),
            )
        if column.kind == MUNICIPALITY and (municipalities is None or value not in municipalities):
            yield _problem(
                "unknown_municipality",
                N_("Kommunekode %(value)s findes ikke."),
                index,
                column.name,
                str(value),
            )
        if column.kind == ESTATE:
            organisation = next(
                (row.get(c.name) for c in register.columns if c.kind == ORGANISATION), None
            )
            if estates is None or (organisation, value) not in estates:
                yield _problem(
                    "unknown_estate",
                    N_("Afdeling nr. %(value)s findes ikke under boligorganisationen."),
                    index,
                    column.name,
                    str(value),
                )
