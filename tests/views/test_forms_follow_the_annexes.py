"""The forms on screen and on paper follow the ministry's templates (Vejledning om styring af
den almene boligsektor, Bilag 3, 4 and 5): their headings, numbering, order and header
lines, written here from the annexes' own wording.

The small demo world: 101 Boligselskabet Hovedstaden (housing, home København, estates 1-6
and 99 under construction), 900 the administration organisation of user "adm"."""

import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from app.models import Answer, Estate, Form, Organisation, Package
from tests.conftest import login


def _form(db, number=101, estate_number=None) -> Form:
    query = (
        select(Form)
        .join(Package, Package.id == Form.package_id)
        .join(Organisation, Organisation.id == Package.organisation_id)
        .where(Organisation.number == number, Package.year == 2026)
    )
    if estate_number is None:
        return db.session.scalar(query.where(Form.estate_id.is_(None)))
    return db.session.scalar(
        query.join(Estate, Estate.id == Form.estate_id).where(Estate.number == estate_number)
    )


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _page(client, form: Form, section_key: str) -> str:
    response = client.get(f"/form/{form.id}/{section_key}")
    assert response.status_code == 200, response.status_code
    return _flat(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _pdf(client, form: Form) -> str:
    response = client.get(f"/form/{form.id}/pdf")
    assert response.status_code == 200, response.status_code
    reader = PdfReader(io.BytesIO(response.data))
    return _flat("\n".join(page.extract_text() for page in reader.pages))


# --- Bilag 3, question 6 ------------------------------------------------------------------


def test_an_answer_stored_for_question_6s_former_follow_up_is_shown_nowhere(client, world, db):
    """Bilag 3 asks question 6 without "Hvis ja, hvilke?"; a text stored for the follow-up
    the form once had neither breaks the page or the PDF nor shows on them."""
    report = _form(db)
    db.session.add(
        Answer(form_id=report.id, question_key="q6_new_estates_text", value="Seniorbofællesskab")
    )
    db.session.commit()
    login(client, "bo")
    page = _page(client, report, "estates")
    assert "6. Er der ønske om etablering af nye afdelinger?" in page
    assert "Seniorbofællesskab" not in page
    text = _pdf(client, report)
    assert "6. Er der ønske om etablering af nye afdelinger?" in text
    assert "Seniorbofællesskab" not in text
    question_6 = text.index("6. Er der ønske om etablering af nye afdelinger?")
    question_7 = text.index("7. Hvilke afdelinger har særlige udfordringer")
    assert "Hvis ja, hvilke?" not in text[question_6:question_7]


# --- headings, numbering and order --------------------------------------------------------

LEAD_3_TO_5 = "Spørgsmål 3 – 5 belyser, om boligorganisationen har haft indsatser"
QUESTION_1 = "1. Har boligorganisationen forslag til fremtidigt samarbejde"
QUESTION_2 = "2. Har boligorganisationen strategiske overvejelser"
QUESTION_3 = "3. Har boligorganisationen inden for det forløbne år haft særlige indsatser"


def _in_order(text: str, *parts: str) -> bool:
    positions = [text.find(part) for part in parts]
    return -1 not in positions and positions == sorted(positions)


def test_the_lead_into_questions_3_to_5_stands_between_questions_2_and_3(client, world, db):
    report = _form(db)
    login(client, "bo")
    for text in (_page(client, report, "organisation"), _pdf(client, report)):
        assert text.count(LEAD_3_TO_5) == 1
        assert _in_order(text, QUESTION_1, QUESTION_2, LEAD_3_TO_5, QUESTION_3)


def test_the_administration_report_leads_into_questions_3_to_5_after_question_2(client, world, db):
    report = _form(db, number=900)
    login(client, "adm")
    lead = "Spørgsmål 3 – 5 belyser, om administrationsorganisationen har haft indsatser"
    for text in (_page(client, report, "organisation"), _pdf(client, report)):
        assert _in_order(
            text,
            "2. Har administrationsorganisationen strategiske overvejelser",
            lead,
            "3. Har administrationsorganisationen inden for det forløbne år",
        )


def test_question_7_is_led_in_by_the_words_answers_carried_over_from_part_a(client, world, db):
    report = _form(db)
    login(client, "bo")
    for text in (_page(client, report, "estates"), _pdf(client, report)):
        assert _in_order(
            text,
            "6. Er der ønske om etablering af nye afdelinger?",
            "Svar overført fra afdelingsskemaer, punkt A:",
            "7. Hvilke afdelinger har særlige udfordringer, indsatser eller behov for aftaler",
        )


def test_the_critical_estates_table_groups_its_marks_under_kritiske_noegletal(client, world, db):
    report = _form(db)
    login(client, "bo")
    html = client.get(f"/form/{report.id}/estate_facts").get_data(as_text=True)
    header = _flat(re.sub(r"<[^>]+>", " ", html.split("<thead>")[1].split("</thead>")[0]))
    expected = (
        "Kommune Afd. nr. Afd. navn Kritiske nøgletal "
        "Ledige boliger Fraflytning Henlæggelser vedligeholdelse"
    )
    assert header.split() == expected.split()
    assert re.search(r'<th colspan="3">\s*Kritiske nøgletal\s*</th>', html)
    assert _in_order(_pdf(client, report), "Afd. navn Kritiske nøgletal", "Ledige boliger")


def test_the_estate_form_heads_its_maintenance_tables_regnskabets_noegletal(client, world, db):
    estate_form = _form(db, estate_number=1)
    login(client, "bo")
    html = client.get(f"/form/{estate_form.id}/economy").get_data(as_text=True)
    assert len(re.findall(r"<h3[^>]*>\s*Regnskabets nøgletal\s*</h3>", html)) == 1
    printed = _pdf(client, estate_form)
    assert printed.count("Regnskabets nøgletal") == 1
    for text in (_page(client, estate_form, "economy"), printed):
        assert _in_order(
            text,
            "Leje for afdelingens boliger",
            "Regnskabets nøgletal",
            "Årets henlæggelser til vedligeholdelse",
            "Opsparede henlæggelser til vedligeholdelse",
        )


# --- the header lines -----------------------------------------------------------------------


def _header_lines(html: str) -> list[tuple[str, str]]:
    part = html.split('id="item-organisation_master_data"')[1].split("</dl>")[0]
    return [
        (_flat(term).strip(), _flat(value).strip())
        for term, value in re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", part, re.S)
    ]


def test_the_housing_report_heads_with_number_name_kind_and_accounting_period(client, world, db):
    """Bilag 3: "Boligorganisationens nummer og navn, organisationstype og regnskabsperiode".
    The 2026 dialogue looks at the accounts of 2025; the demo's register of filed accounts
    gives no period, so it is shown as the calendar year."""
    report = _form(db)
    login(client, "bo")
    html = client.get(f"/form/{report.id}/organisation").get_data(as_text=True)
    assert _header_lines(html) == [
        ("Nummer", "101"),
        ("Navn", "Boligselskabet Hovedstaden"),
        ("Organisationstype", "Boligorganisation"),
        ("Regnskabsperiode", "1. januar – 31. december 2025"),
    ]
    assert "Hjemstedskommune" not in _page(client, report, "organisation")
    assert (
        "Nummer 101 Navn Boligselskabet Hovedstaden Organisationstype Boligorganisation "
        "Regnskabsperiode 1. januar – 31. december 2025"
    ) in _pdf(client, report)


def test_the_administration_report_heads_with_number_name_and_accounting_period_only(
    client, world, db
):
    """Bilag 5: "Administrationsorganisationens nummer, navn og regnskabsperiode"."""
    report = _form(db, number=900)
    login(client, "adm")
    html = client.get(f"/form/{report.id}/organisation").get_data(as_text=True)
    assert _header_lines(html) == [
        ("Nummer", "900"),
        ("Navn", "Fælles Boligadministration"),
        ("Regnskabsperiode", "1. januar – 31. december 2025"),
    ]
    page = _page(client, report, "organisation")
    assert "Organisationstype" not in page and "Hjemstedskommune" not in page
    printed = _pdf(client, report)
    assert (
        "Nummer 900 Navn Fælles Boligadministration Regnskabsperiode 1. januar – 31. december 2025"
    ) in printed
    assert "Organisationstype" not in printed and "Hjemstedskommune" not in printed


# --- the head above the first part ----------------------------------------------------------


def _below_the_section_bar(client, form: Form, section_key: str) -> str:
    html = client.get(f"/form/{form.id}/{section_key}").get_data(as_text=True)
    return _flat(re.sub(r"<[^>]+>", " ", html.split('id="section-status-text"')[1]))


def test_the_housing_reports_header_stands_above_part_i(client, world, db):
    report = _form(db)
    login(client, "bo")
    header = "Boligorganisationens nummer og navn, organisationstype og regnskabsperiode"
    page = _below_the_section_bar(client, report, "organisation")
    for text in (page, _pdf(client, report)):
        assert _in_order(
            text,
            header,
            "Nummer 101",
            "I. Boligorganisationen",
            "Pkt. I omhandler boligorganisationens generelle forhold",
            QUESTION_1,
        )
    # the header belongs to the first part's page only
    assert header not in _below_the_section_bar(client, report, "estates")


def test_the_administration_report_opens_with_its_header_then_its_introduction(client, world, db):
    report = _form(db, number=900)
    login(client, "adm")
    page = _below_the_section_bar(client, report, "organisation")
    for text in (page, _pdf(client, report)):
        assert _in_order(
            text,
            "Administrationsorganisationens nummer, navn og regnskabsperiode",
            "Rapporten omfatter administrationsorganisationens egne forhold, herunder hvordan "
            "administrationsorganisationen bistår de administrerede organisationer med at "
            "opretholde en god organisationsdrift.",
            "A. Administrationsorganisationen – vurdering",
            "1. Har administrationsorganisationen forslag til fremtidigt samarbejde",
        )


def test_the_estate_forms_master_data_and_state_stand_above_part_a(client, world, db):
    estate_form = _form(db, estate_number=1)
    login(client, "bo")
    page = _below_the_section_bar(client, estate_form, "conclusion")
    for text in (page, _pdf(client, estate_form)):
        assert _in_order(
            text,
            "Afdelingens navn, nr., adresse, stamdata m.v.",
            "Afdeling under opførelse?",
            "A. Konklusion",
            "Er der særlige udfordringer, indsatser eller behov for aftaler",
        )


def test_guidance_about_a_whole_form_is_help_on_request_not_annex_text(client, world, db):
    """Bilag 3 prints no introduction: the platform's guidance about the report is behind
    the help button, and not on paper."""
    report = _form(db)
    login(client, "bo")
    html = client.get(f"/form/{report.id}/organisation").get_data(as_text=True)
    guidance = "I styringsrapporten evaluerer boligorganisationen sin virksomhed"
    assert re.search(r'<div id="help-form" class="help-text" hidden>\s*' + guidance, html)
    assert guidance not in _pdf(client, report)


def test_a_leading_line_is_printed_on_the_page_of_the_item_it_leads_into(client, world, db):
    report = _form(db)
    login(client, "bo")
    response = client.get(f"/form/{report.id}/pdf")
    pages = [_flat(page.extract_text()) for page in PdfReader(io.BytesIO(response.data)).pages]
    (lead_page,) = [page for page in pages if "Svar overført fra afdelingsskemaer" in page]
    assert "7. Hvilke afdelinger har særlige udfordringer" in lead_page


def test_the_header_shows_the_organisations_own_accounting_period_from_the_register(
    client, world, db
):
    """101's accounts of 2025 run from 1 April 2024 to 31 March 2025, as the register of filed
    accounts says."""
    from app.services.registers import problems_of, queue_import, run_import
    from tests.services.test_register_imports import LBF

    text = (
        "organisation;regnskabsaar;regnskab_indberettet;aarsberetning_indberettet;"
        "revisionsprotokol_indberettet;periode_fra;periode_til\n"
        "101;2025;2025-05-31;;;2024-04-01;2025-03-31\n"
    )
    imported = run_import(queue_import("accounts_filings", "f.csv", text.encode(), LBF).id)
    assert imported.changed, problems_of(imported)
    report = _form(db)
    login(client, "bo")
    html = client.get(f"/form/{report.id}/organisation").get_data(as_text=True)
    assert ("Regnskabsperiode", "1. april 2024 – 31. marts 2025") in _header_lines(html)


def test_the_estate_form_says_the_rest_is_for_estates_in_operation_between_part_a_and_b(
    client, world, db
):
    """Bilag 4: after part A's questions, "For afdelinger i drift udfyldes resterende skema."
    leads into part B."""
    estate_form = _form(db, estate_number=1)
    login(client, "bo")
    assert _in_order(
        _pdf(client, estate_form),
        "Hvis ja, gives i prioriteret rækkefølge",
        "B. Gennemgang af afdeling",
        "For afdelinger i drift udfyldes resterende skema.",
        "Leje for afdelingens boliger",
    )
    conclusion = _below_the_section_bar(client, estate_form, "conclusion")
    assert "resterende skema" not in conclusion
