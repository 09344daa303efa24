"""The grading queue for a course's instructors: essays beside their rubric, oldest first;
an attempt's history and grade override. Plain forms: every page works without JavaScript."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ...services.grading import essays, overrides, queue
from ...services.grading.essays import GradeRefused
from ..helpers import now, roles_required

bp = Blueprint("grading", __name__, url_prefix="/grading")


def _anonymous() -> bool:
    return (request.values.get("anonymous") or "") == "1"


@bp.route("/")
@roles_required("instructor")
def index():
    """List the essays waiting for a grade in the courses the instructor teaches."""
    anonymous = _anonymous()
    return render_template("grading/queue.html", items=queue.grading_queue(current_user, anonymous),
                           recent=queue.recent_attempts(current_user, anonymous),
                           anonymous=anonymous)


def _essay_page(attempt_id: str, question_id: str, errors: dict[str, str] | None = None,
                typed: dict[str, str] | None = None, status: int = 200):
    anonymous = _anonymous()
    essay = queue.essay_to_grade(current_user, attempt_id, question_id, anonymous)
    return render_template("grading/essay.html", essay=essay, errors=errors or {},
                           typed=typed or {}, anonymous=anonymous, form=FlaskForm()), status


@bp.route("/attempts/<attempt_id>/essays/<question_id>")
@roles_required("instructor")
def essay(attempt_id: str, question_id: str):
    """Show one essay beside its rubric (and model answer), with a score and comment per
    criterion; or the grade it was given."""
    return _essay_page(attempt_id, question_id)


@bp.route("/attempts/<attempt_id>/essays/<question_id>/grade", methods=["POST"])
@roles_required("instructor")
def grade(attempt_id: str, question_id: str):
    """Grade the essay, then go on to the next one in the queue."""
    if not FlaskForm().validate_on_submit():
        return _essay_page(attempt_id, question_id, {"form": _("The form expired; try again.")},
                           request.form.to_dict(), 422)
    scores = {key[6:]: value for key, value in request.form.items() if key.startswith("score-")}
    comments = {key[9:]: value for key, value in request.form.items()
                if key.startswith("feedback-")}
    try:
        essays.grade_essay(current_user, attempt_id, question_id, scores, comments,
                           request.form.get("overall", ""), now())
    except GradeRefused as exc:
        return _essay_page(attempt_id, question_id, exc.errors, request.form.to_dict(), 422)
    flash(_("Essay graded."), "success")
    following = queue.next_item(current_user, (attempt_id, question_id))
    anonymous = "1" if _anonymous() else None
    if following is None:
        return redirect(url_for("grading.index", anonymous=anonymous))
    return redirect(url_for("grading.essay", attempt_id=following.attempt_id,
                            question_id=following.question_id, anonymous=anonymous))


def _attempt_page(attempt_id: str, errors: dict[str, str] | None = None,
                  typed: dict[str, str] | None = None, status: int = 200):
    attempt, history, changes = overrides.attempt_history(current_user, attempt_id)
    return render_template("grading/attempt.html", attempt=attempt, history=history,
                           overrides=changes, essays=essays.essay_grades_of(attempt_id),
                           trainee=queue.trainee_name(attempt, _anonymous()),
                           anonymous=_anonymous(), errors=errors or {}, typed=typed or {},
                           form=FlaskForm()), status


@bp.route("/attempts/<attempt_id>")
@roles_required("instructor")
def attempt(attempt_id: str):
    """Show an attempt's grade, its history, and the form to override the grade."""
    return _attempt_page(attempt_id)


@bp.route("/attempts/<attempt_id>/override", methods=["POST"])
@roles_required("instructor")
def override(attempt_id: str):
    """Override the attempt's grade with a reason (kept beside the original)."""
    if not FlaskForm().validate_on_submit():
        return _attempt_page(attempt_id, {"form": _("The form expired; try again.")},
                             request.form.to_dict(), 422)
    try:
        overrides.override_grade(current_user, attempt_id, request.form.get("score", ""),
                                 request.form.get("result", ""), request.form.get("reason", ""),
                                 now())
    except GradeRefused as exc:
        return _attempt_page(attempt_id, exc.errors, request.form.to_dict(), 422)
    flash(_("Grade overridden; the original grade stays in the history."), "success")
    return redirect(url_for("grading.attempt", attempt_id=attempt_id,
                            anonymous="1" if _anonymous() else None))
