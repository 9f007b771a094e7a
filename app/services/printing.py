"""The package on paper (user guide 5.2.9): each form, and the whole package (the report,
every estate form the reader may see, the list of attachments) as one PDF in the ministry's
layout: the same headings, numbering and tables as the screen, the answers in place, the key
figures with their benchmark and their yellow or red mark told in words and colour.

A reader gets exactly what they may see: the forms come through the row-level filter, so a
location municipality's package PDF holds the report and its own estates' forms. Rendering is
xhtml2pdf with the house font (IBM Plex Sans) embedded; a footer names the organisation, the
year, the time of printing and the page."""

from __future__ import annotations

import gc
import hashlib
import io
import multiprocessing
import os
import re
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flask import render_template
from flask_babel import force_locale, gettext
from reportlab.lib.units import cm
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Answer, AppUser, Attachment, Form, Package, PrintJob
from app.rules.access import Actor
from app.rules.enums import N_, FormStatus, PrintStatus
from app.security import row_filter
from app.services.errors import NotFound
from app.services.reading import (
    answers_of,
    definition_of,
    flagged_items,
    form_figures,
    now,
    package_forms,
    progress_of,
    visible_form,
    visible_package,
)
from app.services.report import computed_parts

FONTS = Path(__file__).resolve().parent.parent / "static" / "vendor" / "dkfds" / "fonts"


@dataclass(frozen=True)
class Printed:
    filename: str
    content: bytes


def _form_html(form: Form) -> str:
    """One form as the print layout shows it: every section the form has, every item."""
    definition = definition_of(form)
    answers = answers_of(form)
    values = {k: a.value for k, a in answers.items()}
    figures = form_figures(form, definition)
    progress = progress_of(form, definition, values, figures)
    shown = {s.key for s in progress.sections}
    sections = [s for s in definition.sections if s.key in shown]
    items = [*definition.head, *(item for section in sections for item in section.items)]
    return render_template(
        "print/_form.html",
        form=form,
        package=form.package,
        definition=definition,
        sections=sections,
        progress=progress,
        answers=answers,
        figures=figures,
        flagged=flagged_items(definition, figures),
        computed=computed_parts(form, items, figures),
        missing=set(),
        editable=False,
        printing=True,
        FormStatus=FormStatus,
    )


# a part holds at least this many forms: a package of twice as many or more is laid out by
# several processes at once, a part at a time each
FORMS_PER_PART = 12
MAX_PROCESSES = 4


def _render(
    package: Package,
    bodies: Iterable[str],
    count: int,
    attachments: list[Attachment],
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """The forms' HTML (`count` of them, given as they are written) as one PDF: laid out in
    parts (several processes at once for a large package), joined, and every page numbered
    "Side n af m"; `progress` hears the percentage of forms laid out after each part."""
    label = gettext("Side %(page)s af %(pages)s", page="{page}", pages="{pages}")
    printed_at = now()

    def document(part: list[str], last: bool) -> str:
        return render_template(
            "print/document.html",
            package=package,
            bodies=[_for_paper(body) for body in part],
            attachments=attachments if last else [],
            printed_at=printed_at,
            fonts=FONTS,
        )

    processes = min(MAX_PROCESSES, os.cpu_count() or 1, max(1, count // FORMS_PER_PART))
    if processes <= 1:
        return _numbered([layout(document(list(bodies), True))], label)
    # imported once here rather than in every forked worker of every package
    _layout_ready()
    # forked workers only lay out HTML: they touch neither the database nor the app. A part
    # goes to a worker as soon as its forms are written, and each worker takes the next part
    # when it is done with one; the parts are joined in the forms' order as they come back
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(processes, mp_context=context, initializer=_worker_start) as pool:
        laid_out = [
            (pool.submit(layout, document(part, last)), len(part))
            for part, last in _parts(bodies, count, processes)
        ]

        def in_order() -> Iterator[bytes]:
            done = 0
            for future, forms in laid_out:
                yield future.result()
                done += forms
                if progress is not None:
                    progress(int(99 * done / count))

        return _numbered(in_order(), label)


def _worker_start() -> None:
    """A layout process: what it inherited from the app (modules, the forms read) is kept out
    of the garbage collector's rounds, which then go through the layout's own objects only,
    and less often: the layout makes millions of short-lived objects, few of them in cycles."""
    gc.freeze()
    gc.set_threshold(20_000, 20, 100)


# what only a screen uses: icons, screen-reader texts, ids, data and aria attributes, runs of
# white space, white space beside a block (which a reader never sees); left out, the layout
# has less to parse and match against the style sheet
_BLOCK = r"(?:div|p|h[1-6]|table|thead|tbody|tr|th|td|dl|dt|dd|ul|ol|li)"
_SCREEN_ONLY = (
    (re.compile(r'<i class="fa[^"]*"[^>]*></i>'), ""),
    (re.compile(r'<span class="sr-only">[^<]*</span>'), ""),
    (re.compile(r'\s(?:data-[a-z-]+|aria-[a-z]+|id)="[^"]*"'), ""),
    (re.compile(r"\s+(?=</?" + _BLOCK + r"[\s>])"), ""),
    (re.compile(r"(<\/?" + _BLOCK + r"(?:\s[^>]*)?>)\s+"), r"\1"),
    (re.compile(r"\s{2,}"), " "),
)


def _for_paper(html: str) -> str:
    for pattern, replacement in _SCREEN_ONLY:
        html = pattern.sub(replacement, html)
    return html


def _parts(bodies: Iterable[str], count: int, processes: int) -> Iterator[tuple[list[str], bool]]:
    """Consecutive forms in parts, each handed on (with whether it is the last) as soon as it
    is written. Each part takes a share of the forms still to come, so the parts shrink
    towards the end: the processes, each taking the next part when free, finish at about the
    same time however unevenly the forms weigh (the report weighs most, and comes first)."""
    part: list[str] = []
    size = remaining = count
    for body in bodies:
        if not part:
            size = max(FORMS_PER_PART, -(-remaining // (processes + 1)))
        part.append(body)
        remaining -= 1
        if len(part) >= size and remaining:
            yield part, False
            part = []
    yield part, True


def layout(html: str) -> bytes:
    """HTML to PDF (xhtml2pdf), the house font embedded from the app's own files."""
    pisa = _layout_ready()
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8", resource_policy=_policy())
    if result.err:  # pragma: no cover - the templates are the project's own
        raise RuntimeError(f"the PDF could not be made: {result.err} errors")
    return out.getvalue()


@cache
def _layout_ready():
    """xhtml2pdf, with its cache of styles keyed by an element's ancestors (style_cache.py)
    and the charts' typeface (app/rules/charts.py asks for "IBM Plex Sans") registered for
    svglib, which draws their SVG in the PDF; unregistered, it would ask fontconfig and end
    in Helvetica."""
    from svglib.fonts import register_font
    from xhtml2pdf import pisa

    from app.services import style_cache

    style_cache.install()
    register_font("IBM Plex Sans", str(FONTS / "IBMPlexSans-Regular.ttf"), rlgFontName="PlexChart")
    register_font(
        "IBM Plex Sans",
        str(FONTS / "IBMPlexSans-Bold.ttf"),
        weight="bold",
        rlgFontName="PlexChart-Bold",
    )
    return pisa


def _policy():
    from xhtml2pdf.files import ResourceAccessPolicy

    return ResourceAccessPolicy(base_dir=str(FONTS), extra_roots=[FONTS], allow_remote=False)


# the page number at the footer's right: a standard font, not embedded (the label has no
# Danish letters), in the footer's grey
_NUMBER_FONT, _NUMBER_SIZE = "Helvetica", 7.5


def _numbered(pdfs: Iterable[bytes], label: str) -> bytes:
    """The parts joined, each page's number and the count written at the footer's right.

    The number is drawn by a content stream of its own added to each page, after the page's
    own (kept in a saved graphics state), so a page's drawing is neither read nor written
    again."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DecodedStreamObject,
        DictionaryObject,
        NameObject,
    )
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase.pdfmetrics import stringWidth

    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)))
    pages = len(writer.pages)
    font = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Font"),
                NameObject("/Subtype"): NameObject("/Type1"),
                NameObject("/BaseFont"): NameObject("/" + _NUMBER_FONT),
                NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
            }
        )
    )
    save = DecodedStreamObject()
    save.set_data(b"q\n")
    save = writer._add_object(save)
    for number, page in enumerate(writer.pages, start=1):
        text = label.format(page=number, pages=pages)
        x = A4[0] - 1.6 * cm - stringWidth(text, _NUMBER_FONT, _NUMBER_SIZE)
        escaped = text.encode("cp1252").replace(b"\\", b"\\\\")
        escaped = escaped.replace(b"(", b"\\(").replace(b")", b"\\)")
        stamp = DecodedStreamObject()
        stamp.set_data(
            b"Q q .33 .33 .33 rg BT /FPageNumber %s Tf %s %s Td (%s) Tj ET Q\n"
            % (_pdf_number(_NUMBER_SIZE), _pdf_number(x), _pdf_number(1.32 * cm), escaped)
        )
        contents = page.raw_get("/Contents")
        contents = contents.get_object() if isinstance(contents, ArrayObject) else [contents]
        page[NameObject("/Contents")] = ArrayObject([save, *contents, writer._add_object(stamp)])
        resources = page["/Resources"]
        fonts = resources.get("/Font")
        if fonts is None:
            fonts = resources[NameObject("/Font")] = DictionaryObject()
        fonts.get_object()[NameObject("/FPageNumber")] = font
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_number(value: float) -> bytes:
    return (f"{value:.3f}".rstrip("0").rstrip(".")).encode()


def _name(package: Package, what: str) -> str:
    return f"styringsdialog-{package.year}-{package.organisation.number}-{what}.pdf"


def form_pdf(form_id: int, actor: Actor) -> Printed:
    """One form the actor may see; NotFound otherwise."""
    form = visible_form(form_id, actor)
    what = f"afdeling-{form.estate.number}" if form.estate else "styringsrapport"
    return Printed(_name(form.package, what), _render(form.package, [_form_html(form)], 1, []))


def _scope(forms: list[Form]) -> str:
    return hashlib.sha256(repr(sorted(f.id for f in forms)).encode()).hexdigest()


def version_key(package: Package, forms: list[Form], locale: str) -> str:
    """What a package PDF shows: its forms' answers and statuses, the package's status and
    benchmarks, its attachments, the reader's forms and language. The same key, the same
    PDF."""
    form_ids = [f.id for f in forms]
    answers = db.session.execute(
        select(func.count(Answer.id), func.max(Answer.changed_at)).where(
            Answer.form_id.in_(form_ids)
        )
    ).one()
    attached = db.session.execute(
        select(func.count(Attachment.id), func.max(Attachment.id)).where(
            Attachment.package_id == package.id
        )
    ).one()
    parts = [
        package.id,
        package.status.value,
        package.changed_at,
        package.benchmarks_as_of,
        tuple((f.id, f.status.value) for f in forms),
        tuple(answers),
        tuple(attached),
        locale,
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def package_pdf(
    package_id: int, actor: Actor, progress: Callable[[int], None] | None = None
) -> Printed:
    """The whole package as the actor may see it: the report, each estate form, the list of
    attachments; `progress` hears the percentage done as the forms are laid out."""
    package = visible_package(package_id, actor)
    forms = package_forms(package, actor)
    attachments = list(
        db.session.scalars(
            select(Attachment)
            .where(Attachment.package_id == package.id, row_filter(Attachment, actor))
            .order_by(Attachment.uploaded_at, Attachment.id)
        )
    )

    bodies = (_form_html(form) for form in forms)
    content = _render(package, bodies, len(forms), attachments, progress)
    return Printed(_name(package, "dokumentationspakke"), content)


# --- the package PDF as a job: built once per version and view, progress on its page ---------


def request_package_pdf(package_id: int, actor: Actor, locale: str) -> PrintJob:
    """The job building the package as the actor sees it now: an existing one for the same
    version and view (done, or under way), else a new one, queued. A failed one is tried
    again."""
    package = visible_package(package_id, actor)
    forms = package_forms(package, actor)
    key = version_key(package, forms, locale)
    job = db.session.scalar(select(PrintJob).where(PrintJob.key == key))
    if job is not None and job.status != PrintStatus.FAILED:
        return job
    if job is None:
        job = PrintJob(
            package_id=package.id,
            key=key,
            scope=_scope(forms),
            locale=locale,
            created_by_id=actor.user_id,
        )
        db.session.add(job)
    job.status, job.progress, job.content, job.finished_at = PrintStatus.QUEUED, 0, None, None
    try:
        db.session.commit()
    except IntegrityError:
        # the same version asked for by another request at the same moment: its job
        db.session.rollback()
        job = db.session.scalar(select(PrintJob).where(PrintJob.key == key))
    return job


def job_for(package_id: int, job_id: int, actor: Actor) -> PrintJob:
    """A job of the package made for the reader's view: the reader must see the package, and
    the forms the job holds must be those the reader may see now (a job built for another
    municipality's view, or before a package was sent back, is not found)."""
    package = visible_package(package_id, actor)
    job = db.session.get(PrintJob, job_id)
    if (
        job is None
        or job.package_id != package.id
        or job.scope != _scope(package_forms(package, actor))
    ):
        raise NotFound(N_("Siden findes ikke."))
    return job


def run_print_job(job_id: int) -> PrintJob | None:
    """Build a queued job's PDF as the user who asked for it sees the package; its progress
    is committed as it goes. A job taken or finished already is left alone."""
    from app.security import actor_for

    job = db.session.scalar(
        select(PrintJob)
        .where(PrintJob.id == job_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if job is None or job.status != PrintStatus.QUEUED:
        db.session.rollback()
        return job
    job.status = PrintStatus.RUNNING
    db.session.commit()
    user = db.session.get(AppUser, job.created_by_id) if job.created_by_id else None
    actor = actor_for(user)

    def progress(percent: int) -> None:
        job.progress = percent
        db.session.commit()

    try:
        with force_locale(job.locale):
            printed = package_pdf(job.package_id, actor, progress)
    except Exception:
        db.session.rollback()
        job = db.session.get(PrintJob, job_id)
        job.status, job.finished_at = PrintStatus.FAILED, now()
        db.session.commit()
        raise
    job.filename, job.content = printed.filename, printed.content
    job.status, job.progress, job.finished_at = PrintStatus.DONE, 100, now()
    db.session.commit()
    return job
