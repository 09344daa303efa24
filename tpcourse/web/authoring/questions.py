"""Adding and editing one question of a quiz draft, every type, with field errors."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ...grading.types import QUESTION_TYPES
from ...services.authoring import quizzes
from ...services.authoring.quizzes import DraftInvalid, Workspace, assets_dir, body_maps
from ..helpers import now
from ..i18n import current_locale
from . import bp
from .common import error_list, image_choices, objective_choices
from .forms import QuestionForm
from .question_fields import (
    apply_action,
    attach_problems,
    form_values,
    padded,
    question_from_form,
    region_overlay,
)


def _form(ws: Workspace, values: dict[str, Any] | None = None, bound: bool = True) -> QuestionForm:
    """Build the form: from the request when bound, else showing `values`."""
    kwargs: dict[str, Any] = {"data": values or {}}
    if not bound:
        kwargs["formdata"] = None
    form = QuestionForm(**kwargs)
    form.objective.choices = objective_choices(ws, form.objective.data)
    form.image.choices = image_choices(form.image.data)
    return form


def _render(ws: Workspace, form: QuestionForm, qtype: str, question_id: str | None,
            general: dict[str, list[str]] | None = None, status: int = 200):
    anchors = {"question": "qid", "options": "options", "pairs": "pairs", "regions": "regions"}
    return render_template(
        "author/question.html", ws=ws, form=form, qtype=qtype, question_id=question_id,
        general=general or {}, errors=error_list(form, general, anchors),
        images={name: box for name, box in body_maps()},
        overlay=region_overlay(form, qtype, assets_dir(), current_locale())), status


def _handle(ws: Workspace, qtype: str, question_id: str | None, values: dict[str, Any]):
    """GET shows the question; POST adds/removes a row or saves (422 with field errors)."""
    if request.method == "GET":
        return _render(ws, _form(ws, padded(form_values(values), qtype), bound=False), qtype,
                       question_id)
    form = _form(ws)
    action = request.form.get("action", "save")
    if action != "save":  # add or remove a row: show the form again, nothing saved
        edited = apply_action(question_from_form(form, qtype, keep_blank=True), action)
        return _render(ws, _form(ws, form_values(edited), bound=False), qtype, question_id)
    if not form.validate_on_submit():
        return _render(ws, form, qtype, question_id, status=422)
    question = question_from_form(form, qtype)
    try:
        saved = quizzes.save_question(current_user, ws.slug, question_id, question, now())
    except DraftInvalid as exc:
        shown = _form(ws, padded(form_values(question), qtype), bound=False)  # rows as checked
        general = attach_problems(shown, qtype, exc.problems)
        return _render(ws, shown, qtype, question_id, general, 422)
    flash(f"Question '{saved}' saved in the draft.", "success")
    return redirect(url_for("author.quiz", slug=ws.slug) + f"#q-{saved}")


@bp.route("/quizzes/<slug>/questions/new", methods=["GET", "POST"])
@login_required
def new_question(slug: str):
    """Add a question of the type given in ?type=."""
    ws = quizzes.workspace(current_user, slug)
    qtype = request.args.get("type", "single")
    if qtype not in QUESTION_TYPES:
        abort(404)
    starter: dict[str, Any] = {"type": qtype, "points": 1}
    if qtype in ("single", "multiple"):
        starter["options"] = [{"id": "", "text": ""} for _ in range(3)]  # ids given on save
    elif qtype == "matching":
        starter["pairs"] = [["", ""], ["", ""], ["", ""]]
    elif qtype == "hotspot":
        starter["regions"] = [{"shape": "circle"}]
    return _handle(ws, qtype, None, starter)


@bp.route("/quizzes/<slug>/questions/<path:question_id>/edit", methods=["GET", "POST"])
@login_required
def edit_question(slug: str, question_id: str):
    """Edit one question of the draft."""
    ws = quizzes.workspace(current_user, slug)
    question = next((q for q in ws.questions if q.get("id") == question_id), None)
    if question is None or question.get("type") not in QUESTION_TYPES:
        abort(404)
    return _handle(ws, question["type"], question_id, question)
