"""The master-data registers (organisations, estates) and the rule that a change of an estate's
municipality or an organisation's administrator reaches the years opened after it: an opened
year keeps its recipients and administrators until LBF applies the change to its packages,
and a submitted package keeps the municipalities it was sent to.

The small demo world: 101 (home København) has estates 1-4 and 99 in København and 5-6 in
Roskilde; 752 is administered by 900 (user "adm"); 461 (user "boadm") administers 462."""

import pytest
from sqlalchemy import select

from app.models import AppUser, AuditEntry, Estate, Form, Municipality, Organisation, Package
from app.rules.access import Actor
from app.rules.enums import EstateState, ImportStatus, OrganisationKind, Right, Role
from app.security import row_filter
from app.services import submit
from app.services.errors import NotFound
from app.services.opened_year_master_data import apply_to_year, differences
from app.services.reading import may_edit
from app.services.registers import problems_of, queue_import, run_import
from app.services.rights import set_rights
from app.services.year_opening import open_year
from tests.services import test_dialogue
from tests.services.test_filling import actor, package_of

complete_101 = test_dialogue.complete_101

LBF = Actor(user_id=None, roles=frozenset({Role.LBF}))
ORGANISATIONS = "organisation;navn;type;hjemstedskommune;administreres_af\n"
ESTATES = (
    "organisation;afdeling;navn;adresse;kommune;tilstand;opfoerelsesaar;familieboliger;"
    "aeldreboliger;ungdomsboliger;bruttoetageareal\n"
)
# the small world's organisations as a register file (900 administers 751 and 752, 461 462)
WORLD = (
    ORGANISATIONS
    + "900;Fælles Boligadministration;administrationsorganisation;751;\n"
    + "101;Boligselskabet Hovedstaden;boligorganisation;101;\n"
    + "751;Aarhus Almene Boliger;boligorganisation;751;900\n"
    + "752;Jysk Boligforening;boligorganisation;751;900\n"
    + "461;Fyns Almennyttige Boligselskab;boligorganisation;461;\n"
    + "462;Boligforeningen Lillebo;boligorganisation;461;461\n"
    + "851;Nordjysk Boligselskab;boligorganisation;851;\n"
)


def run(register: str, text: str):
    return run_import(queue_import(register, f"{register}.csv", text.encode(), LBF).id)


def estates_file(db, **changes) -> str:
    """Every estate of the world as the estates register, with `changes` by
    "organisation:estate" -> {column: value}."""
    states = {
        EstateState.IN_OPERATION: "i_drift",
        EstateState.UNDER_CONSTRUCTION: "under_opfoerelse",
        EstateState.CLOSED: "nedlagt",
    }
    lines = []
    for estate, organisation, code in db.session.execute(
        select(Estate, Organisation.number, Municipality.code)
        .join(Organisation, Organisation.id == Estate.organisation_id)
        .join(Municipality, Municipality.id == Estate.municipality_id)
        .order_by(Organisation.number, Estate.number)
    ):
        row = {
            "organisation": organisation,
            "afdeling": estate.number,
            "navn": estate.name,
            "adresse": estate.address or "",
            "kommune": code,
            "tilstand": states[estate.state],
            "opfoerelsesaar": estate.built_year or "",
            "familieboliger": estate.family_dwellings,
            "aeldreboliger": estate.elderly_dwellings,
            "ungdomsboliger": estate.youth_dwellings,
            "bruttoetageareal": estate.area_m2,
        } | changes.get(f"{organisation}:{estate.number}", {})
        lines.append(";".join(str(v) for v in row.values()))
    return ESTATES + "\n".join(lines) + "\n"


def estate(db, organisation: int, number: int) -> Estate:
    db.session.expire_all()
    return db.session.scalar(
        select(Estate)
        .join(Organisation, Organisation.id == Estate.organisation_id)
        .where(Organisation.number == organisation, Estate.number == number)
    )


def organisation(db, number: int) -> Organisation:
    db.session.expire_all()
    return db.session.scalar(select(Organisation).where(Organisation.number == number))


def municipality_id(db, code: int) -> int:
    return db.session.scalar(select(Municipality.id).where(Municipality.code == code))


def visible_form_ids(db, username: str, package_id: int) -> set[int]:
    return set(
        db.session.scalars(
            select(Form.id).where(
                Form.package_id == package_id, row_filter(Form, actor(db, username))
            )
        )
    )


def estate_form_of(db, package_id: int, number: int) -> Form:
    return db.session.scalar(
        select(Form)
        .join(Estate, Estate.id == Form.estate_id)
        .where(Form.package_id == package_id, Estate.number == number)
    )


# --- the registers ---------------------------------------------------------------------------


def test_the_worlds_own_organisations_file_changes_nothing(world, db):
    again = run("organisations", WORLD)
    assert (again.status, again.changed) == (ImportStatus.UNCHANGED, 0)


def test_the_worlds_own_estates_file_changes_nothing(world, db):
    again = run("estates", estates_file(db))
    assert (again.status, again.changed) == (ImportStatus.UNCHANGED, 0)


def test_an_organisations_file_adds_updates_and_retires_and_each_change_is_logged(world, db):
    text = (
        WORLD.replace("Nordjysk Boligselskab", "Nordjysk Bolig")
        .replace("752;Jysk Boligforening;boligorganisation;751;900", "")
        .replace("\n\n", "\n")
        + "777;Ny Boligforening;boligorganisation;265;461\n"
    )
    entry = run("organisations", text)
    assert entry.status == ImportStatus.IMPORTED
    new = organisation(db, 777)
    assert (new.name, new.kind, new.active) == (
        "Ny Boligforening",
        OrganisationKind.HOUSING,
        True,
    )
    assert new.home_municipality_id == municipality_id(db, 265)
    assert new.administered_by_id == organisation(db, 461).id
    assert organisation(db, 851).name == "Nordjysk Bolig"
    # 752 is no longer in the register: kept (its packages refer to it), inactive, and no
    # longer administered
    gone = organisation(db, 752)
    assert (gone.active, gone.administered_by_id) == (False, None)
    # the rename; 752 inactive and its administrator removed; 777 added, then its
    # administrator set (by number, once every organisation has its id)
    assert entry.changed == 5
    logged = {
        (e.action, e.field, e.old_value, e.new_value)
        for e in db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "Organisation"))
    }
    assert ("register_import", "851:name", "Nordjysk Boligselskab", "Nordjysk Bolig") in logged
    assert ("register_import", "752:active", "True", "False") in logged


def test_a_retired_organisation_gets_no_package_in_a_year_opened_later(world, db):
    run("organisations", WORLD.replace("752;Jysk Boligforening;boligorganisation;751;900\n", ""))
    open_year(2027, "2026.1")
    years = db.session.scalars(
        select(Package.year).where(Package.organisation_id == organisation(db, 752).id)
    ).all()
    assert 2027 not in years and 2026 in years


def test_an_organisations_file_names_every_bad_administrator_and_imports_nothing(world, db):
    text = (
        ORGANISATIONS
        + "101;Boligselskabet Hovedstaden;boligorganisation;101;101\n"
        + "751;Aarhus Almene Boliger;boligorganisation;751;999\n"
        + "0;Nul;boligorganisation;751;\n"
        + "752;Jysk;forening;751;\n"
        + "753;"
        + "x" * 201
        + ";boligorganisation;751;\n"
    )
    refused = run("organisations", text)
    assert refused.status == ImportStatus.REFUSED
    assert [
        (p["code"], p["params"]["row"], p["params"].get("column")) for p in problems_of(refused)
    ] == [
        ("not_positive", 4, "organisation"),
        ("unknown_choice", 5, "type"),
        ("too_long", 6, "navn"),
        ("self_administered", 2, "administreres_af"),
        ("unknown_administrator", 3, "administreres_af"),
    ]
    assert organisation(db, 752).name == "Jysk Boligforening"


def test_an_estates_file_adds_updates_and_closes_the_estates_it_no_longer_holds(world, db):
    text = estates_file(db, **{"101:1": {"navn": "Solgården", "familieboliger": 130}})
    text = "\n".join(line for line in text.split("\n") if not line.startswith("101;2;"))
    text += "101;7;Nybyggeriet;Kajen 1;101;under_opfoerelse;;40;0;0;3200\n"
    entry = run("estates", text)
    assert entry.status == ImportStatus.IMPORTED
    first = estate(db, 101, 1)
    assert (first.name, first.family_dwellings) == ("Solgården", 130)
    assert estate(db, 101, 2).state == EstateState.CLOSED
    new = estate(db, 101, 7)
    assert (new.name, new.address, new.state, new.area_m2) == (
        "Nybyggeriet",
        "Kajen 1",
        EstateState.UNDER_CONSTRUCTION,
        3200,
    )
    # the name, the dwellings, 2 closed, 7 added
    assert entry.changed == 4


def test_an_estates_file_with_an_unknown_organisation_or_state_imports_nothing(world, db):
    text = ESTATES + "999;1;Ukendt;;101;i_drift;;1;0;0;80\n101;1;Solbakken;;101;lukket;;1;0;0;80\n"
    refused = run("estates", text)
    assert [(p["code"], p["params"]["row"]) for p in problems_of(refused)] == [
        ("unknown_organisation", 2),
        ("unknown_choice", 3),
    ]
    assert estate(db, 101, 2).state == EstateState.IN_OPERATION


# --- an opened year keeps its recipients ------------------------------------------------------


def test_a_moved_estate_keeps_its_opened_years_location_municipality(world, db):
    package = package_of(db, 101)
    run("estates", estates_file(db, **{"101:5": {"kommune": 751}}))
    assert estate(db, 101, 5).municipality_id == municipality_id(db, 751)
    form = estate_form_of(db, package.id, 5)
    assert form.municipality_id == municipality_id(db, 265)
    # the opened year's package is still Roskilde's to receive, not yet Aarhus'
    assert db.session.scalar(
        select(Package.id).where(
            Package.id == package.id, row_filter(Package, actor(db, "roskilde"))
        )
    )
    assert not db.session.scalar(
        select(Package.id).where(Package.id == package.id, row_filter(Package, actor(db, "aarhus")))
    )


def test_a_year_opened_after_the_move_sends_the_estate_to_its_new_municipality(world, db):
    run("estates", estates_file(db, **{"101:5": {"kommune": 751}}))
    open_year(2027, "2026.1")
    package = package_of(db, 101, year=2027)
    assert estate_form_of(db, package.id, 5).municipality_id == municipality_id(db, 751)
    names = [p.municipality.name for p in submit.recipients_of(package)]
    assert names == ["København", "Aarhus", "Roskilde"]


def test_the_submitted_package_goes_to_the_municipalities_of_its_opening(complete_101, db):
    run("estates", estates_file(db, **{"101:5": {"kommune": 751}, "101:6": {"kommune": 751}}))
    submit.submit(complete_101, actor(db, "bo"))
    package = db.session.get(Package, complete_101)
    assert sorted(r.municipality.name for r in package.recipients) == ["København", "Roskilde"]
    # Roskilde reads the report and its two estates' forms; Aarhus nothing
    expected = {f.id for f in package.forms if f.estate_id is None} | {
        estate_form_of(db, complete_101, n).id for n in (5, 6)
    }
    assert visible_form_ids(db, "roskilde", complete_101) == expected
    assert visible_form_ids(db, "aarhus", complete_101) == set()


def test_differences_list_each_change_an_opened_year_has_not_taken(world, db):
    run("estates", estates_file(db, **{"101:5": {"kommune": 751}}))
    run(
        "organisations",
        WORLD.replace(
            "752;Jysk Boligforening;boligorganisation;751;900",
            "752;Jysk Boligforening;boligorganisation;751;461",
        ).replace(
            "851;Nordjysk Boligselskab;boligorganisation;851;",
            "851;Nordjysk Boligselskab;boligorganisation;265;",
        ),
    )
    found = {
        (str(item.package.organisation), d.kind, d.estate, d.recorded, d.now)
        for item in differences(2026)
        for d in item.differences
    }
    assert found == {
        (
            "101 Boligselskabet Hovedstaden",
            "estate_municipality",
            str(estate(db, 101, 5)),
            "Roskilde",
            "Aarhus",
        ),
        (
            "752 Jysk Boligforening",
            "administrator",
            None,
            "900 Fælles Boligadministration",
            "461 Fyns Almennyttige Boligselskab",
        ),
        (
            "851 Nordjysk Boligselskab",
            "home_municipality",
            None,
            "Aalborg",
            "Roskilde",
        ),
    }


def test_a_changed_administrator_reaches_the_opened_year_only_when_lbf_applies_it(world, db):
    run(
        "organisations",
        WORLD.replace(
            "752;Jysk Boligforening;boligorganisation;751;900",
            "752;Jysk Boligforening;boligorganisation;751;461",
        ),
    )
    package = package_of(db, 752)
    # the year's administrator is still 900: "adm" fills it, "boadm" does not see it
    assert may_edit(package, actor(db, "adm"))
    assert not db.session.scalar(
        select(Package.id).where(Package.id == package.id, row_filter(Package, actor(db, "boadm")))
    )
    result = apply_to_year(2026, [package.id], actor(db, "lbf"))
    assert (result.packages, result.submitted) == (1, ())
    db.session.expire_all()
    package = package_of(db, 752)
    assert package.administered_by_id == organisation(db, 461).id
    # boadm acts for every organisation 461 administers, so for 752 at once
    assert may_edit(package, actor(db, "boadm"))
    # one acting by name acts for 752 once granted it (LBF here: boadm is 461's only
    # administrator)
    boadm = db.session.scalar(select(AppUser).where(AppUser.username == "boadm"))
    by_name = [r.value for r in boadm.right_set if r != Right.ALL_ADMINISTERED]
    set_rights(actor(db, "lbf"), boadm.id, by_name, list(boadm.acts_for_ids))
    assert not may_edit(package, actor(db, "boadm"))
    set_rights(
        actor(db, "lbf"),
        boadm.id,
        [r.value for r in boadm.right_set],
        [*boadm.acts_for_ids, organisation(db, 752).id],
    )
    assert may_edit(package, actor(db, "boadm"))
    assert not may_edit(package, actor(db, "adm"))
    assert not db.session.scalar(
        select(Package.id).where(Package.id == package.id, row_filter(Package, actor(db, "adm")))
    )
    logged = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "apply_master_data")
    ).all()
    assert [(e.entity, e.field, e.package_id) for e in logged] == [
        ("Package", "administered_by_id", package.id)
    ]


def test_lbf_applies_a_moved_estate_to_the_opened_year(world, db):
    package = package_of(db, 101)
    run("estates", estates_file(db, **{"101:5": {"kommune": 751}}))
    apply_to_year(2026, [package.id], actor(db, "lbf"))
    assert estate_form_of(db, package.id, 5).municipality_id == municipality_id(db, 751)
    assert differences(2026) == []
    assert [p.municipality.name for p in submit.recipients_of(package_of(db, 101))] == [
        "København",
        "Aarhus",
        "Roskilde",
    ]


def test_a_submitted_package_keeps_the_municipalities_it_was_sent_to(complete_101, db):
    submit.submit(complete_101, actor(db, "bo"))
    run("estates", estates_file(db, **{"101:5": {"kommune": 751}}))
    result = apply_to_year(2026, [complete_101], actor(db, "lbf"))
    assert (result.packages, result.submitted) == (0, ("101 Boligselskabet Hovedstaden",))
    assert estate_form_of(db, complete_101, 5).municipality_id == municipality_id(db, 265)


def test_only_a_chosen_package_of_the_chosen_year_takes_the_change(world, db):
    run(
        "organisations",
        WORLD.replace(
            "751;Aarhus Almene Boliger;boligorganisation;751;900",
            "751;Aarhus Almene Boliger;boligorganisation;751;",
        ).replace(
            "752;Jysk Boligforening;boligorganisation;751;900",
            "752;Jysk Boligforening;boligorganisation;751;",
        ),
    )
    chosen = package_of(db, 751)
    # a package of another year is not touched by the year's page
    assert apply_to_year(2025, [chosen.id], actor(db, "lbf")).packages == 0
    assert apply_to_year(2026, [chosen.id], actor(db, "lbf")).packages == 1
    db.session.expire_all()
    assert package_of(db, 751).administered_by_id is None
    assert package_of(db, 752).administered_by_id == organisation(db, 900).id


@pytest.mark.parametrize("username", ["bo", "adm", "kbh"])
def test_only_lbf_applies_master_data_to_an_opened_year(world, db, username):
    run("estates", estates_file(db, **{"101:5": {"kommune": 751}}))
    package = package_of(db, 101)
    with pytest.raises(NotFound):
        apply_to_year(2026, [package.id], actor(db, username))
    assert estate_form_of(db, package.id, 5).municipality_id == municipality_id(db, 265)


def test_a_returned_package_resent_after_a_move_goes_to_the_new_municipalities_only(
    complete_101, db
):
    from app.services import return_package

    submit.submit(complete_101, actor(db, "bo"))
    return_package.return_package(complete_101, actor(db, "kbh"), "Ret afsnit 2.")
    run("estates", estates_file(db, **{"101:5": {"kommune": 751}, "101:6": {"kommune": 751}}))
    assert apply_to_year(2026, [complete_101], actor(db, "lbf")).packages == 1
    submit.submit(complete_101, actor(db, "bo"))
    db.session.expire_all()
    package = db.session.get(Package, complete_101)
    # Roskilde's receipt of the first submission is gone with its estates
    assert sorted(r.municipality.name for r in package.recipients) == ["Aarhus", "København"]
    assert visible_form_ids(db, "roskilde", complete_101) == set()


# --- who sees an organisation's data after a move: today's master data and the opened year ---


def _municipality_actor(db, code: int) -> Actor:
    return Actor(
        user_id=10_000 + code,
        roles=frozenset({Role.MUNICIPALITY}),
        municipality_id=municipality_id(db, code),
        rights=frozenset({Right.READ, Right.PROCESS, Right.STATISTICS}),
    )


@pytest.fixture
def moved(world, db):
    """900 (administration, home Aarhus, no estates) now has its home in Odense; 101's
    estates 5 and 6 now lie in Aarhus. The opened year 2026 still records Aarhus as 900's
    home and Roskilde as 5's and 6's municipality."""
    text = WORLD.replace(
        "900;Fælles Boligadministration;administrationsorganisation;751;",
        "900;Fælles Boligadministration;administrationsorganisation;461;",
    )
    assert run("organisations", text).status == ImportStatus.IMPORTED
    changes = {"101:5": {"kommune": 751}, "101:6": {"kommune": 751}}
    assert run("estates", estates_file(db, **changes)).status == ImportStatus.IMPORTED


def _sees(db, code: int, model, condition) -> bool:
    actor = _municipality_actor(db, code)
    return bool(db.session.scalar(select(model.id).where(condition, row_filter(model, actor))))


@pytest.mark.parametrize(
    "code, why",
    [
        (461, "its home municipality now"),
        (751, "its home municipality when the year was opened"),
    ],
)
def test_an_organisation_moved_home_is_seen_by_the_old_and_the_new_home(moved, db, code, why):
    from app.models import KeyFigureValue

    admin = organisation(db, 900)
    assert _sees(db, code, Organisation, Organisation.id == admin.id), why
    assert _sees(db, code, KeyFigureValue, KeyFigureValue.organisation_id == admin.id), why


@pytest.mark.parametrize(
    "code, why",
    [
        (751, "the estate lies there now"),
        (265, "the estate lay there when the year was opened"),
    ],
)
def test_a_moved_estate_is_seen_by_its_old_and_its_new_municipality(moved, db, code, why):
    from app.models import KeyFigureValue

    fifth = estate(db, 101, 5)
    assert _sees(db, code, Organisation, Organisation.id == fifth.organisation_id), why
    assert _sees(db, code, Estate, Estate.id == fifth.id), why
    assert _sees(db, code, KeyFigureValue, KeyFigureValue.estate_id == fifth.id), why
    # an estate that never lay there stays hidden
    assert not _sees(db, code, Estate, Estate.id == estate(db, 101, 1).id)


def test_the_administrator_of_the_opened_year_writes_to_its_package(world, db):
    """752 moves from 900 to 461 after the year is opened: 900 still acts in 2026."""
    from app.models import Attachment
    from app.security import AccessRefused, ensure_may_write

    run(
        "organisations",
        WORLD.replace(
            "752;Jysk Boligforening;boligorganisation;751;900",
            "752;Jysk Boligforening;boligorganisation;751;461",
        ),
    )
    attachment = Attachment(package_id=package_of(db, 752).id, filename="a.pdf")
    ensure_may_write(attachment, actor(db, "adm"))
    with pytest.raises(AccessRefused):
        ensure_may_write(attachment, actor(db, "boadm"))
    db.session.rollback()


# --- applying to an opened year: exactly the chosen year's packages, each change logged -------


def test_each_applied_change_is_logged_with_its_old_and_new_value_and_who(world, db):
    package = package_of(db, 101)
    lbf = actor(db, "lbf")
    run("estates", estates_file(db, **{"101:5": {"kommune": 751}}))
    run(
        "organisations",
        WORLD.replace(
            "101;Boligselskabet Hovedstaden;boligorganisation;101;",
            "101;Boligselskabet Hovedstaden;boligorganisation;101;900",
        ),
    )
    form = estate_form_of(db, package.id, 5)
    apply_to_year(2026, [package.id], lbf)
    logged = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "apply_master_data").order_by(AuditEntry.id)
    ).all()
    assert [
        (e.entity, e.entity_id, e.field, e.old_value, e.new_value, e.package_id, e.user_id)
        for e in logged
    ] == [
        (
            "Package",
            package.id,
            "administered_by_id",
            None,
            str(organisation(db, 900).id),
            package.id,
            lbf.user_id,
        ),
        (
            "Form",
            form.id,
            "municipality_id",
            str(municipality_id(db, 265)),
            str(municipality_id(db, 751)),
            package.id,
            lbf.user_id,
        ),
    ]


def test_a_package_without_an_administrator_is_listed_with_a_dash(world, db):
    run(
        "organisations",
        WORLD.replace(
            "101;Boligselskabet Hovedstaden;boligorganisation;101;",
            "101;Boligselskabet Hovedstaden;boligorganisation;101;900",
        ),
    )
    (item,) = differences(2026)
    assert [(d.kind, d.recorded, d.now) for d in item.differences] == [
        ("administrator", "–", "900 Fælles Boligadministration")
    ]


def test_a_year_opened_later_is_neither_listed_nor_changed_with_the_earlier_year(world, db):
    """2027 is opened too, then 5 and 6 move: the 2026 page lists 2026's forms, in their
    order, and applying to 2026 leaves 2027's forms as they were."""
    open_year(2027, "2026.1")
    run("estates", estates_file(db, **{"101:5": {"kommune": 751}, "101:6": {"kommune": 751}}))
    listed = differences(2026)
    assert [item.package.year for item in listed] == [2026]
    assert [d.estate.split()[0] for d in listed[0].differences] == ["5", "6"]
    apply_to_year(2026, [package_of(db, 101).id], actor(db, "lbf"))
    later = package_of(db, 101, year=2027)
    assert {estate_form_of(db, later.id, n).municipality_id for n in (5, 6)} == {
        municipality_id(db, 265)
    }
    assert [item.package.year for item in differences(2027)] == [2027]


def test_packages_skipped_among_the_chosen_do_not_stop_the_others(complete_101, db):
    """A package that does not exist and 101's submitted package come first among the chosen
    (and one of another year last): the rest still take the change, each one counted."""
    from app.services import submit as sending

    sending.submit(complete_101, actor(db, "bo"))
    run(
        "organisations",
        WORLD.replace(";751;900\n", ";751;\n").replace(
            "101;Boligselskabet Hovedstaden;boligorganisation;101;",
            "101;Boligselskabet Hovedstaden;boligorganisation;101;900",
        ),
    )
    open_year(2027, "2026.1")
    other_year = package_of(db, 851, year=2027).id
    # a package that does not exist, then the submitted one, come first in id order
    chosen = [0, complete_101, package_of(db, 751).id, package_of(db, 752).id, other_year]
    assert complete_101 < package_of(db, 751).id
    result = apply_to_year(2026, chosen, actor(db, "lbf"))
    assert (result.packages, result.submitted) == (2, ("101 Boligselskabet Hovedstaden",))
    db.session.expire_all()
    assert package_of(db, 751).administered_by_id is None
    assert package_of(db, 752).administered_by_id is None


def test_the_refusal_to_others_names_no_page(world, db):
    with pytest.raises(NotFound) as refused:
        apply_to_year(2026, [package_of(db, 101).id], actor(db, "bo"))
    assert refused.value.message == "Siden findes ikke."
