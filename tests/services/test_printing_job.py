"""A package PDF built by the job as a worker runs it: outside any request, as the user who
asked for it sees the package; a second run of the same job does nothing."""

import io

from pypdf import PdfReader
from sqlalchemy import func, select

from app.models import PrintJob
from app.rules.enums import PrintStatus
from app.services.printing import request_package_pdf, run_print_job
from tests.services.test_filling import actor, package_of


def test_a_worker_builds_the_package_pdf_as_the_asking_user_sees_it(app, world, db):
    package = package_of(db, 101)
    job = request_package_pdf(package.id, actor(db, "bo"), "da")
    assert job.status == PrintStatus.QUEUED
    with app.app_context():  # a worker: no request
        done = run_print_job(job.id)
        assert (done.status, done.progress) == (PrintStatus.DONE, 100)
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(done.content)).pages)
    assert "Styringsrapport for almen boligorganisation" in text
    assert done.filename == "styringsdialog-2026-101-dokumentationspakke.pdf"
    # run again (a retry, a second worker): nothing is built again
    again = run_print_job(job.id)
    assert again.finished_at == done.finished_at
    assert db.session.scalar(select(func.count(PrintJob.id))) == 1


def test_asking_again_for_the_same_version_gets_the_same_job(world, db):
    package = package_of(db, 101)
    first = request_package_pdf(package.id, actor(db, "bo"), "da")
    again = request_package_pdf(package.id, actor(db, "bo"), "da")
    english = request_package_pdf(package.id, actor(db, "bo"), "en")
    assert first.id == again.id != english.id


def test_a_pdf_asked_for_in_english_is_built_in_english(app, world, db):
    package = package_of(db, 101)
    job = request_package_pdf(package.id, actor(db, "bo"), "en")
    with app.app_context():
        done = run_print_job(job.id)
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(done.content)).pages)
    assert "Page 1" in text and "Not answered" in text
