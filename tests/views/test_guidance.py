"""Guidance documents under the Vejledning tab (user guide 5.1 b): LBF publishes them with a
title, an audience and an order; each logged-in user reads those meant for them, through the
row-level filter; a bad entry is refused with every reason in Danish and stores nothing."""

import pytest
from sqlalchemy import func, select

from app.models import AuditEntry, GuidanceDocument
from tests.conftest import login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ORGANISATION_USERS = ["bo", "boadm", "adm", "nord"]
MUNICIPALITY_USERS = ["kbh", "roskilde", "aarhus"]


def _publish(client, title, audience, order="0", content=PDF, filename="vejledning.pdf"):
    from io import BytesIO

    return client.post(
        "/overview/guide/documents",
        data={
            "title": title,
            "audience": audience,
            "sort_order": order,
            "file": (BytesIO(content), filename),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )


def _count(db) -> int:
    return db.session.scalar(select(func.count(GuidanceDocument.id)))


@pytest.fixture
def published(client, world, db):
    """Three documents: for everyone, for the organisations, for the municipalities."""
    login(client, "lbf")
    _publish(client, "Brugervejledning", "ALL", "1")
    _publish(client, "Notat om nøgletal og benchmarks", "ORGANISATIONS", "2")
    _publish(client, "KL's pjece om styringsdialogen", "MUNICIPALITIES", "3")
    client.get("/logout/")
    return {d.title: d.id for d in db.session.scalars(select(GuidanceDocument))}


@pytest.mark.parametrize("username", ORGANISATION_USERS + MUNICIPALITY_USERS)
def test_each_user_reads_the_documents_meant_for_them_only(client, published, username):
    login(client, username)
    page = client.get("/overview/guide").get_data(as_text=True)
    mine = (
        {"Brugervejledning", "Notat om nøgletal og benchmarks"}
        if username in ORGANISATION_USERS
        else {"Brugervejledning", "KL's pjece om styringsdialogen"}
    )
    for title, document_id in published.items():
        url = f"/overview/guide/documents/{document_id}"
        response = client.get(url)
        if title in mine:
            assert title.replace("'", "&#39;") in page
            assert response.status_code == 200 and response.data == PDF
            assert response.headers["Content-Disposition"].startswith("attachment")
        else:
            assert title.replace("'", "&#39;") not in page
            assert response.status_code == 404


def test_lbf_sees_every_document_in_its_order(client, published):
    login(client, "lbf")
    page = client.get("/overview/guide").get_data(as_text=True)
    positions = [page.index(t.replace("'", "&#39;")) for t in published]
    assert positions == sorted(positions)
    assert 'id="guidance-form"' in page


def test_a_visitor_without_a_login_reads_no_document(client, published):
    for document_id in published.values():
        response = client.get(f"/overview/guide/documents/{document_id}")
        assert response.status_code in (302, 401, 403, 404)
        assert response.data != PDF


def test_a_bad_entry_is_refused_with_every_reason_and_nothing_is_stored(client, world, db):
    login(client, "lbf")
    page = _publish(
        client, "", "EVERYONE", "first", content=b"just text", filename="noter.pdf"
    ).get_data(as_text=True)
    assert "Skriv dokumentets titel." in page
    assert "Vælg, hvem dokumentet er til." in page
    assert "Rækkefølgen skal være et helt tal mellem -1000 og 1000." in page
    assert "Filen er ikke et dokument, der kan vedhæftes." in page
    assert _count(db) == 0


@pytest.mark.parametrize("username", ["bo", "adm", "kbh"])
def test_only_lbf_publishes_or_removes_a_document(client, published, db, username):
    login(client, username)
    assert _publish(client, "Egen vejledning", "ALL").status_code == 404
    assert (
        client.post(f"/overview/guide/documents/{published['Brugervejledning']}/delete").status_code
        == 404
    )
    assert _count(db) == 3


def test_lbf_removes_a_document_and_the_log_says_so(client, published, db):
    login(client, "lbf")
    document_id = published["Brugervejledning"]
    page = client.post(
        f"/overview/guide/documents/{document_id}/delete", follow_redirects=True
    ).get_data(as_text=True)
    assert "Dokumentet er fjernet fra Vejledning." in page
    assert db.session.get(GuidanceDocument, document_id) is None
    logged = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity == "GuidanceDocument")
    ).all()
    assert logged.count("guidance_added") == 3 and logged.count("guidance_removed") == 1
