"""Plausible register data for the demo worlds: key figure values and benchmarks, accounts
filings, complaints board cases, letting tools, efficiency and employment, for a run of
dialogue years. Every register goes through the register import as a file in its documented
format (docs/registers.md): accounts filings, lettings, complaints, employment per
municipality, and the estates' move-outs, vacancies, efficiency and employment. The accounts'
key figures and the benchmarks are written directly."""

import random

from sqlalchemy import insert, select

from app.extensions import db
from app.models import (
    Benchmark,
    BenchmarkIndex,
    Estate,
    KeyFigureValue,
    Municipality,
    Organisation,
)
from app.rules.enums import EstateState, OrganisationKind
from app.rules.registers import (
    ACCOUNTS_FILINGS,
    COMPLAINTS,
    EFFICIENCY,
    EMPLOYMENT,
    LETTINGS,
    MOVE_OUTS,
    MUNICIPAL_EMPLOYMENT,
    VACANCIES,
)
from app.rules.report import COMPLAINT_CATEGORIES, LettingTool

# key: (benchmark, low, high); values are drawn around the benchmark within [low, high]
ORGANISATION_FIGURES = {
    "admin_contribution_per_unit": (4200, 3000, 7000),
    "building_fee_new_share": (2.5, 1.4, 4.0),
    "building_fee_renovation_share": (3.0, 1.8, 4.8),
    "disposition_fund_per_unit": (15000, 4000, 30000),
    "working_capital_per_unit": (3000, 800, 6000),
}
ADMINISTRATION_FIGURES = {
    k: v for k, v in ORGANISATION_FIGURES.items() if k != "disposition_fund_per_unit"
}
ESTATE_FIGURES = {
    "maintenance_provision_annual_per_lease": (9000, 3500, 15000),
    "maintenance_provision_annual_per_m2": (110, 40, 180),
    "maintenance_provision_accumulated_per_lease": (40000, 9000, 80000),
    "maintenance_provision_accumulated_per_m2": (500, 120, 900),
    "rent_per_m2_family": (900, 700, 1150),
    "rent_per_m2_youth": (1100, 900, 1350),
    "rent_per_m2_elderly": (1000, 800, 1250),
    "move_out_rate_family": (11, 5, 22),
    "move_out_rate_elderly": (12, 6, 22),
    "move_out_rate_youth": (35, 18, 60),
    "vacancy_rate_family": (0.8, 0.0, 2.5),
    "vacancy_rate_elderly": (1.2, 0.0, 3.5),
    "vacancy_rate_youth": (1.5, 0.0, 4.0),
    "employment_rate": (62, 35, 85),
    "efficiency": (88, 62, 104),
}
# figures that exist only where the estate has dwellings of the type
BY_TYPE = {
    "family": ("rent_per_m2_family", "move_out_rate_family", "vacancy_rate_family"),
    "elderly": ("rent_per_m2_elderly", "move_out_rate_elderly", "vacancy_rate_elderly"),
    "youth": ("rent_per_m2_youth", "move_out_rate_youth", "vacancy_rate_youth"),
}
# a figure without a benchmark in the newest year shows the "no benchmark" note, and one
# whose benchmark is carried forward from the year before shows it as indexed
WITHOUT_BENCHMARK = "building_fee_renovation_share"
INDEXED_BENCHMARK = "working_capital_per_unit"
INDEX_PERCENT = 2.1


def _draw(rng: random.Random, benchmark: float, low: float, high: float) -> float:
    value = rng.triangular(low, high, benchmark)
    return round(value, 2)


def generate(years: list[int], seed: int = 2026, unfiled: set[int] = frozenset()) -> int:
    """Write the register data of every organisation and estate for `years`; the
    organisations numbered in `unfiled` have not filed the accounts of the newest year."""
    rng = random.Random(seed)
    newest = max(years)
    organisations = db.session.execute(
        select(Organisation.id, Organisation.number, Organisation.kind)
    ).all()
    estates = db.session.execute(
        select(
            Estate.id,
            Estate.organisation_id,
            Estate.number,
            Estate.state,
            Estate.family_dwellings,
            Estate.elderly_dwellings,
            Estate.youth_dwellings,
        ).where(Estate.state == EstateState.IN_OPERATION)
    ).all()
    organisation_numbers = {org_id: number for org_id, number, _kind in organisations}
    rows = []
    filings = []
    complaints = []
    for org_id, number, kind in organisations:
        figures = (
            ORGANISATION_FIGURES if kind == OrganisationKind.HOUSING else ADMINISTRATION_FIGURES
        )
        base = {key: _draw(rng, *spec) for key, spec in figures.items()}
        for year in years:
            if not (year == newest and number in unfiled):
                filings.append(f"{number};{year - 1};{year}-05-31;;")
            for key, value in base.items():
                rows.append(_value(year, key, org_id, None, value * rng.uniform(0.95, 1.05)))
            if kind == OrganisationKind.HOUSING:
                for category in COMPLAINT_CATEGORIES:
                    decided = rng.choice([0, 0, 1, 2, 3, 5])
                    complaints.append(
                        f"{number};{year};{category};{decided};{rng.randint(0, decided)}"
                    )
    tools = []
    for estate in estates:
        present = {
            "family": estate.family_dwellings > 0,
            "elderly": estate.elderly_dwellings > 0,
            "youth": estate.youth_dwellings > 0,
        }
        absent = {key for kind, keys in BY_TYPE.items() if not present[kind] for key in keys}
        base = {key: _draw(rng, *spec) for key, spec in ESTATE_FIGURES.items() if key not in absent}
        used = [LettingTool.WAITING_LIST] + rng.sample(
            [t for t in LettingTool if t != LettingTool.WAITING_LIST], rng.choice([0, 1, 1, 2])
        )
        for year in years:
            for key, value in base.items():
                rows.append(
                    _value(
                        year,
                        key,
                        estate.organisation_id,
                        estate.id,
                        value * rng.uniform(0.95, 1.05),
                    )
                )
            if present["family"]:
                number = organisation_numbers[estate.organisation_id]
                tools.extend(
                    # about a tenth of the family dwellings are let again each year
                    f"{number};{estate.number};{year};{t.value};"
                    f"{rng.randint(0, max(1, estate.family_dwellings // 10))}"
                    for t in used
                )
    benchmarks = []
    for year in years:
        for key, (benchmark, _low, _high) in {**ORGANISATION_FIGURES, **ESTATE_FIGURES}.items():
            if year >= newest - 1 and key == WITHOUT_BENCHMARK:
                continue  # too few filed accounts for a valid benchmark
            drift = 1 + 0.02 * (year - min(years))
            indexed = year == newest and key == INDEXED_BENCHMARK
            if indexed:
                # too few filed accounts: last year's benchmark by the net price index
                drift = (1 + 0.02 * (year - 1 - min(years))) * (1 + INDEX_PERCENT / 100)
            benchmarks.append(
                {
                    "year": year,
                    "key": key,
                    "value": round(benchmark * drift, 2),
                    "indexed": indexed,
                }
            )
    municipal = [
        f"{code};{year};{round(rng.uniform(68, 80), 1)}"
        for code in db.session.scalars(select(Municipality.code))
        for year in years
    ]
    # the index that carries last year's benchmarks into the newest year, where too few
    # accounts are filed (INDEXED_BENCHMARK)
    index = [{"year": newest, "percent": INDEX_PERCENT, "description": "Nettoprisindeks (demo)"}]
    # the figures of a register go in through its import; the accounts' figures directly
    estate_numbers = {estate.id: estate.number for estate in estates}
    files = _register_files(rows, organisation_numbers, estate_numbers)
    direct = [row for row in rows if row["key"] not in _REGISTER_OF]
    for table, batch in (
        (KeyFigureValue, direct),
        (Benchmark, benchmarks),
        (BenchmarkIndex, index),
    ):
        for start in range(0, len(batch), 5000):
            db.session.execute(insert(table), batch[start : start + 5000])
    db.session.commit()
    import_register(ACCOUNTS_FILINGS, filings)
    import_register(LETTINGS, tools)
    import_register(COMPLAINTS, complaints)
    import_register(MUNICIPAL_EMPLOYMENT, municipal)
    for register, lines in files.items():
        import_register(register, lines)
    return len(rows)


_REGISTER_OF = {
    figure: (register, column)
    for register in (MOVE_OUTS, VACANCIES, EFFICIENCY, EMPLOYMENT)
    for column, figure in register.figures
}


def _register_files(rows, organisation_numbers, estate_numbers) -> dict:
    """The estates' figures that have a register, as the lines of its file."""
    by_register: dict = {}
    for row in rows:
        found = _REGISTER_OF.get(row["key"])
        if found is None or row["estate_id"] is None:
            continue
        register, column = found
        subject = (
            organisation_numbers[row["organisation_id"]],
            estate_numbers[row["estate_id"]],
            row["year"],
        )
        by_register.setdefault(register, {}).setdefault(subject, {})[column] = row["value"]
    return {
        register: [
            ";".join(
                [
                    *(str(part) for part in subject),
                    *(
                        "" if values.get(column) is None else str(values[column])
                        for column, _figure in register.figures
                    ),
                ]
            )
            for subject, values in subjects.items()
        ]
        for register, subjects in by_register.items()
    }


def import_register(register, lines: list[str]) -> None:
    """A register goes in as LBF's file would, in its format, through the same import."""
    from app.rules.access import Actor
    from app.rules.enums import ImportStatus, Role
    from app.services.registers import problems_of, queue_import, run_import

    if not lines:
        return
    header = ";".join(c.name for c in register.columns)
    content = "\n".join([header, *lines]).encode("utf-8")
    lbf = Actor(user_id=None, roles=frozenset({Role.LBF}))
    entry = run_import(queue_import(register.key, f"demo-{register.key}.csv", content, lbf).id)
    if entry.status not in (ImportStatus.IMPORTED, ImportStatus.UNCHANGED):
        raise RuntimeError(f"the demo's {register.key} were refused: {problems_of(entry)}")


def _value(year, key, organisation_id, estate_id, value):
    return {
        "year": year,
        "key": key,
        "organisation_id": organisation_id,
        "estate_id": estate_id,
        "value": round(value, 2),
        "source": "demo",
    }
