"""Question banks in the studio: upload, preview, confirm; download in each format."""

from __future__ import annotations

from typing import Any

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from ...grading.types import question_type
from ...services.authoring import bank_import, bank_preview, quizzes
from ...services.errors import ServiceError
from ..helpers import now
from . import bp
from .common import download, error_list
from .forms import ConfirmImportForm, ImportForm


@bp.route("/quizzes/<slug>/import", methods=["GET", "POST"])
@login_required
def import_bank(slug: str):
    """Upload a bank file; it is kept for a preview, and nothing reaches the draft yet."""
    ws = quizzes.workspace(current_user, slug)
    form, refused = ImportForm(), None
    if form.validate_on_submit():
        upload = form.bank.data
        if upload is None or not getattr(upload, "filename", ""):
            form.bank.errors = [_("Choose a question-bank file to upload.")]
        else:
            token, refused = bank_preview.stage_upload(
                current_user, slug, upload.read(), upload.filename, form.format.data,
                form.scoring.data, form.replace.data, now())
            if token:
                return redirect(url_for("author.import_preview", slug=slug, token=token), 303)
            form.bank.errors = [_("No question could be imported from this file; see the "
                                "problems listed.")]
    failed = request.method == "POST"
    return render_template("author/import.html", ws=ws, form=form, refused=refused,
                           errors=error_list(form)), 422 if failed else 200


@bp.route("/quizzes/<slug>/import/<token>", methods=["GET", "POST"])
@login_required
def import_preview(slug: str, token: str):
    """Show each question of an upload as trainees will see it; add the ticked ones."""
    form, message = ConfirmImportForm(), None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        if request.form.get("action") == "discard":
            bank_preview.discard_upload(current_user, slug, token, now())
            return redirect(url_for("author.import_bank", slug=slug), 303)
        chosen = [int(v) for v in request.form.getlist("take") if v.isascii() and v.isdigit()]
        try:
            outcome = bank_preview.confirm_upload(current_user, slug, token, chosen, now())
        except ServiceError as exc:
            if exc.status == 404:
                raise
            message = exc.message
        else:
            return render_template("author/import_done.html", outcome=outcome,
                                   ws=quizzes.workspace(current_user, slug))
    preview = bank_preview.preview_upload(current_user, slug, token, now())
    return render_template("author/import_preview.html", preview=preview, ws=preview.ws,
                           form=form, message=message, views=preview_views(preview, token)
                           ), 422 if message else 200


def preview_views(preview: bank_preview.ImportPreview, token: str) -> list[dict[str, Any]]:
    """Each question as the trainee's templates draw it, with its key for the author."""
    files = url_for("author.import_file", slug=preview.ws.slug, token=token, name="x")[:-1]

    def images(html: str) -> Markup:
        return Markup(html.replace(f'src="/{preview.asset_prefix}', f'src="{files}'))

    views = []
    for item in preview.items:
        view: dict[str, Any] = {"item": item}
        spec = item.spec
        if spec is not None:
            kind = question_type(spec["type"])
            view["q"] = {"number": item.index + 1, "type": spec["type"], "field": f"p-{item.index}",
                         "prompt_html": images(spec["prompt_html"]), "points": spec["points"],
                         "public": kind.public(spec, item.order),
                         "filled": kind.form_values(spec, item.order, None), "error": None}
            view["key"] = kind.answer_key(spec)["correct"]
            view["feedback"] = [images(o["feedback_html"]) for o in spec.get("options", [])
                                if o.get("feedback_html")]
            view["feedback"] += [images(spec[f"feedback_{v}_html"]) for v in ("true", "false")
                                 if spec.get(f"feedback_{v}_html")]
            view["explanation"] = images(spec["explanation_html"])
        views.append(view)
    return views


@bp.route("/quizzes/<slug>/import/<token>/files/<name>")
@login_required
def import_file(slug: str, token: str, name: str):
    """An image of an upload being previewed (it is saved in the course's assets on import)."""
    data = bank_preview.upload_image(current_user, slug, token, name, now())
    mimetype = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif",
                "webp": "image/webp", "svg": "image/svg+xml"}[name.rsplit(".", 1)[-1]]
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/quizzes/<slug>/export")
@login_required
def export_page(slug: str):
    """Offer the quiz as a quiz file and as question banks, saying what each format loses."""
    ws = quizzes.workspace(current_user, slug)
    exports = {name: bank_import.export_bank(ws, name, draft=ws.version is None)[1]
               for name in bank_import.EXPORT_FORMATS}
    return render_template("author/export.html", ws=ws, formats=bank_import.FORMATS,
                           exports=exports)


@bp.route("/quizzes/<slug>/export/<fmt>")
@login_required
def export_bank(slug: str, fmt: str):
    """Download the quiz's questions (published, or ?draft=1) as a bank file."""
    ws = quizzes.workspace(current_user, slug)
    name, bank = bank_import.export_bank(ws, fmt, draft=request.args.get("draft") == "1")
    return download(bank.content, name, bank_import.bank_format(fmt, exporting=True).mimetype)
