"""Deterministic demo worlds: `small` has every role's case, `sector` the whole sector's size.

The organisations and estates go in as LBF's master-data files would, in their formats
(docs/registers.md), through the register import; so do the registers of figures
(`demo_figures`)."""

import random
from dataclasses import dataclass

from sqlalchemy import func, select

from app.extensions import db
from app.models import AppUser, Estate, Municipality, Organisation, UserOrganisation, UserRight
from app.rules.enums import EstateState, OrganisationKind, Right, Role
from app.rules.registers import ESTATE_STATES, ESTATES, ORGANISATION_KINDS, ORGANISATIONS
from app.rules.rights import MUNICIPALITY_RIGHTS, ORGANISATION_RIGHTS
from app.services import demo_figures
from app.services.masterdata import load_regions_and_municipalities

DEMO_PASSWORD = "demo"

STREETS = [
    "Vestergade",
    "Østergade",
    "Nørregade",
    "Søndergade",
    "Parkvej",
    "Skovvej",
    "Engvej",
    "Bakkevej",
    "Møllevej",
    "Kirkevej",
    "Stationsvej",
    "Åboulevarden",
]
ESTATE_NAMES = [
    "Solbakken",
    "Engparken",
    "Lindehaven",
    "Skovbrynet",
    "Vængerne",
    "Kildeparken",
    "Æblehaven",
    "Fjordglimt",
    "Højvangen",
    "Rosenhaven",
    "Bøgeparken",
    "Søhusene",
    "Kærgården",
    "Egebo",
    "Toftegården",
]
ORG_WORDS = ["Bolig", "Boligselskab", "Boligforening", "Andelsboligforening", "Almene Boliger"]
ORG_PLACES = ["Nord", "Syd", "Øst", "Vest", "Midt", "By", "Fjord", "Kyst", "Land", "Dal"]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: Role
    description: str


@dataclass(frozen=True)
class DemoResult:
    scale: str
    organisations: int
    estates: int
    dwellings: int
    users: list[DemoUser]


class DemoDataError(ValueError):
    pass


def world_exists() -> bool:
    return bool(db.session.scalar(select(func.count(Organisation.id))))


def build(scale: str, seed: int = 2026) -> DemoResult:
    """Load master data and make a demo world; refuses if organisations already exist."""
    if scale not in ("small", "sector"):
        raise DemoDataError(f"unknown scale {scale!r}: use small or sector")
    load_regions_and_municipalities()
    if world_exists():
        raise DemoDataError("the database already holds organisations: demo data not loaded")
    rng = random.Random(seed)
    municipalities = {m.code: m for m in db.session.scalars(select(Municipality))}
    _give_municipalities_cvr_numbers(municipalities.values())
    if scale == "small":
        users = _small_world(rng, municipalities)
        db.session.commit()
        # five years of history; 851 has not yet filed the accounts behind the 2026 package
        demo_figures.generate([2022, 2023, 2024, 2025, 2026], seed, unfiled={851})
    else:
        users = _sector_world(rng, municipalities)
        db.session.commit()
        demo_figures.generate([2025, 2026], seed)
    organisations = db.session.scalar(select(func.count(Organisation.id)))
    estates, dwellings = db.session.execute(
        select(
            func.count(Estate.id),
            func.coalesce(
                func.sum(
                    Estate.family_dwellings + Estate.elderly_dwellings + Estate.youth_dwellings
                ),
                0,
            ),
        )
    ).one()
    return DemoResult(scale, organisations, estates, int(dwellings), users)


def _estate_row(rng, organisation_number, number, municipality, state=EstateState.IN_OPERATION):
    family = rng.choice([0, 12, 24, 40, 60, 80, 120, 200])
    elderly = rng.choice([0, 0, 0, 8, 16, 24])
    youth = rng.choice([0, 0, 0, 0, 10, 30])
    if family + elderly + youth == 0:
        family = 20
    name = f"{rng.choice(ESTATE_NAMES)} {number}"
    return {
        "organisation": organisation_number,
        "number": number,
        "name": name,
        "address": f"{rng.choice(STREETS)} {rng.randint(1, 120)}, {municipality.name}",
        "municipality": municipality.code,
        "state": state,
        "built_year": rng.randint(1940, 2024),
        "family_dwellings": family,
        "elderly_dwellings": elderly,
        "youth_dwellings": youth,
        "area_m2": (family * 80 + elderly * 65 + youth * 40),
    }


_KIND_TEXT = {kind: text for text, kind in ORGANISATION_KINDS.items()}
_STATE_TEXT = {state: text for text, state in ESTATE_STATES.items()}


# CVR weights of the modulus 11 check: a real CVR number's weighted digit sum divides by 11
_CVR_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 1)


def demo_cvr(seed: int) -> str:
    """A made-up CVR number that passes the modulus 11 check, from seven leading digits
    (moved on to the next seed whose check digit would be 10)."""
    while True:
        digits = [int(d) for d in f"{seed:07d}"]
        check = -sum(w * d for w, d in zip(_CVR_WEIGHTS, digits, strict=False)) % 11
        if check < 10:
            return f"{seed:07d}{check}"
        seed += 1


def organisation_cvr(number: int) -> str:
    """The demo world's CVR number of the organisation with LBF number `number`."""
    return demo_cvr(3_000_000 + number * 10)


def municipality_cvr(code: int) -> str:
    """The demo world's CVR number of the municipality with code `code`."""
    return demo_cvr(2_900_000 + code * 10)


def _load_organisations(rows) -> dict[int, Organisation]:
    """(number, name, kind, home municipality, administrator's number) rows as the
    organisations register, each with its demo CVR number; the organisations by number."""
    demo_figures.import_register(
        ORGANISATIONS,
        [
            f"{number};{name};{_KIND_TEXT[kind]};{home.code};{administrator or ''};"
            f"{organisation_cvr(number)}"
            for number, name, kind, home, administrator in rows
        ],
    )
    return {o.number: o for o in db.session.scalars(select(Organisation))}


def _give_municipalities_cvr_numbers(municipalities) -> None:
    """The demo world's municipalities get demo CVR numbers, where none is set."""
    for municipality in municipalities:
        if municipality.cvr is None:
            municipality.cvr = municipality_cvr(municipality.code)
    db.session.flush()


def _load_estates(rows) -> None:
    demo_figures.import_register(
        ESTATES,
        [
            ";".join(
                str(v)
                for v in (
                    r["organisation"],
                    r["number"],
                    r["name"],
                    r["address"],
                    r["municipality"],
                    _STATE_TEXT[r["state"]],
                    r["built_year"],
                    r["family_dwellings"],
                    r["elderly_dwellings"],
                    r["youth_dwellings"],
                    r["area_m2"],
                )
            )
            for r in rows
        ],
    )


def _user(
    username,
    first,
    last,
    role: Role,
    organisation=None,
    municipality=None,
    rights=None,
    acts_for=None,
) -> AppUser:
    """A demo user; one of an organisation or a municipality is its local administrator with
    every right of its affiliation (and every organisation its organisation administers)
    unless `rights` and `acts_for` say otherwise."""
    sm = _security_manager()
    user = sm.add_user(
        username=username,
        first_name=first,
        last_name=last,
        email=f"{username}@demo.styringsdialog.dk",
        role=sm.find_role(role.value),
        password=DEMO_PASSWORD,
    )
    if user is None or user is False:
        raise DemoDataError(f"could not create demo user {username}")
    user.organisation_id = organisation.id if organisation else None
    user.municipality_id = municipality.id if municipality else None
    if organisation is None and municipality is None:
        return user  # LBF holds every right by its role
    if rights is None and municipality is not None:
        rights = MUNICIPALITY_RIGHTS
    elif rights is None:
        # every organisation administered, now and later, where it administers any
        rights = [
            r
            for r in ORGANISATION_RIGHTS
            if r != Right.ALL_ADMINISTERED or organisation.administered
        ]
    if acts_for is None:
        acts_for = organisation.administered if organisation else []
    for right in rights:
        db.session.add(UserRight(user_id=user.id, right=right))
    for administered in acts_for:
        db.session.add(UserOrganisation(user_id=user.id, organisation_id=administered.id))
    return user


def _security_manager():
    from flask import current_app

    sm = current_app.appbuilder.sm
    sm.create_roles()
    return sm


def _small_world(rng, m) -> list[DemoUser]:
    kbh, aarhus, odense, aalborg, roskilde = m[101], m[751], m[461], m[851], m[265]
    housing, administration = OrganisationKind.HOUSING, OrganisationKind.ADMINISTRATION
    organisations = _load_organisations(
        [
            (900, "Fælles Boligadministration", administration, aarhus, None),
            (101, "Boligselskabet Hovedstaden", housing, kbh, None),
            (751, "Aarhus Almene Boliger", housing, aarhus, 900),
            (752, "Jysk Boligforening", housing, aarhus, 900),
            (461, "Fyns Almennyttige Boligselskab", housing, odense, None),
            (462, "Boligforeningen Lillebo", housing, odense, 461),
            (851, "Nordjysk Boligselskab", housing, aalborg, None),
        ]
    )
    admin_org, hovedstad, fyn, fyn_lille, nord, aarhus_almene = (
        organisations[n] for n in (900, 101, 461, 462, 851, 751)
    )

    rows = []
    for org, plan in [
        (101, [(kbh, 4), (roskilde, 2)]),  # estates in another municipality
        (751, [(aarhus, 3)]),
        (752, [(aarhus, 2)]),
        (461, [(odense, 3)]),
        (462, [(odense, 2)]),
        (851, [(aalborg, 3)]),
    ]:
        number = 1
        for municipality, count in plan:
            for _ in range(count):
                rows.append(_estate_row(rng, org, number, municipality))
                number += 1
    # one estate under construction and one closed, so both cases show
    rows.append(
        _estate_row(rng, 101, 99, kbh, state=EstateState.UNDER_CONSTRUCTION)
        | {"name": "Havneholmen (under opførelse)"}
    )
    rows.append(_estate_row(rng, 851, 98, aalborg, state=EstateState.CLOSED))
    _load_estates(rows)

    users = [
        (DemoUser("lbf", Role.LBF, "Landsbyggefonden"), _user("lbf", "Lise", "Berg", Role.LBF)),
        (
            DemoUser("bo", Role.HOUSING, str(hovedstad)),
            _user("bo", "Bo", "Hansen", Role.HOUSING, organisation=hovedstad),
        ),
        (
            DemoUser("boadm", Role.HOUSING, f"{fyn} (administrerer {fyn_lille.name})"),
            _user("boadm", "Birthe", "Olsen", Role.HOUSING, organisation=fyn),
        ),
        (
            DemoUser("adm", Role.ADMINISTRATION, f"{admin_org} (administrerer 2)"),
            _user("adm", "Anders", "Dahl", Role.ADMINISTRATION, organisation=admin_org),
        ),
        (
            # a colleague without local administration, filling in for one administered
            # organisation only (the administrator "adm" granted it)
            DemoUser(
                "adm2",
                Role.ADMINISTRATION,
                f"{admin_org} (udfylder for {aarhus_almene.name})",
            ),
            _user(
                "adm2",
                "Ida",
                "Iversen",
                Role.ADMINISTRATION,
                organisation=admin_org,
                rights=[Right.READ, Right.FILL_AND_SEND, Right.STATISTICS],
                acts_for=[aarhus_almene],
            ),
        ),
        (
            DemoUser("nord", Role.HOUSING, str(nord)),
            _user("nord", "Niels", "Nord", Role.HOUSING, organisation=nord),
        ),
        (
            DemoUser("kbh", Role.MUNICIPALITY, f"{kbh} (hjemstedskommune)"),
            _user("kbh", "Karen", "Bach", Role.MUNICIPALITY, municipality=kbh),
        ),
        (
            DemoUser("roskilde", Role.MUNICIPALITY, f"{roskilde} (beliggenhedskommune)"),
            _user("roskilde", "Rasmus", "Krog", Role.MUNICIPALITY, municipality=roskilde),
        ),
        (
            DemoUser("aarhus", Role.MUNICIPALITY, str(aarhus)),
            _user("aarhus", "Aase", "Holm", Role.MUNICIPALITY, municipality=aarhus),
        ),
    ]
    return [demo for demo, _user_row in users]


def _sector_world(rng, m) -> list[DemoUser]:
    """About 550 organisations, 7,000 estates and 600,000 dwellings over all 98 municipalities."""
    municipalities = [m[code] for code in sorted(m)]
    weights = [rng.paretovariate(1.2) for _ in municipalities]
    admin_count, housing_count, estate_target = 30, 520, 7000

    administrators = [
        (
            9000 + i,
            f"Administrationsselskab {ORG_PLACES[i % len(ORG_PLACES)]} {i + 1}",
            OrganisationKind.ADMINISTRATION,
            rng.choices(municipalities, weights)[0],
            None,
        )
        for i in range(admin_count)
    ]
    admin_numbers = [row[0] for row in administrators]

    # every municipality is home to at least one organisation; the rest follow the weights
    homes = municipalities + [
        rng.choices(municipalities, weights)[0] for _ in range(housing_count - len(municipalities))
    ]
    rng.shuffle(homes)
    housing = [
        (
            1 + i,
            (
                f"{ORG_PLACES[i % len(ORG_PLACES)]}{rng.choice(['', 'by', 'bo'])} "
                f"{rng.choice(ORG_WORDS)} {homes[i].name}"
            ),
            OrganisationKind.HOUSING,
            homes[i],
            # about a third are administered by an administration organisation
            rng.choice(admin_numbers) if rng.random() < 0.33 else None,
        )
        for i in range(housing_count)
    ]
    organisations = _load_organisations(administrators + housing)
    housing_numbers = [row[0] for row in housing]

    counts = _estate_counts(rng, len(housing_numbers), estate_target)

    estate_rows = []
    for org_number, home, count in zip(housing_numbers, homes, counts, strict=True):
        for number in range(1, count + 1):
            # most estates lie in the home municipality, some in a neighbouring one
            municipality = home if rng.random() < 0.85 else rng.choices(municipalities, weights)[0]
            state = (
                EstateState.UNDER_CONSTRUCTION if rng.random() < 0.02 else EstateState.IN_OPERATION
            )
            estate_rows.append(_estate_row(rng, org_number, number, municipality, state))
    _scale_dwellings(estate_rows, 600_000)
    _load_estates(estate_rows)

    first_housing = organisations[housing_numbers[0]]
    first_admin = organisations[admin_numbers[0]]
    _user("lbf", "Lise", "Berg", Role.LBF)
    _user("bo", "Bo", "Hansen", Role.HOUSING, organisation=first_housing)
    _user("adm", "Anders", "Dahl", Role.ADMINISTRATION, organisation=first_admin)
    _user("kbh", "Karen", "Bach", Role.MUNICIPALITY, municipality=m[101])
    return [
        DemoUser("lbf", Role.LBF, "Landsbyggefonden"),
        DemoUser("bo", Role.HOUSING, str(first_housing)),
        DemoUser("adm", Role.ADMINISTRATION, str(first_admin)),
        DemoUser("kbh", Role.MUNICIPALITY, str(m[101])),
    ]


# the largest Danish housing organisations have a few hundred estates
MAX_ESTATES_PER_ORGANISATION = 250


def _estate_counts(rng, organisations: int, target: int) -> list[int]:
    """Skewed organisation sizes (many small, a few large) adding up to `target` estates."""
    sizes = [rng.paretovariate(1.1) for _ in range(organisations)]
    scale = target / sum(sizes)
    counts = [min(MAX_ESTATES_PER_ORGANISATION, max(1, round(s * scale))) for s in sizes]
    index = 0
    while sum(counts) != target:
        step = 1 if sum(counts) < target else -1
        if 1 <= counts[index] + step <= MAX_ESTATES_PER_ORGANISATION:
            counts[index] += step
        index = (index + 1) % organisations
    return counts


def _scale_dwellings(rows, target: int) -> None:
    """Scale the dwelling counts so that the sector holds about `target` dwellings."""
    total = sum(r["family_dwellings"] + r["elderly_dwellings"] + r["youth_dwellings"] for r in rows)
    factor = target / total
    for r in rows:
        for key in ("family_dwellings", "elderly_dwellings", "youth_dwellings"):
            r[key] = round(r[key] * factor)
        if r["family_dwellings"] + r["elderly_dwellings"] + r["youth_dwellings"] == 0:
            r["family_dwellings"] = 1
        r["area_m2"] = (
            r["family_dwellings"] * 80 + r["elderly_dwellings"] * 65 + r["youth_dwellings"] * 40
        )
