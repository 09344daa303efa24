"""Studio pages for courses and quizzes: overview, settings, order, publish, history, export."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ...content.drafts import FieldProblem, problems_under
from ...content.sentences import for_instructors
from ...inputs import ascii_int
from ...permissions import authoring as author_permissions
from ...services.authoring import bank_import, lessons, quizzes, studio
from ...services.authoring import courses as course_admin
from ...services.authoring.quizzes import DraftInvalid
from ...services.exams import accommodations
from ..helpers import now
from . import bp
from .common import download, error_list
from .forms import MoveForm, QuizSettingsForm

QUESTION_TYPES = (("single", _l("Single choice")), ("multiple", _l("Multiple choice")),
                  ("true_false", _l("True / false")), ("numeric", _l("Number")),
                  ("short_text", _l("Short text")), ("matching", _l("Matching")),
                  ("ordering", _l("Ordering")), ("hotspot", _l("Body map (hotspot)")))


@bp.route("/")
@login_required
def index():
    """List the courses the user authors (and, for school admins, where to grant extra time)."""
    if not author_permissions.can_open_studio(current_user):
        abort(403)
    return render_template("author/index.html", courses=studio.authored_courses(current_user),
                           drafts=course_admin.unpublished_courses(current_user),
                           can_create=author_permissions.can_create_course(current_user),
                           school=accommodations.school_quizzes(current_user))


@bp.route("/courses/<course_slug>")
@login_required
def course(course_slug: str):
    """Show a course's quizzes and lessons, with their drafts."""
    version = lessons.authorable_course(current_user, course_slug)
    return render_template("author/course.html", version=version,
                           quizzes=studio.course_quizzes(version),
                           lesson_drafts=lessons.draft_keys(version.course_id))


@bp.route("/courses/<course_slug>/quizzes/new", methods=["GET", "POST"])
@login_required
def new_quiz(course_slug: str):
    """Start a new quiz in a course: its settings first, then questions."""
    version = lessons.authorable_course(current_user, course_slug)
    form = QuizSettingsForm()
    if form.validate_on_submit():
        if not form.slug.data:
            form.slug.errors = [_("Enter a slug, e.g. neck-referral-quiz.")]
        else:
            try:
                quizzes.create_quiz(current_user, version.course, form.settings(),
                                      form.slug.data, now())
                flash(_("Quiz draft created. Add its questions, then preview and publish."),
                      "success")
                return redirect(url_for("author.quiz", slug=form.slug.data))
            except DraftInvalid as exc:
                _attach(form, exc)
    status = 422 if request.method == "POST" else 200
    return render_template("author/settings.html", form=form, version=version, ws=None,
                           errors=error_list(form)), status


def _attach(form: QuizSettingsForm, exc: DraftInvalid) -> None:
    for problem in exc.problems:
        field = getattr(form, str(problem.path[0]), None) if problem.path else None
        field = field or form.title
        field.errors = [*field.errors, for_instructors(problem.message)]


@bp.route("/quizzes/<slug>")
@login_required
def quiz(slug: str):
    """Show a quiz draft: settings, questions with reordering, problems, publish."""
    ws = quizzes.workspace(current_user, slug)
    return _quiz_page(ws, ws.problems())


def _quiz_page(ws, problems, status: int = 200):
    problems = [FieldProblem(p.path, for_instructors(p.message)) for p in problems]
    by_question: dict[int, list[str]] = {}
    for index, _question in enumerate(ws.questions):
        by_question[index] = [p.message for p in problems_under(problems, ("questions", index))]
    quiz_level = [p for p in problems if not p.path or p.path[0] != "questions"
                  or len(p.path) == 1]
    return render_template("author/quiz.html", ws=ws, problems=problems,
                           by_question=by_question, quiz_level=quiz_level,
                           types=QUESTION_TYPES, form=MoveForm()), status


@bp.route("/quizzes/<slug>/settings", methods=["GET", "POST"])
@login_required
def settings(slug: str):
    """Edit a quiz's settings in its draft."""
    ws = quizzes.workspace(current_user, slug)
    form = QuizSettingsForm(data=QuizSettingsForm.values(ws.data))
    if form.validate_on_submit():
        try:
            quizzes.save_settings(current_user, slug, form.settings(), now())
            flash(_("Settings saved in the draft."), "success")
            return redirect(url_for("author.quiz", slug=slug))
        except DraftInvalid as exc:
            _attach(form, exc)
    status = 422 if request.method == "POST" else 200
    return render_template("author/settings.html", form=form, ws=ws, version=None,
                           errors=error_list(form)), status


@bp.route("/quizzes/<slug>/questions/move", methods=["POST"])
@login_required
def move_question(slug: str):
    """Move a question up or down (buttons: works without JavaScript)."""
    quizzes.workspace(current_user, slug)  # 404 before anything else for non-authors
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    step = -1 if form.direction.data == "up" else 1
    quizzes.move_question(current_user, slug, form.question_id.data, step, now())
    return redirect(url_for("author.quiz", slug=slug) + f"#q-{form.question_id.data}")


@bp.route("/quizzes/<slug>/questions/delete", methods=["POST"])
@login_required
def delete_question(slug: str):
    """Remove a question from the draft."""
    quizzes.workspace(current_user, slug)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    quizzes.delete_question(current_user, slug, form.question_id.data, now())
    flash(_("Question '%(id)s' removed from the draft.", id=form.question_id.data), "success")
    return redirect(url_for("author.quiz", slug=slug))


@bp.route("/quizzes/<slug>/publish", methods=["POST"])
@login_required
def publish(slug: str):
    """Publish the draft as a new version; trainees starting from now get it."""
    quizzes.workspace(current_user, slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    try:
        version = quizzes.publish_quiz(current_user, slug, now())
    except DraftInvalid as exc:
        ws = quizzes.workspace(current_user, slug)
        flash(exc.message, "error")
        return _quiz_page(ws, exc.problems, 422)
    if version is None:
        flash(_("Nothing changed since the current version, so no new version was made."), "info")
    else:
        flash(_("Published as version %(number)s. Attempts already started keep "
                "the version they began on.", number=version.version), "success")
    return redirect(url_for("author.history", slug=slug))


@bp.route("/quizzes/<slug>/discard", methods=["POST"])
@login_required
def discard(slug: str):
    """Throw the draft away."""
    ws = quizzes.workspace(current_user, slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    quizzes.discard_draft(current_user, slug)
    flash(_("Draft discarded."), "success")
    if ws.quiz is None:
        return redirect(url_for("author.course", course_slug=ws.course.slug) if ws.course
                        else url_for("author.index"))
    return redirect(url_for("author.quiz", slug=slug))


@bp.route("/quizzes/<slug>/versions")
@login_required
def history(slug: str):
    """List the published versions with what changed in each, and the draft's changes."""
    ws, entries, pending = studio.quiz_history(current_user, slug)
    return render_template("author/history.html", ws=ws, entries=entries, pending=pending)


@bp.route("/quizzes/<slug>/export.yaml")
@login_required
def export_quiz(slug: str):
    """Download quizzes/<slug>.yaml: the current version, ?version=N, or ?draft=1."""
    ws = quizzes.workspace(current_user, slug)
    number = request.args.get("version", "")
    name, text = bank_import.export_quiz_file(ws, draft=request.args.get("draft") == "1",
                                              number=ascii_int(number))
    return download(text, name, "application/yaml; charset=utf-8")
