"""LBF's register imports (the screen beside `flask import-register`): upload a file, follow
its job, read its report."""

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext

from app.extensions import db
from app.models import RegisterImport
from app.rules.registers import FORMATS
from app.security import current_actor, visible
from app.services.errors import FormError
from app.services.registers import problems_of, queue_import
from app.tasks import import_register


class RegisterView(BaseView):
    route_base = "/registers"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        imports = db.session.scalars(
            visible(RegisterImport).order_by(RegisterImport.id.desc()).limit(50)
        ).all()
        return self.render_template("registers.html", formats=FORMATS.values(), imports=imports)

    @expose("/upload", methods=["POST"])
    @has_access
    def upload(self):
        upload = request.files.get("file")
        try:
            entry = queue_import(
                request.form.get("register", ""),
                upload.filename if upload else "",
                upload.read() if upload else b"",
                current_actor(),
            )
        except FormError as error:
            db.session.rollback()
            flash(gettext(error.message, **error.params), "danger")
            return redirect(url_for("RegisterView.index"))
        import_register.delay(entry.id)
        return redirect(url_for("RegisterView.show", register_import_id=entry.id))

    @expose("/<int:register_import_id>")
    @has_access
    def show(self, register_import_id: int):
        entry = _visible_import(register_import_id)
        return self.render_template(
            "register_import.html",
            entry=entry,
            register=FORMATS.get(entry.register),
            problems=problems_of(entry),
        )

    @expose("/<int:register_import_id>/status")
    @has_access
    def status(self, register_import_id: int):
        """The job's state for the page's progress bar."""
        entry = _visible_import(register_import_id)
        return jsonify(
            status=entry.status.value,
            label=gettext(entry.status.label),
            progress=entry.progress,
            finished=entry.status.is_finished,
        )


def _visible_import(register_import_id: int) -> RegisterImport:
    entry = db.session.scalar(
        visible(RegisterImport).where(RegisterImport.id == register_import_id)
    )
    if entry is None:
        abort(404)
    return entry
