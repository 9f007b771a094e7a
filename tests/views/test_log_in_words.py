"""The package log reads as Danish sentences: the question's text, option labels, lists as
lists, statuses in words."""

from tests.services.test_filling import estate_form, package_of, save


def test_the_log_names_the_question_and_the_option_not_their_keys(world, db, login_as):
    package = package_of(db, 101)
    form = estate_form(db, package, 1)
    save(db, form, "maintenance_condition", "less_satisfactory")
    save(db, form, "a_challenges", True)
    save(db, form, "a_items", ["Fugt i kældrene", "Tryghed på udearealerne"])
    page = login_as("bo").get(
        f"/auditentryview/list/?_flt_0_package={package.id}&psize_AuditEntryView=100"
    )
    text = page.get_data(as_text=True)
    assert (
        "Afdelingsskema: 1 Højvangen 1: Vurdering af afdelingens vedligeholdelsestilstand" in text
    )
    assert "Mindre tilfredsstillende" in text
    assert "Fugt i kældrene; Tryghed på udearealerne" in text
    assert "Under udfyldelse" in text  # the form's status, in the form's words
    for key in ("less_satisfactory", f"{form.id}:maintenance_condition", "IN_PROGRESS"):
        assert key not in text


def test_lbf_exports_a_years_log_as_csv_and_nobody_else_can(world, db, login_as):
    package = package_of(db, 101)
    save(db, estate_form(db, package, 1), "maintenance_condition", "less_satisfactory")
    lbf = login_as("lbf")
    assert "/auditentryview/export/2026.csv" in lbf.get("/overview/").get_data(as_text=True)
    response = lbf.get("/auditentryview/export/2026.csv")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Tidspunkt;Bruger;Dokumentationspakke;")
    answer = next(line for line in lines if "vedligeholdelsestilstand" in line)
    assert answer.endswith(";;Mindre tilfredsstillende")
    assert login_as("bo").get("/auditentryview/export/2026.csv").status_code in (302, 403)
    assert login_as("kbh").get("/auditentryview/export/2026.csv").status_code in (302, 403)
