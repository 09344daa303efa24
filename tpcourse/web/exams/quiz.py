"""Quiz pages: start, answer, save, submit, results and history. Grading is server-side."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm

from ...content.localize import shown_quiz
from ...extensions import limiter
from ...grading.attempts import counting_attempt, review_allowed
from ...grading.manual import pending_questions
from ...grading.navigation import failed_must_pass
from ...permissions import roles as permissions
from ...services.errors import Conflict, IdentityRejected, NotFound
from ...services.exams import attempts as attempt_service
from ...services.grading.essays import manual_grading
from ...services.learning import learning, translations
from ..helpers import form_data, now, say
from ..i18n import current_locale
from ..quiz_views import attempt_cost, attempt_page, question_views, quiz_rules
from .steps import completed_by, posted_step, step_target, time_left

bp = Blueprint("quiz", __name__)
# No per-address rate limit on exam pages: a whole class behind one school address submits
# within minutes, and attempt limits, cooldowns and deadlines are the service's. A request
# filter, not `limiter.exempt(bp)`: the limiter then skips resolving every limit of the app
# for each exam request (docs/performance.md).
@limiter.request_filter
def _exam_pages_are_not_rate_limited() -> bool:
    return request.blueprint == bp.name


@bp.errorhandler(IdentityRejected)
def _signed_out(_exc: IdentityRejected):
    """The session's user changed its password or is gone: as `login_required` would, send the
    browser to log in (nothing was written)."""
    logout_user()
    return current_app.login_manager.unauthorized()


def _quiz_for_user(slug: str, with_attempts: bool = False) -> attempt_service.QuizAccess:
    # The quiz, the user's enrolment and accommodation (and attempts): one statement.
    access = attempt_service.quiz_for(slug, current_user, with_attempts)
    course_id = access.quiz.course_id
    # Only asked when not enrolled: either right is enough (saves a query per quiz request).
    instructs = course_id is not None and not access.enrolled and learning.instructs(
        current_user, course_id)
    if not permissions.can_take_quiz(current_user, access.enrolled, instructs):
        raise NotFound(_("No such quiz."))
    return access


@bp.route("/quizzes/<slug>")
@login_required
def overview(slug: str):
    """Show a quiz's rules in plain words, the trainee's attempts, and a start or resume button."""
    access = _quiz_for_user(slug)
    quiz, version = access.quiz, access.version
    attempts = attempt_service.attempts_of(current_user, quiz)
    for attempt in attempts:
        attempt_service.close_if_expired(attempt, now())
    return render_template(
        "quiz/overview.html", quiz=quiz, attempts=attempts,
        version=translations.quiz_version_in(version, current_locale()),
        untranslated=translations.quiz_notice(version.data, current_locale()),
        decision=attempt_service.can_start(current_user, quiz, version, now(), attempts,
                                           access.extra, access.gate),
        rules=quiz_rules(version.data, access.extra, len(attempts)),
        open_attempt=next((a for a in attempts if a.status == "in_progress"), None),
        counted=counting_attempt(attempts, version.data.get("grading", "highest")),
        form=FlaskForm())


@bp.route("/quizzes/<slug>/start", methods=["POST"])
@login_required
def start(slug: str):
    """Start a new attempt (or resume the open one) and go to it."""
    access = _quiz_for_user(slug, with_attempts=True)  # CSRFProtect checked the token
    try:
        attempt = attempt_service.start_attempt(current_user, access.quiz, access.version, now(),
                                                extra=access.extra, attempts=access.attempts,
                                                gate=access.gate)
    except attempt_service.StartRefused as refused:  # a stale page: the overview says when
        flash(say(refused.decision.reason), "warning")
        return redirect(url_for("quiz.overview", slug=slug))
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id))


@bp.route("/attempts/<attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(attempt_id: str):
    """Show a page of questions; POST saves them (and moves on) or submits the attempt."""
    if request.method == "POST":
        return _answer(attempt_id)
    record = _open_attempt(attempt_id)
    if record.status != "in_progress":
        return redirect(url_for("quiz.result", attempt_id=attempt_id))
    return _questions_page(record, {}, request.args.get("page"))


def _open_attempt(attempt_id: str):
    """The user's attempt, graded first if its time ran out (the trainee is told)."""
    record = attempt_service.get_attempt(attempt_id, current_user)
    if attempt_service.close_if_expired(record, now()):
        flash(_("Time ran out. Your attempt was graded on the answers saved in time."), "warning")
    return record


def _answer(attempt_id: str):
    """Save, move, review, or grade (CSRFProtect has checked the token): the service reads the
    attempt once and writes only if it is still in progress."""
    step = posted_step(request.form)
    action = {"finish": _finish_saved, "submit": attempt_service.submit_attempt}.get(
        step.kind, attempt_service.save_attempt)
    try:
        outcome = action(attempt_id, current_user, form_data(request.form), now())
    except Conflict:  # submitted already (another tab, a double click): show its result
        return redirect(url_for("quiz.result", attempt_id=attempt_id))
    record, errors = outcome.attempt, outcome.errors
    if outcome.late:
        flash(_("Time ran out before this arrived, so your attempt was graded on the "
                "answers saved in time."), "warning")
    if record.status != "in_progress":
        return redirect(url_for("quiz.result", attempt_id=attempt_id))
    if request.headers.get("X-Autosave") and step.kind == "save":
        return "", 204
    if errors:
        return _questions_page(record, errors, step.page)
    if step.kind == "save" and step.target == "stay":
        flash(_("Your answers are saved. You can come back and finish later."), "success")
    return redirect(step_target(record, step))


def _finish_saved(attempt_id: str, user, _form, moment):
    """"Submit all and finish" posts no answers: grade the saved ones."""
    return attempt_service.finish_saved(attempt_id, user, moment)


def _questions_page(record, errors: dict[str, str], page=None):
    locale = current_locale()
    view = attempt_page(record, page, errors, locale)
    data = record.quiz_version.data
    return render_template(
        "quiz/attempt.html", attempt=record, data=shown_quiz(data, locale),
        errors=errors, page=view, questions=view.questions, form=FlaskForm(),
        untranslated=translations.quiz_notice(data, locale, view.questions),
        left=time_left(record.deadline, now()),
    ), 422 if errors else 200


@bp.route("/attempts/<attempt_id>/summary")
@login_required
def summary(attempt_id: str):
    """Before grading: every question answered or not and flagged or not, the time left,
    and what submitting costs. Nothing about correctness."""
    record = _open_attempt(attempt_id)
    if record.status != "in_progress":
        return redirect(url_for("quiz.result", attempt_id=attempt_id))
    view = attempt_page(record, 1, {})
    extra = attempt_service.accommodation_for(current_user, record.quiz_version.quiz)
    rules = quiz_rules(record.quiz_version.data, extra)
    return render_template("quiz/summary.html", attempt=record,
                           data=shown_quiz(record.quiz_version.data,
                                                        current_locale()),
                           page=view, rules=rules, cost=attempt_cost(rules, record.number),
                           left=time_left(record.deadline, now()), form=FlaskForm())


@bp.route("/attempts/<attempt_id>/result")
@login_required
def result(attempt_id: str):
    """Show the grade, the review the quiz's policy allows, and a completed course's moment."""
    record = attempt_service.get_attempt(attempt_id, current_user)
    attempt_service.close_if_expired(record, now())
    if record.status == "in_progress":
        return redirect(url_for("quiz.attempt", attempt_id=attempt_id))
    data = record.quiz_version.data
    awaiting = pending_questions(record.results)
    # While essays wait, the automatically graded parts show as the policy allows (after a
    # pass: not yet, since nothing has passed).
    show_review = review_allowed(data.get("review", "after_submit"), bool(record.passed))
    manual = manual_grading(record, data)  # essays' grades, any override (read if regraded)
    # Without review, nothing per question reaches the page: even "0 / 1" per prompt gives
    # a true/false answer away.
    locale = current_locale()
    questions = question_views(record, {}, graded=True, reveal=True, locale=locale) \
        if show_review else []
    return render_template(
        "quiz/result.html", attempt=record, data=shown_quiz(data, locale),
        review=show_review, awaiting=awaiting, questions=questions,
        untranslated=translations.quiz_notice(data, locale, questions),
        failed_must=[] if awaiting else failed_must_pass(record.results, record.question_ids),
        completed=completed_by(record, current_user), **manual)


@bp.route("/quizzes/<slug>/attempts")
@login_required
def history(slug: str):
    """List every attempt the trainee made at a quiz."""
    access = _quiz_for_user(slug)
    return render_template("quiz/history.html", quiz=access.quiz, version=access.version,
                           attempts=attempt_service.attempts_of(current_user, access.quiz))
