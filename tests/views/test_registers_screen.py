"""LBF's register screen: upload a file, see its job's status and report; every problem of a
refused file listed with row, column, value and a Danish reason; no one else gets in."""

import io
import re

import pytest

HEADER = (
    "organisation;regnskabsaar;regnskab_indberettet;aarsberetning_indberettet;"
    "revisionsprotokol_indberettet\n"
)


def upload(client, text: str, register="accounts_filings", filename="regnskaber.csv"):
    return client.post(
        "/registers/upload",
        data={"register": register, "file": (io.BytesIO(text.encode()), filename)},
        content_type="multipart/form-data",
    )


def test_lbf_uploads_a_register_file_and_reads_its_report(world, login_as):
    client = login_as("lbf")
    response = upload(client, HEADER + "101;2030;2031-05-31;;\n")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert re.search(r'id="import-status" role="status">Indlæst<', page)
    # a new filing: its date is the one value set (the two optional dates stay empty)
    assert "1 rækker læst, 1 værdier ændret." in page
    listing = client.get("/registers/").get_data(as_text=True)
    assert "regnskaber.csv" in listing
    assert "Indberetning af regnskaber" in listing


def test_a_refused_file_lists_every_problem_with_row_column_and_value(world, login_as):
    client = login_as("lbf")
    response = upload(client, HEADER + "999;2030;2031-05-31;;\n101;2030;95,5;;\n")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Filen har 2 fejl. Intet er indlæst." in page
    rows = re.findall(
        r'<tr>\s*<th scope="row">(\d+)</th>\s*<td[^>]*>([^<]+)</td>\s*<td[^>]*>([^<]+)</td>'
        r"\s*<td[^>]*>([^<]+)</td>",
        page,
    )
    assert rows == [
        ("2", "organisation", "999", "Boligorganisation nr. 999 findes ikke hos Landsbyggefonden."),
        ("3", "regnskab_indberettet", "95,5", "Ikke en dato. Skriv den som åååå-mm-dd."),
    ]


def test_the_job_status_answers_for_the_progress_bar(world, login_as):
    client = login_as("lbf")
    location = upload(client, HEADER + "101;2030;2031-05-31;;\n").headers["Location"]
    status = client.get(location.rstrip("/") + "/status").json
    assert status == {"status": "IMPORTED", "label": "Indlæst", "progress": 100, "finished": True}


def test_an_upload_without_a_file_is_refused_with_a_danish_message(world, login_as):
    client = login_as("lbf")
    response = client.post("/registers/upload", data={"register": "accounts_filings"})
    assert response.status_code == 302
    page = client.get("/registers/").get_data(as_text=True)
    assert "Filen er tom." in page


@pytest.mark.parametrize("user", ["bo", "kbh", "adm"])
def test_no_one_but_lbf_reaches_the_registers(world, login_as, user):
    client = login_as(user)
    assert client.get("/registers/").status_code in (302, 403, 404)
    response = upload(client, HEADER + "101;2030;2031-05-31;;\n")
    assert response.status_code in (302, 403, 404)
    assert "/registers/" not in response.headers.get("Location", "")
