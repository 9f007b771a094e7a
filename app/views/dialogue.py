"""The dialogue after filling (user guide 5.2.7, 5.2.8): attachments, submission with its
confirmation, return, meeting held, statements, and the downloads of what a package holds.

Thin: parse the request, call one service, map its refusal to a status and Danish messages.
Each service decides who may do what; a refused action changes nothing.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Response, abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext
from sqlalchemy import select

from app.extensions import db
from app.models import Statement
from app.security import current_actor, row_filter
from app.services import agreements, attachments, meeting, return_package, statement, submit
from app.services.errors import FormError, NotFound
from app.services.reading import package_forms, visible_package
from app.views.filling import missing_items
from app.views.packages import parse_danish_date


def flash_refusal(error: FormError) -> None:
    """Every reason at once, each as its own message."""
    if error.violations:
        for violation in error.violations:
            flash(gettext(violation.message, **violation.params_dict()), "danger")
    else:
        flash(gettext(error.message, **error.params), "danger")


def download(filename: str, content_type: str, content: bytes) -> Response:
    """A stored file as a download, never shown inline."""
    response = Response(content, mimetype=content_type)
    response.headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _uploaded():
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, None
    return upload.filename, upload.read()


class DialogueView(BaseView):
    route_base = "/package"
    default_view = "confirm_submission"

    def _back(self, package_id: int):
        return redirect(url_for("PackageContentView.show", package_id=package_id))

    @expose("/<int:package_id>/submit", methods=["GET"])
    @has_access
    def confirm_submission(self, package_id: int):
        """The confirmation step: who receives what; or, while something is missing, the
        list of what is missing with a link to each place."""
        actor = current_actor()
        try:
            package = visible_package(package_id, actor)
        except NotFound:
            abort(404)
        violations = submit.check(package_id, actor)
        return self.render_template(
            "submit.html",
            package=package,
            violations=missing_items(violations, package_forms(package, actor)),
            recipients=submit.recipients_of(package) if not violations else [],
        )

    @expose("/<int:package_id>/submit", methods=["POST"])
    @has_access
    def submit(self, package_id: int):
        try:
            submit.submit(package_id, current_actor())
        except NotFound:
            abort(404)
        except FormError as error:
            flash_refusal(error)
            return redirect(url_for("DialogueView.confirm_submission", package_id=package_id))
        flash(gettext("Dokumentationspakken er fremsendt til kommunerne."), "success")
        return self._back(package_id)

    @expose("/<int:package_id>/return", methods=["POST"])
    @has_access
    def return_package(self, package_id: int):
        return self._act(
            package_id,
            lambda actor: return_package.return_package(
                package_id, actor, request.form.get("reason")
            ),
            gettext("Dokumentationspakken er sendt retur til organisationen."),
        )

    @expose("/<int:package_id>/meeting", methods=["POST"])
    @has_access
    def meeting_held(self, package_id: int):
        text = (request.form.get("meeting_date") or "").strip()
        try:
            meeting_date = parse_danish_date(text) if text else None
        except ValueError as error:
            flash(str(error), "danger")
            return self._back(package_id)
        return self._act(
            package_id,
            lambda actor: meeting.mark_meeting_held(package_id, actor, meeting_date),
            gettext("Mødet er markeret som afholdt."),
        )

    @expose("/<int:package_id>/statement", methods=["POST"])
    @has_access
    def give_statement(self, package_id: int):
        filename, content = _uploaded()
        supplementary = request.form.get("supplementary") == "1"
        use_case = (
            statement.give_supplementary_statement if supplementary else statement.give_statement
        )
        return self._act(
            package_id,
            lambda actor: use_case(package_id, actor, filename, content),
            gettext("Redegørelsen er gemt."),
        )

    @expose("/<int:package_id>/agreements", methods=["POST"])
    @has_access
    def add_agreement(self, package_id: int):
        form = request.form
        return self._act(
            package_id,
            lambda actor: agreements.add_agreement(
                package_id, actor, form.get("title"), form.get("responsible"), form.get("follow_up")
            ),
            gettext("Aftalen er registreret."),
        )

    @expose("/<int:package_id>/agreements/<int:agreement_id>/remove", methods=["POST"])
    @has_access
    def remove_agreement(self, package_id: int, agreement_id: int):
        return self._act(
            package_id,
            lambda actor: agreements.remove_agreement(package_id, agreement_id, actor),
            gettext("Aftalen er fjernet."),
        )

    @expose("/<int:package_id>/attachments", methods=["POST"])
    @has_access
    def add_attachment(self, package_id: int):
        filename, content = _uploaded()
        return self._act(
            package_id,
            lambda actor: attachments.add_attachment(package_id, actor, filename, content),
            gettext("Dokumentet er vedhæftet."),
        )

    @expose("/<int:package_id>/attachments/<int:attachment_id>/remove", methods=["POST"])
    @has_access
    def remove_attachment(self, package_id: int, attachment_id: int):
        return self._act(
            package_id,
            lambda actor: attachments.remove_attachment(package_id, attachment_id, actor),
            gettext("Dokumentet er fjernet."),
        )

    @expose("/<int:package_id>/attachments/<int:attachment_id>")
    @has_access
    def attachment(self, package_id: int, attachment_id: int):
        try:
            item = attachments.visible_attachment(attachment_id, current_actor())
        except NotFound:
            abort(404)
        if item.package_id != package_id:
            abort(404)
        return download(item.filename, item.content_type, item.content)

    @expose("/<int:package_id>/statements/<int:statement_id>")
    @has_access
    def statement_file(self, package_id: int, statement_id: int):
        item = db.session.scalar(
            select(Statement).where(
                Statement.id == statement_id,
                Statement.package_id == package_id,
                row_filter(Statement, current_actor()),
            )
        )
        if item is None:
            abort(404)
        return download(item.filename, item.content_type, item.content)

    def _act(self, package_id: int, action, success: str):
        try:
            action(current_actor())
        except NotFound:
            abort(404)
        except FormError as error:
            flash_refusal(error)
        else:
            flash(success, "success")
        return self._back(package_id)
