"""Filling in a package (user guide 5.2): the package overview, the form pages and autosave.

Thin: parse the request, call a service, map its refusal to a status and a Danish message.
"""

from __future__ import annotations

from flask import Response, abort, flash, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.security.decorators import has_access_api, permission_name
from flask_babel import get_locale, gettext
from flask_wtf.csrf import generate_csrf
from sqlalchemy import select

from app.extensions import db
from app.models import Attachment, Recipient, Statement
from app.rules.enums import FormStatus, PrintStatus
from app.rules.workflow import Relation, allowed_transitions
from app.security import current_actor, relations_to_package, row_filter
from app.services import forms as service
from app.services import printing, submit
from app.services.agreements import agreements_of
from app.services.benchmark_update import newer_benchmarks, update_benchmarks
from app.services.changes import changes_since_return
from app.services.reading import copenhagen_today
from app.services.report import computed_parts
from app.views.formatting import form_title, local_time

# the report sections where the organisation tells how earlier agreements were followed up
# (Bilag 3 question 8, Bilag 5 part C)
AGREEMENT_SECTIONS = ("previous_matters", "agreements")


def _message(error: service.FormError) -> str:
    return gettext(error.message, **error.params)


def _visible_or_404(package_id: int, actor):
    try:
        return service.visible_package(package_id, actor)
    except service.NotFound:
        abort(404)


class PackageContentView(BaseView):
    """The overview of one package (5.2.2): its forms with their status, attachments, last
    year's answers."""

    route_base = "/package"
    default_view = "show"

    @expose("/<int:package_id>/")
    @has_access
    def show(self, package_id: int):
        actor = current_actor()
        package = _visible_or_404(package_id, actor)
        package_forms = service.package_forms(package, actor)
        content_visible = bool(package_forms)
        attachments = db.session.scalars(
            select(Attachment).where(
                Attachment.package_id == package.id, row_filter(Attachment, actor)
            )
        ).all()
        editable = service.may_edit(package, actor)
        relations = relations_to_package(actor, package)
        submit.mark_opened(package, actor)
        return self.render_template(
            "package.html",
            package=package,
            forms=package_forms,
            attachments=attachments,
            editable=editable,
            content_visible=content_visible,
            last_year_refusal=service.last_year_refusal(package) if editable else None,
            newer_benchmarks=editable and newer_benchmarks(package),
            transitions={t.name for t in allowed_transitions(package.status, relations)},
            relations={r.value for r in relations},
            # the Status panel: what still stands between the organisation and "Fremsend"
            missing=missing_items(submit.check(package.id, actor), package_forms)
            if editable
            else [],
            returned=package.returns[-1] if package.returns else None,
            receipts=_receipts(package, actor),
            statements=db.session.scalars(
                select(Statement)
                .where(Statement.package_id == package.id, row_filter(Statement, actor))
                .order_by(Statement.supplementary, Statement.id)
            ).all(),
            changes=changes_since_return(package, package_forms) if content_visible else [],
            # the dialogue's agreements: between the organisation and its home municipality
            agreements=agreements_of(package.organisation_id, package.year)
            if relations_to_package(actor, package, acting=False)
            & {Relation.ORGANISATION, Relation.HOME_MUNICIPALITY, Relation.LBF}
            else [],
            today=copenhagen_today(),
        )

    @expose("/<int:package_id>/last-year", methods=["POST"])
    @has_access
    def last_year(self, package_id: int):
        actor = current_actor()
        scope = request.form.get("scope", "all")
        try:
            estate_ids = (
                {int(i) for i in request.form.getlist("estates")} if scope == "selected" else None
            )
        except ValueError:
            abort(400)
        report = bool(request.form.get("report"))
        if not report and scope == "none":
            flash(gettext("Vælg mindst ét skema, der skal have sidste års svar."), "warning")
            return redirect(url_for("PackageContentView.show", package_id=package_id))
        try:
            result = service.load_last_year(
                package_id,
                actor,
                report=report,
                estate_ids=estate_ids if scope != "none" else set(),
                overwrite=bool(request.form.get("overwrite")),
            )
        except service.NotFound:
            abort(404)
        except service.FormError as error:
            flash(_message(error), "danger")
        else:
            flash(
                gettext(
                    "Sidste års svar er indlæst. Indlæste svar: %(copied)s. Skemaer med "
                    "indlæste svar: %(forms)s. Bevarede svar fra i år: %(kept)s.",
                    copied=result.answers_copied,
                    forms=result.forms,
                    kept=result.answers_kept,
                ),
                "success",
            )
        return redirect(url_for("PackageContentView.show", package_id=package_id))

    @expose("/<int:package_id>/pdf")
    @has_access
    @permission_name("show")
    def pdf(self, package_id: int):
        """The whole package as one PDF (5.2.9): built by a job once per version and view;
        its page follows it, then offers it."""
        from app.tasks import build_package_pdf

        try:
            job = printing.request_package_pdf(package_id, current_actor(), str(get_locale()))
        except service.NotFound:
            abort(404)
        if job.status == PrintStatus.QUEUED:
            build_package_pdf.delay(job.id)
            db.session.refresh(job)
        if job.status == PrintStatus.DONE:
            return redirect(
                url_for(
                    "PackageContentView.pdf_download", package_id=package_id, print_job_id=job.id
                )
            )
        return redirect(
            url_for("PackageContentView.pdf_job", package_id=package_id, print_job_id=job.id)
        )

    @expose("/<int:package_id>/pdf/<int:print_job_id>")
    @has_access
    @permission_name("show")
    def pdf_job(self, package_id: int, print_job_id: int):
        job = self._job(package_id, print_job_id)
        return self.render_template("print_job.html", package=job.package, job=job)

    @expose("/<int:package_id>/pdf/<int:print_job_id>/status")
    @has_access
    @permission_name("show")
    def pdf_status(self, package_id: int, print_job_id: int):
        """The job's state for the page's progress bar."""
        job = self._job(package_id, print_job_id)
        return jsonify(
            status=job.status.value,
            label=gettext(job.status.label),
            progress=job.progress,
            finished=job.status.is_finished,
        )

    @expose("/<int:package_id>/pdf/<int:print_job_id>/download")
    @has_access
    @permission_name("show")
    def pdf_download(self, package_id: int, print_job_id: int):
        job = self._job(package_id, print_job_id)
        if job.status != PrintStatus.DONE:
            return redirect(
                url_for("PackageContentView.pdf_job", package_id=package_id, print_job_id=job.id)
            )
        return _pdf_response(job.filename, job.content)

    def _job(self, package_id: int, print_job_id: int):
        try:
            return printing.job_for(package_id, print_job_id, current_actor())
        except service.NotFound:
            abort(404)

    @expose("/<int:package_id>/benchmarks", methods=["GET", "POST"])
    @has_access
    def benchmarks(self, package_id: int):
        """ "Opdater benchmarktal": the warning first, the update on its confirmation."""
        actor = current_actor()
        package = _visible_or_404(package_id, actor)
        if request.method == "GET":
            if not (service.may_edit(package, actor) and newer_benchmarks(package)):
                return redirect(url_for("PackageContentView.show", package_id=package_id))
            return self.render_template("update_benchmarks.html", package=package)
        try:
            update_benchmarks(package_id, actor)
        except service.NotFound:
            abort(404)
        except service.FormError as error:
            flash(_message(error), "danger")
        else:
            flash(
                gettext(
                    "Pakken sammenlignes nu med de nyeste benchmarktal. Under Status for "
                    "fremsendelse ses, om nogle nøgletal nu skal kommenteres."
                ),
                "success",
            )
        return redirect(url_for("PackageContentView.show", package_id=package_id))


class FormPageView(BaseView):
    """One form, section by section (5.2.3), with autosave."""

    route_base = "/form"
    default_view = "first_section"

    @expose("/<int:form_id>/")
    @has_access
    def first_section(self, form_id: int):
        form, definition = self._load(form_id)
        first = service.progress_of(form, definition, {}, {}).sections[0].key
        return redirect(url_for("FormPageView.section", form_id=form.id, section_key=first))

    @expose("/<int:form_id>/<section_key>")
    @has_access
    def section(self, form_id: int, section_key: str):
        """One section. `?from=<key>` names the section the user has just left (the pager, the
        section bar) or asked to check ("Tjek afsnittet": from is this section): if that
        section still misses answers, an error summary at the top lists them, each a link to
        its field, and on the checked section itself the fields are marked. A first arrival
        shows no errors."""
        form, definition = self._load(form_id)
        page = section_page(
            form,
            definition,
            section_key,
            left=request.args.get("from"),
            editable=service.may_edit(form.package, current_actor()),
        )
        return self.render_template(
            "form.html",
            **page,
            section_endpoint="FormPageView.section",
            package_url=url_for("PackageContentView.show", package_id=form.package_id),
        )

    @expose("/<int:form_id>/pdf")
    @has_access
    @permission_name("section")
    def pdf(self, form_id: int):
        """One form as a PDF, as its reader may see it."""
        try:
            printed = printing.form_pdf(form_id, current_actor())
        except service.NotFound:
            abort(404)
        return _pdf_response(printed.filename, printed.content)

    @expose("/<int:form_id>/answers", methods=["POST"])
    @has_access_api
    def save(self, form_id: int):
        """Autosave one answer: JSON {key, value, version, request_id}."""
        return save_answer_from(form_id, request.get_json(silent=True))

    @expose("/csrf-token")
    @has_access_api
    def csrf_token(self):
        """A fresh CSRF token for a page left open for hours."""
        return jsonify(token=generate_csrf())

    def _load(self, form_id: int):
        try:
            form = service.visible_form(form_id, current_actor())
        except service.NotFound:
            abort(404)
        return form, service.definition_of(form)


def section_page(form, definition, section_key: str, *, left: str | None, editable: bool):
    """What a form section's page shows; `left` names the section the reader has just left
    or asked to check, whose missing answers an error summary lists."""
    answers = service.answers_of(form)
    values = {k: a.value for k, a in answers.items()}
    figures = service.form_figures(form, definition)
    progress = service.progress_of(form, definition, values, figures)
    keys = [s.key for s in progress.sections]
    if section_key not in keys:
        abort(404)
    index = keys.index(section_key)
    section = definition.section(section_key)
    shown = (*definition.head, *section.items) if index == 0 else section.items
    section_titles = {s.key: s.title for s in definition.sections}
    left_progress = next((s for s in progress.sections if s.key == left), None)
    summary = None
    if editable and left_progress is not None and left_progress.missing:
        labels = _field_labels(definition.section(left))
        summary = {
            "section_key": left,
            "section_title": section_titles[left],
            "here": left == section_key,
            "items": [
                {"key": v.field, "label": labels.get(v.field, v.field), "message": v.message}
                for v in left_progress.missing
            ],
        }
    checked = summary is not None and summary["here"]
    return {
        "form": form,
        "package": form.package,
        "definition": definition,
        "section": section,
        "progress": progress,
        "section_titles": section_titles,
        "index": index,
        "previous_key": keys[index - 1] if index > 0 else None,
        "next_key": keys[index + 1] if index + 1 < len(keys) else None,
        "answers": answers,
        "figures": figures,
        "flagged": service.flagged_items(definition, figures),
        "computed": computed_parts(form, shown, figures),
        "editable": editable,
        # the fields marked as missing: only on a section the user has checked or left
        "missing": {item["key"] for item in summary["items"]} if checked else set(),
        "summary": summary,
        # last year's agreements, beside the report's question on earlier matters
        "last_agreements": agreements_of(form.package.organisation_id, form.package.year - 1)
        if form.estate_id is None and section.key in AGREEMENT_SECTIONS
        else [],
        "FormStatus": FormStatus,
        "local_time": local_time,
    }


def missing_items(violations, forms) -> list[dict]:
    """The submission gate's reasons as the Status panel lists them, form by form: each
    names its section and question and links to the field (the section opened as if just
    checked, so the field is marked)."""
    by_id = {f.id: f for f in forms}
    items = []
    for violation in violations:
        if violation.code == "wrong_status" and len(violations) > 1:
            continue  # the other reasons say why it is not complete
        params = violation.params_dict()
        item = {"code": violation.code, "form": None, "where": None, "href": None}
        if violation.field and violation.field.startswith("form:"):
            form_id, section_key, key = violation.field[len("form:") :].split("/", 2)
            form = by_id.get(int(form_id))
            if form is not None:
                definition = service.definition_of(form)
                labels = _field_labels(definition.section(section_key))
                item["form"] = form_title(form)
                item["where"] = f"{definition.section(section_key).title}: {labels.get(key, key)}"
            item["href"] = url_for(
                "FormPageView.section",
                form_id=int(form_id),
                section_key=section_key,
                **{"from": section_key},
            ) + (f"#input-{key}" if key else "")
        params.pop("form", None)
        params.pop("section", None)
        item["message"] = gettext(violation.message, **params)
        items.append(item)
    return items


def _receipts(package, actor) -> list[Recipient]:
    """Per recipient: sent, opened, statement given. The organisation and LBF see every
    recipient's; a municipality its own."""
    if actor.is_municipality:
        return [r for r in package.recipients if r.municipality_id == actor.municipality_id]
    return list(package.recipients)


def _field_labels(section) -> dict[str, str]:
    """Each question's name in an error summary; a comment is named with its table."""
    labels = {question.key: question.label for question in section.questions()}
    for item in section.items:
        comment = getattr(item, "comment", None)
        if comment is not None:
            labels[comment.key] = f"{item.label}: {comment.label}"
    return labels


def _pdf_response(filename: str, content: bytes) -> Response:
    return Response(
        content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def save_answer_from(form_id: int, payload):
    """One answer saved from a JSON body {key, value, version, request_id}, for the form
    page's autosave and for a case system's API key alike: the answer and the statuses it
    gave, or the refusal in Danish (409 with the stored answer when another saved first)."""
    if not isinstance(payload, dict) or not isinstance(payload.get("key"), str):
        return _json_error(400, gettext("Ugyldig forespørgsel."))
    version = payload.get("version", 0)
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        return _json_error(400, gettext("Ugyldig version."))
    request_id = payload.get("request_id")
    if request_id is not None and (not isinstance(request_id, str) or len(request_id) > 64):
        return _json_error(400, gettext("Ugyldigt forespørgsels-id."))
    try:
        saved = service.save_answer(
            form_id, payload["key"], payload.get("value"), version, request_id, current_actor()
        )
    except service.Conflict as conflict:
        db.session.rollback()
        return jsonify(
            error="conflict",
            message=gettext("En anden har gemt et nyt svar. Vælg hvilket svar, der skal gælde."),
            key=conflict.key,
            value=conflict.value,
            version=conflict.version,
            changed_by=conflict.changed_by,
            changed_at=local_time(conflict.changed_at),
        ), 409
    except service.FormError as error:
        db.session.rollback()
        return _json_error(error.status, _message(error), key=payload["key"])
    return jsonify(
        key=saved.key,
        value=saved.value,
        version=saved.version,
        saved_at=local_time(saved.saved_at),
        form_status=saved.form_status.value,
        form_status_label=gettext(saved.form_status.label),
        package_status=saved.package_status.value,
        package_status_label=gettext(saved.package_status.label),
        sections={k: v.value for k, v in saved.sections.items()},
    )


def _json_error(status: int, message: str, **extra):
    return jsonify(error="refused", message=message, **extra), status
