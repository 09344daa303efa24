"""Question banks in the studio: upload GIFT / Moodle XML / Aiken, download in each format."""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from ...services.authoring import bank_import, quizzes
from ..helpers import now
from . import bp
from .common import download, error_list
from .forms import ImportForm


@bp.route("/quizzes/<slug>/import", methods=["GET", "POST"])
@login_required
def import_bank(slug: str):
    """Upload a bank file; its questions go into the draft, each problem reported by line."""
    ws = quizzes.workspace(current_user, slug)
    form = ImportForm()
    outcome = None
    if form.validate_on_submit():
        upload = form.bank.data
        if upload is None or not getattr(upload, "filename", ""):
            form.bank.errors = ["Choose a question-bank file to upload."]
        else:
            outcome = bank_import.import_bank(current_user, slug, upload.read(),
                                              form.format.data, form.replace.data, now())
            if not outcome.added:
                form.bank.errors = ["No question could be imported from this file; "
                                    "see the problems listed."]
    failed = request.method == "POST" and bool(form.errors)
    return render_template("author/import.html", ws=ws, form=form, outcome=outcome,
                           errors=error_list(form)), 422 if failed else 200


@bp.route("/quizzes/<slug>/export")
@login_required
def export_page(slug: str):
    """Offer the quiz as a quiz file and as question banks, saying what each format loses."""
    ws = quizzes.workspace(current_user, slug)
    exports = {name: bank_import.export_bank(ws, name, draft=ws.version is None)[1]
               for name in bank_import.FORMATS}
    return render_template("author/export.html", ws=ws, formats=bank_import.FORMATS,
                           exports=exports)


@bp.route("/quizzes/<slug>/export/<fmt>")
@login_required
def export_bank(slug: str, fmt: str):
    """Download the quiz's questions (published, or ?draft=1) as a bank file."""
    ws = quizzes.workspace(current_user, slug)
    name, bank = bank_import.export_bank(ws, fmt, draft=request.args.get("draft") == "1")
    return download(bank.content, name, bank_import.bank_format(fmt).mimetype)
