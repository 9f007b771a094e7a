"""Uploaded documents: what a file is, judged by its content and never by its name, and the
name it is stored under."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from enum import StrEnum

from app.rules.enums import N_
from app.rules.violations import Violation

NAME_MAX = 120


class DocumentKind(StrEnum):
    PDF = "pdf"
    WORD = "docx"
    EXCEL = "xlsx"
    POWERPOINT = "pptx"
    OLD_OFFICE = "ole"  # .doc, .xls, .ppt
    OPEN_DOCUMENT = "odf"  # .odt, .ods, .odp


CONTENT_TYPES = {
    DocumentKind.PDF: "application/pdf",
    DocumentKind.WORD: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    DocumentKind.EXCEL: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    DocumentKind.POWERPOINT: (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
    DocumentKind.OLD_OFFICE: "application/octet-stream",
    DocumentKind.OPEN_DOCUMENT: "application/octet-stream",
}

# the name's ending a document of each kind may carry
EXTENSIONS = {
    DocumentKind.PDF: frozenset({"pdf"}),
    DocumentKind.WORD: frozenset({"docx"}),
    DocumentKind.EXCEL: frozenset({"xlsx"}),
    DocumentKind.POWERPOINT: frozenset({"pptx"}),
    DocumentKind.OLD_OFFICE: frozenset({"doc", "xls", "ppt"}),
    DocumentKind.OPEN_DOCUMENT: frozenset({"odt", "ods", "odp"}),
}

ATTACHMENT_KINDS = frozenset(DocumentKind)

_OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
_OOXML_PARTS = (
    ("word/", DocumentKind.WORD),
    ("xl/", DocumentKind.EXCEL),
    ("ppt/", DocumentKind.POWERPOINT),
)
_ODF_TYPES = (
    b"application/vnd.oasis.opendocument.text",
    b"application/vnd.oasis.opendocument.spreadsheet",
    b"application/vnd.oasis.opendocument.presentation",
)


def sniff(content: bytes) -> DocumentKind | None:
    """The kind of document the bytes are, or None when they are none of the accepted ones."""
    if content.startswith(b"%PDF-"):
        return DocumentKind.PDF
    if content.startswith(_OLE_MAGIC):
        return DocumentKind.OLD_OFFICE
    if not content.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            if names and names[0] == "mimetype":
                mimetype = archive.read("mimetype").strip()
                return DocumentKind.OPEN_DOCUMENT if mimetype in _ODF_TYPES else None
            if "[Content_Types].xml" not in names:
                return None
            for prefix, kind in _OOXML_PARTS:
                if any(name.startswith(prefix) for name in names):
                    return kind
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return None
    return None


@dataclass(frozen=True)
class DocumentCheck:
    violations: list[Violation]
    kind: DocumentKind | None = None
    name: str | None = None

    @property
    def content_type(self) -> str | None:
        return CONTENT_TYPES[self.kind] if self.kind else None


def safe_name(filename: str) -> str | None:
    """The name a document is stored and offered under: letters, digits and a few marks;
    None when the name tries to name a path or holds control characters."""
    name = unicodedata.normalize("NFC", filename).strip()
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        return None
    name = re.sub(r"[^\w .()\-]", "_", name)
    name = re.sub(r"\s+", " ", name)
    if len(name) > NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        name = stem[: NAME_MAX - len(extension) - 1] + dot + extension if dot else name[:NAME_MAX]
    return name


def check_document(
    filename: str | None,
    content: bytes | None,
    allowed: frozenset[DocumentKind],
    max_bytes: int,
) -> DocumentCheck:
    """Every reason a file cannot be stored: no file, an unsafe name, too large, not one of
    the allowed kinds by its content, or a name whose ending says another kind."""
    if not filename or content is None or len(content) == 0:
        return DocumentCheck([Violation("file_required", N_("Vælg en fil."), "file")])
    violations = []
    name = safe_name(filename)
    if name is None:
        violations.append(
            Violation(
                "file_name",
                N_(
                    "Filnavnet er ikke tilladt. Brug et navn uden mapper, skråstreger og styretegn."
                ),
                "file",
            )
        )
    if len(content) > max_bytes:
        violations.append(
            Violation(
                "file_too_large",
                N_("Filen er for stor. Den må højst fylde %(mb)s MB."),
                "file",
                (("mb", max_bytes // (1024 * 1024)),),
            )
        )
    kind = sniff(content)
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    if kind is None or kind not in allowed:
        violations.append(
            Violation(
                "file_kind",
                N_("Filen er ikke en PDF.")
                if allowed == frozenset({DocumentKind.PDF})
                else N_(
                    "Filen er ikke et dokument, der kan vedhæftes. Brug PDF, Word, Excel, "
                    "PowerPoint eller OpenDocument."
                ),
                "file",
            )
        )
    elif extension not in EXTENSIONS[kind]:
        violations.append(
            Violation(
                "file_extension",
                N_("Filens navn passer ikke til dens indhold (.%(extension)s)."),
                "file",
                (("extension", extension),),
            )
        )
    if violations:
        return DocumentCheck(violations)
    return DocumentCheck([], kind, name)
