"""Plausible register data for the demo worlds, for a run of dialogue years. Every register
goes through the register import as a file in its documented format (docs/registers.md): the
accounts' filings and amounts (from which the import computes the accounts' key figures and,
where enough accounts are filed, their benchmarks), lettings, complaints, employment per
municipality, and the estates' move-outs, vacancies, efficiency, employment and rents. Only
the benchmarks the registers give none of are set as LBF would set them by hand."""

import random

from sqlalchemy import insert, select

from app.extensions import db
from app.models import (
    Benchmark,
    BenchmarkIndex,
    Estate,
    Municipality,
    Organisation,
)
from app.rules.enums import EstateState, OrganisationKind
from app.rules.registers import (
    ACCOUNTS_AMOUNTS,
    ACCOUNTS_FILINGS,
    COMPLAINTS,
    EFFICIENCY,
    EMPLOYMENT,
    LETTINGS,
    MEASURED_ON,
    MOVE_OUTS,
    MUNICIPAL_EMPLOYMENT,
    RENTS,
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
# an estate whose maintenance provisions lie far below the benchmark, as a share of it: the
# year's provisions yellow and the accumulated red, per lease and per m² alike (the tour
# shows them; the per-m² figures follow from the estate's area)
SHOWCASE = {
    (101, 1): {
        "maintenance_provision_annual_per_lease": 0.7,
        "maintenance_provision_accumulated_per_lease": 0.4,
    }
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
    """Write the register data of every organisation and estate for `years` as LBF's files
    and import them; the organisations numbered in `unfiled` have neither filed nor sent the
    amounts of the accounts behind the newest year. Returns how many key figures were drawn."""
    rng = random.Random(seed)
    sizes = random.Random(seed + 1)  # the accounts' sizes, apart from the figures' draws
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
            Estate.area_m2,
        ).where(Estate.state == EstateState.IN_OPERATION)
    ).all()
    organisation_numbers = {org_id: number for org_id, number, _kind in organisations}
    dwellings_of = {org_id: 0 for org_id in organisation_numbers}
    for estate in estates:
        dwellings_of[estate.organisation_id] += _dwellings(estate)
    rows = []
    amounts = []
    filings = []
    complaints = []
    for org_id, number, kind in organisations:
        figures = (
            ORGANISATION_FIGURES if kind == OrganisationKind.HOUSING else ADMINISTRATION_FIGURES
        )
        base = {key: _draw(rng, *spec) for key, spec in figures.items()}
        # an administration organisation's lease units are those it administers
        units = dwellings_of[org_id] or sizes.randint(1500, 12000)
        building = {kind: sizes.randint(20, 400) * 1_000_000 for kind in ("new", "renovation")}
        for year in years:
            drawn = {key: value * rng.uniform(0.95, 1.05) for key, value in base.items()}
            rows.extend(_value(year, key, org_id, None, value) for key, value in drawn.items())
            if not (year == newest and number in unfiled):
                filings.append(f"{number};{year - 1};{year}-05-31;;")
                amounts.append(_organisation_amounts(number, year - 1, units, building, drawn))
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
        for key, share in SHOWCASE.get(
            (organisation_numbers[estate.organisation_id], estate.number), {}
        ).items():
            base[key] = ESTATE_FIGURES[key][0] * share
        used = [LettingTool.WAITING_LIST] + rng.sample(
            [t for t in LettingTool if t != LettingTool.WAITING_LIST], rng.choice([0, 1, 1, 2])
        )
        number = organisation_numbers[estate.organisation_id]
        for year in years:
            drawn = {key: value * rng.uniform(0.95, 1.05) for key, value in base.items()}
            rows.extend(
                _value(year, key, estate.organisation_id, estate.id, value)
                for key, value in drawn.items()
            )
            if not (year == newest and number in unfiled):
                amounts.append(_estate_amounts(number, estate, year - 1, drawn))
            if present["family"]:
                tools.extend(
                    # about a tenth of the family dwellings are let again each year
                    f"{number};{estate.number};{year};{t.value};"
                    f"{rng.randint(0, max(1, estate.family_dwellings // 10))}"
                    for t in used
                )
    municipal = [
        f"{code};{year};{round(rng.uniform(68, 80), 1)}"
        for code in db.session.scalars(select(Municipality.code))
        for year in years
    ]
    estate_numbers = {estate.id: estate.number for estate in estates}
    import_register(ACCOUNTS_FILINGS, filings)
    import_register(ACCOUNTS_AMOUNTS, amounts)
    import_register(LETTINGS, tools)
    import_register(COMPLAINTS, complaints)
    import_register(MUNICIPAL_EMPLOYMENT, municipal)
    for register, lines in _register_files(rows, organisation_numbers, estate_numbers).items():
        import_register(register, lines)
    _set_missing_benchmarks(years)
    return len(rows)


def _dwellings(estate) -> int:
    return estate.family_dwellings + estate.elderly_dwellings + estate.youth_dwellings


def _organisation_amounts(number, accounting_year, units, building, figures) -> str:
    """The line of an organisation's own accounts whose amounts give `figures`: each amount
    is the figure times its denominator."""
    fund = figures.get("disposition_fund_per_unit")
    amounts = {
        "administrationsbidrag": figures["admin_contribution_per_unit"] * units,
        "lejemaalsenheder": units,
        "byggesagshonorar_nybyggeri": figures["building_fee_new_share"] / 100 * building["new"],
        "anskaffelsessum_nybyggeri": building["new"],
        "byggesagshonorar_renovering": (
            figures["building_fee_renovation_share"] / 100 * building["renovation"]
        ),
        "anskaffelsessum_renovering": building["renovation"],
        "dispositionsfond": None if fund is None else fund * units,
        "arbejdskapital": figures["working_capital_per_unit"] * units,
    }
    return _amounts_line(number, "", accounting_year, amounts)


def _estate_amounts(number, estate, accounting_year, figures) -> str:
    """The line of an estate's accounts: the provisions per lease drawn, those per m² follow
    from the estate's area."""
    leases = _dwellings(estate)
    amounts = {
        "henlaeggelser_aar": figures["maintenance_provision_annual_per_lease"] * leases,
        "henlaeggelser_opsparede": figures["maintenance_provision_accumulated_per_lease"] * leases,
        "lejemaal": leases,
        "bruttoetageareal": estate.area_m2,
    }
    return _amounts_line(number, estate.number, accounting_year, amounts)


def _amounts_line(number, estate_number, accounting_year, amounts: dict) -> str:
    columns = [c.name for c in ACCOUNTS_AMOUNTS.columns[3:]]
    cells = ["" if amounts.get(c) is None else str(round(amounts[c])) for c in columns]
    return ";".join([str(number), str(estate_number), str(accounting_year), *cells])


def _set_missing_benchmarks(years: list[int]) -> None:
    """The benchmarks the accounts gave none of, set by LBF: every figure of the small world,
    whose few organisations are fewer than a peer group's minimum, and the figures without a
    formula. A figure without a benchmark in the newest year shows the "no benchmark" note,
    and one whose benchmark is carried forward from the year before shows it as indexed."""
    newest = max(years)
    present = set(
        db.session.execute(
            select(Benchmark.year, Benchmark.key).where(Benchmark.valid_to.is_(None))
        ).all()
    )
    benchmarks = []
    for year in years:
        for key, (benchmark, _low, _high) in {**ORGANISATION_FIGURES, **ESTATE_FIGURES}.items():
            if (year, key) in present:
                continue
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
    # the index that carries last year's benchmarks into the newest year
    index = [{"year": newest, "percent": INDEX_PERCENT, "description": "Nettoprisindeks (demo)"}]
    for table, batch in ((Benchmark, benchmarks), (BenchmarkIndex, index)):
        for start in range(0, len(batch), 5000):
            db.session.execute(insert(table), batch[start : start + 5000])
    db.session.commit()


_REGISTER_OF = {
    figure: (register, column)
    for register in (MOVE_OUTS, VACANCIES, EFFICIENCY, EMPLOYMENT, RENTS)
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
                    # the vacancies are counted on the first day of the dialogue year
                    *([f"{subject[2]}-01-01"] if MEASURED_ON in register.names else []),
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
