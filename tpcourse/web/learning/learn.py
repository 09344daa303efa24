"""Trainee pages: the catalogue, a course outline, lessons."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ...permissions import roles as permissions
from ...services.certification import completion, renewal
from ...services.exams import sequencing
from ...services.learning import learning, steps, translations
from ...services.notifications import notices
from ..helpers import now
from ..i18n import current_locale

bp = Blueprint("learn", __name__)


def course_access(version) -> tuple[bool, bool]:
    """Return (enrolled, instructs) for the current user on a course version."""
    if not current_user.is_authenticated:
        return False, False
    enrolled = learning.enrollment_for(current_user, version.course_id) is not None
    return enrolled, learning.instructs(current_user, version.course_id)


@bp.route("/")
def catalogue():
    """List every course, marking the ones the user is enrolled in."""
    signed_in = current_user.is_authenticated
    enrolled = learning.enrolled_course_ids(current_user) if signed_in else set()
    unread = notices.unread(current_user.id) if signed_in else []
    versions = translations.catalogue_in(learning.current_versions(), current_locale())
    return render_template("learn/catalogue.html", versions=versions,
                           enrolled=enrolled, form=FlaskForm(), notices=unread)


@bp.route("/courses/<slug>")
def course(slug: str):
    """Show a course: its summary to visitors, its modules and progress to enrolled users."""
    source = learning.current_version(slug, with_lessons=True)
    version, missing = translations.course_in(source, current_locale())
    enrolled, instructs = course_access(version)
    outline = status = record = None
    locks: dict = {}
    if permissions.can_read_course(current_user, enrolled, instructs):
        locks = sequencing.locks_in_course(current_user, version.course_id, now(),
                                           version=version)  # titles in the reader's language
        outline = learning.course_outline(current_user, version)
        status = completion.completion_status(current_user, version.course_id)
        record = completion.record_for(current_user, version.course_id)
    moment = now()
    renewing = renewal.renewal_state(current_user, version.course_id, moment, record) \
        if record is not None else None
    return render_template("learn/course.html", version=version, outline=outline,
                           enrolled=enrolled, status=status, record=record, form=FlaskForm(),
                           renewing=renewing, moment=moment, locks=locks,
                           remaining=steps.remaining_steps(version, status) if status else [],
                           untranslated=translations.untranslated(
                               "course" if "course" in missing else "parts", current_locale(),
                               bool(missing)))


@bp.route("/courses/<slug>/enrol", methods=["POST"])
@login_required
def enrol(slug: str):
    """Enrol the current user in a course."""
    version = learning.current_version(slug)
    if not FlaskForm().validate_on_submit():
        abort(400)
    learning.enroll(current_user, version.course_id)
    flash(_("You are enrolled in %(course)s. Start with the first lesson.",
            course=translations.course_title(version, current_locale())), "success")
    return redirect(url_for("learn.course", slug=slug))


@bp.route("/courses/<slug>/<module_slug>/<lesson_slug>")
@login_required
def lesson(slug: str, module_slug: str, lesson_slug: str):
    """Show one lesson with previous/next navigation, in the reader's language if it can."""
    version, missing = translations.course_in(learning.current_version(slug, with_lessons=True),
                                               current_locale())
    if not permissions.can_read_course(current_user, *course_access(version)):
        flash(_("Enrol in the course to read its lessons."), "info")
        return redirect(url_for("learn.course", slug=slug))
    module, current, before, after = learning.find_lesson(version, module_slug, lesson_slug)
    read = f"{module.slug}/{current.slug}" in learning.read_lesson_keys(current_user,
                                                                       version.course_id)
    return render_template("learn/lesson.html", version=version, module=module, lesson=current,
                           before=before, after=after, read=read, form=FlaskForm(),
                           step=steps.next_step(current_user, module, current, after),
                           untranslated=translations.untranslated(
                               "lesson", current_locale(),
                               f"lesson:{module.slug}/{current.slug}" in missing))


@bp.route("/courses/<slug>/<module_slug>/<lesson_slug>/read", methods=["POST"])
@login_required
def mark_read(slug: str, module_slug: str, lesson_slug: str):
    """Mark a lesson as read, then go on to the next one."""
    version = learning.current_version(slug, with_lessons=True)
    if not permissions.can_read_course(current_user, *course_access(version)):
        abort(403)
    if not FlaskForm().validate_on_submit():
        abort(400)
    module, current, _before, after = learning.find_lesson(version, module_slug, lesson_slug)
    step = steps.next_step(current_user, module, current, after)  # before the commit expires them
    learning.mark_lesson_read(current_user, version.course_id, f"{module.slug}/{current.slug}")
    if completion.check_completion(current_user, version.course_id):
        flash(_("You have completed the course. Your certificate is in My records."), "success")
    if step.kind == "quiz":
        return redirect(url_for("quiz.overview", slug=step.quiz_slug))
    if step.kind == "lesson":
        return redirect(url_for("learn.lesson", slug=slug, module_slug=step.module_slug,
                                lesson_slug=step.lesson_slug))
    return redirect(url_for("learn.course", slug=slug))
