"""Organisations carry CVR numbers from the organisations register, municipalities from LBF's
municipality screen: a MitID Erhverv login is tied to the body its CVR number names.

The small demo world gives organisation 101 the CVR number 30010108, 851 30085108,
København (101) 29010102."""

from sqlalchemy import select

from app.models import AuditEntry, Municipality, Organisation
from app.rules.enums import ImportStatus
from tests.conftest import login
from tests.services.test_master_data import WORLD, run

WITH_CVR = WORLD.replace("administreres_af\n", "administreres_af;cvr\n").replace(";\n", ";;\n")


def cvr_of(db, number: int) -> str | None:
    db.session.expire_all()
    return db.session.scalar(select(Organisation.cvr).where(Organisation.number == number))


def test_the_demo_world_gives_organisations_and_municipalities_cvr_numbers(world, db):
    assert cvr_of(db, 101) == "30010108"
    assert cvr_of(db, 851) == "30085108"
    assert db.session.scalar(select(Municipality.cvr).where(Municipality.code == 101)) == (
        "29010102"
    )


def test_a_file_without_the_cvr_column_keeps_the_cvr_numbers(world, db):
    entry = run("organisations", WORLD.replace("Nordjysk Boligselskab", "Nordjysk Bolig"))
    assert entry.status == ImportStatus.IMPORTED
    assert cvr_of(db, 851) == "30085108"


def test_a_file_with_the_column_sets_and_clears_cvr_numbers_and_logs_each(world, db):
    text = WITH_CVR.replace(
        "101;Boligselskabet Hovedstaden;boligorganisation;101;;",
        "101;Boligselskabet Hovedstaden;boligorganisation;101;;12345674",
    )
    entry = run("organisations", text)
    assert entry.status == ImportStatus.IMPORTED, entry
    assert cvr_of(db, 101) == "12345674"
    assert cvr_of(db, 851) is None  # an empty cell: no CVR number
    logged = {
        (e.field, e.old_value, e.new_value)
        for e in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "register_import")
        )
    }
    assert ("101:cvr", "30010108", "12345674") in logged
    assert ("851:cvr", "30085108", None) in logged


def test_a_cvr_number_passes_from_a_retired_organisation_to_its_successor(world, db):
    # 851 leaves the register and 852 takes its CVR number, in one file
    text = (
        WORLD.replace("administreres_af\n", "administreres_af;cvr\n")
        .replace("851;Nordjysk Boligselskab;boligorganisation;851;\n", "")
        .replace(";\n", ";;\n")
        + "852;Nordjysk Boligselskab af 2027;boligorganisation;851;;30085108\n"
    )
    entry = run("organisations", text)
    assert entry.status == ImportStatus.IMPORTED, entry
    assert cvr_of(db, 852) == "30085108"
    assert cvr_of(db, 851) is None


def test_lbf_sets_a_municipalitys_cvr_number_in_the_municipality_screen(world, db, client):
    login(client, "lbf")
    roskilde = db.session.scalar(select(Municipality).where(Municipality.code == 265))
    region_id, name = roskilde.region_id, roskilde.name
    form = {"code": "265", "name": name, "region": str(region_id), "notification_email": ""}
    refused = client.post(f"/municipalityview/edit/{roskilde.id}", data={**form, "cvr": "2918 985"})
    assert "Et CVR-nummer skal være 8 cifre." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Municipality, roskilde.id).cvr == "29026505"
    try:
        saved = client.post(
            f"/municipalityview/edit/{roskilde.id}", data={**form, "cvr": "29189854"}
        )
        assert saved.status_code == 302
        db.session.expire_all()
        assert db.session.get(Municipality, roskilde.id).cvr == "29189854"
    finally:
        # municipalities outlive a test (master data): the next demo world finds its own
        db.session.get(Municipality, roskilde.id).cvr = "29026505"
        db.session.commit()
