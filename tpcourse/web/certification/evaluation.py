"""Course evaluations: trainees fill them in before the certificate; instructors see totals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from ...services.certification import evaluation
from ...services.certification.evaluation import EvaluationInvalid
from ...services.learning import translations
from ..helpers import now, roles_required
from ..i18n import current_locale

bp = Blueprint("evaluation", __name__)

RATING_CHOICES = [SelectChoice(str(n), label) for n, label in
                  ((1, _l("1 — poor")), (2, "2"), (3, "3"), (4, "4"), (5, _l("5 — excellent")))]


def evaluation_form(questions: Sequence[Mapping[str, Any]]) -> FlaskForm:
    """Build the form for a course's questions: fields q0, q1, ... in question order."""

    class EvaluationForm(FlaskForm):
        pass

    for index, question in enumerate(questions):
        if question["type"] == "rating":
            needed = InputRequired(message=_("Choose a rating from 1 (poor) to 5 (excellent)."))
            field = RadioField(question["prompt"].rstrip("."), choices=RATING_CHOICES,
                               validators=[needed if question["required"] else Optional()])
        else:
            needed = DataRequired(message=_("Write an answer to this question."))
            field = TextAreaField(question["prompt"], validators=[
                needed if question["required"] else Optional(),
                Length(max=evaluation.TEXT_MAX,
                       message=_("Keep your answer under 2000 characters."))])
        setattr(EvaluationForm, f"q{index}", field)
    return EvaluationForm()


@bp.route("/courses/<slug>/evaluation", methods=["GET", "POST"])
@login_required
def form(slug: str):
    """Show and take the course evaluation (once per trainee)."""
    version, response = evaluation.evaluation_of(current_user, slug)
    version, missing = translations.course_texts_in(version, current_locale())
    questions = version.evaluation  # answers are kept by question id, whatever the language
    page = evaluation_form(questions)
    if response is None and page.validate_on_submit():
        answers = {q["id"]: page[f"q{i}"].data for i, q in enumerate(questions)}
        try:
            _response, record = evaluation.submit_evaluation(current_user, slug, answers, now())
        except EvaluationInvalid as exc:
            for index, question in enumerate(questions):
                if question["id"] in exc.errors:
                    page[f"q{index}"].errors = [exc.errors[question["id"]]]
        else:
            flash(_("Thank you for your evaluation. Your certificate is issued: find it in My "
                    "records.") if record else _("Thank you for your evaluation."), "success")
            return redirect(url_for("records.mine") if record
                            else url_for("learn.course", slug=slug))
    return render_template("evaluation/form.html", version=version, response=response,
                           form=page, questions=questions,
                           untranslated=translations.untranslated("course", current_locale(),
                                                                  missing)), \
        422 if page.errors else 200


@bp.route("/teach/courses/<slug>/evaluation")
@roles_required("instructor")
def results(slug: str):
    """Show the course's evaluations totalled: mean rating per question, and the comments."""
    version, count, summaries = evaluation.course_results(current_user, slug)
    return render_template("evaluation/results.html", version=version, count=count,
                           summaries=summaries)
