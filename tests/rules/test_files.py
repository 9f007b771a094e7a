"""Uploaded documents are judged by their content, stored under a safe name, and refused
with every reason at once."""

import io
import zipfile

import pytest

from app.rules.files import (
    ATTACHMENT_KINDS,
    NAME_MAX,
    DocumentKind,
    check_document,
    safe_name,
    sniff,
)

PDF = b"%PDF-1.7\n%%EOF\n"
OLE = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 64


def zipped(*entries: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = zipped(("[Content_Types].xml", b"<Types/>"), ("word/document.xml", b"<w/>"))
XLSX = zipped(("[Content_Types].xml", b"<Types/>"), ("xl/workbook.xml", b"<x/>"))
PPTX = zipped(("[Content_Types].xml", b"<Types/>"), ("ppt/presentation.xml", b"<p/>"))
ODT = zipped(("mimetype", b"application/vnd.oasis.opendocument.text"), ("content.xml", b"<o/>"))


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF, DocumentKind.PDF),
        (OLE, DocumentKind.OLD_OFFICE),
        (DOCX, DocumentKind.WORD),
        (XLSX, DocumentKind.EXCEL),
        (PPTX, DocumentKind.POWERPOINT),
        (ODT, DocumentKind.OPEN_DOCUMENT),
        (b"MZ\x90\x00", None),  # a Windows program
        (b"<!DOCTYPE html><html></html>", None),
        (zipped(("a.txt", b"x")), None),  # a zip that is no office document
        (zipped(("mimetype", b"application/zip")), None),
        (zipped(("[Content_Types].xml", b"<T/>"), ("other/x.xml", b"")), None),
        (b"PK\x03\x04 broken", None),
        (b"", None),
    ],
)
def test_a_document_is_known_by_its_content(content, kind):
    assert sniff(content) == kind


@pytest.mark.parametrize(
    ("name", "stored"),
    [
        ("Referat 2026.pdf", "Referat 2026.pdf"),
        ("  Æblegård   referat.pdf ", "Æblegård referat.pdf"),
        ("a<b>c:d.pdf", "a_b_c_d.pdf"),
        ("../etc/passwd.pdf", None),
        ("..\\boot.ini.pdf", None),
        ("mappe/fil.pdf", None),
        ("mappe\\fil.pdf", None),
        ("..pdf", None),
        ("a..b.pdf", "a..b.pdf"),  # two dots without a separator name no other folder
        (".skjult.pdf", None),
        ("nul\x00.pdf", None),
        ("", None),
    ],
)
def test_a_name_is_stored_safely_or_refused(name, stored):
    assert safe_name(name) == stored


def test_a_long_name_is_shortened_and_keeps_its_ending():
    name = safe_name("x" * 300 + ".pdf")
    assert len(name) == NAME_MAX and name.endswith(".pdf")
    # the last ending is kept, the stem is cut
    assert safe_name("a.b" + "x" * 300 + ".pdf") == "a.b" + "x" * (NAME_MAX - 7) + ".pdf"
    assert safe_name("y" * 300) == "y" * NAME_MAX
    assert safe_name("z" * NAME_MAX) == "z" * NAME_MAX


def test_every_reason_at_once():
    checked = check_document("../x.pdf", b"MZ" + b"\x00" * 40, ATTACHMENT_KINDS, 10)
    assert [v.code for v in checked.violations] == ["file_name", "file_too_large", "file_kind"]
    assert checked.kind is None and checked.name is None


def test_a_limit_reached_exactly_is_allowed():
    assert check_document("a.pdf", PDF, ATTACHMENT_KINDS, len(PDF)).violations == []
    assert [
        v.code for v in check_document("a.pdf", PDF, ATTACHMENT_KINDS, len(PDF) - 1).violations
    ] == ["file_too_large"]


@pytest.mark.parametrize(
    ("name", "content", "codes"),
    [
        ("bilag.pdf", PDF, []),
        ("BILAG.PDF", PDF, []),
        ("tabel.xlsx", XLSX, []),
        ("gammel.xls", OLE, []),
        ("gammel.doc", OLE, []),
        ("tekst.odt", ODT, []),
        ("tabel.docx", XLSX, ["file_extension"]),
        ("uden-endelse", PDF, ["file_extension"]),
        ("bilag.pdf", None, ["file_required"]),
        ("bilag.pdf", b"x", ["file_kind"]),  # one byte is a file, if not a document
        (None, PDF, ["file_required"]),
    ],
)
def test_the_name_must_match_the_content(name, content, codes):
    checked = check_document(name, content, ATTACHMENT_KINDS, 10_000)
    assert [v.code for v in checked.violations] == codes
    if not codes:
        assert checked.name == name and checked.content_type is not None


def test_a_statement_must_be_a_pdf():
    only_pdf = frozenset({DocumentKind.PDF})
    refused = check_document("r.docx", DOCX, only_pdf, 10_000).violations
    assert [(v.code, v.message) for v in refused] == [("file_kind", "Filen er ikke en PDF.")]


def test_a_refusal_says_the_limit_in_whole_megabytes_and_the_ending_it_found():
    big = check_document("a.pdf", b"%PDF" + b"0" * (3 * 1024 * 1024), ATTACHMENT_KINDS, 2 * 1048576)
    assert repr(big.violations[0].params_dict()["mb"]) == "2"
    no_ending = check_document("uden-endelse", PDF, ATTACHMENT_KINDS, 100)
    assert [v.params_dict() for v in no_ending.violations] == [{"extension": ""}]
