"""Preview a quiz draft exactly as a trainee sees it, and grade it without recording anything."""

from __future__ import annotations

import secrets

from flask import abort, render_template, request
from flask_login import current_user, login_required

from ...inputs import ascii_int
from ...services.authoring import quizzes, studio
from ...services.authoring.quizzes import DraftInvalid
from ..helpers import form_data, now
from ..quiz_views import question_views
from . import bp
from .forms import PreviewForm


@bp.route("/quizzes/<slug>/preview", methods=["GET", "POST"])
@login_required
def preview(slug: str):
    """GET draws a preview attempt; POST saves nothing and grades it (or just shows it again)."""
    form = PreviewForm()
    posted = request.method == "POST"
    if posted and not form.validate_on_submit():
        abort(400)
    seed = ascii_int(form.seed.data) if posted else None
    seed = secrets.randbelow(2**31) if seed is None else seed
    saving = request.form.get("action") == "save" or any(k.endswith("-img.x") for k in request.form)
    try:
        attempt, errors = studio.preview_attempt(
            current_user, slug, seed, now(), form_data(request.form) if posted else None,
            grade=posted and not saving)
    except DraftInvalid as exc:
        ws = quizzes.workspace(current_user, slug)
        return render_template("author/preview_blocked.html", ws=ws, problems=exc.problems), 409
    if request.headers.get("X-Autosave"):  # quiz.js autosaves; a preview keeps nothing
        return "", 204
    form.seed.data = str(seed)
    data = attempt.quiz_version.data
    if attempt.status == "submitted":
        return render_template("author/preview_result.html", attempt=attempt, data=data,
                               slug=slug, questions=question_views(attempt, {}, graded=True,
                                                                   reveal=True))
    return render_template("author/preview.html", attempt=attempt, data=data, slug=slug,
                           errors=errors, questions=question_views(attempt, errors),
                           form=form), 422 if errors else 200
