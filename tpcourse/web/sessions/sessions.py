"""Live practical sessions: a course's sessions for its trainees (sign up, waitlist, cancel),
scheduling for its instructors, and attendance on a phone. Plain forms, no JavaScript."""

from __future__ import annotations

from datetime import UTC

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, SelectMultipleField, StringField
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ...services.sessions import attendance, schedule, signups
from ...services.sessions.schedule import SessionRefused
from ..helpers import now, roles_required, user_zone

bp = Blueprint("sessions", __name__)


class ScheduleForm(FlaskForm):
    """Schedule one session: when (in the instructor's time zone), how long, where, places."""

    starts_at = DateTimeLocalField(_l("Starts"), format="%Y-%m-%dT%H:%M", validators=[
        InputRequired(message=_l("Choose the date and time the session starts."))])
    minutes = IntegerField(_l("Length in minutes"), validators=[
        InputRequired(message=_l("Give the length in minutes."))])
    place = StringField(_l("Place"), validators=[InputRequired(message=_l("Say where it takes place."))])
    capacity = IntegerField(_l("Places"), validators=[
        InputRequired(message=_l("Give the number of places."))])
    skills = SelectMultipleField(_l("Skills assessed"), choices=[], validators=[Optional()],
                                 option_widget=CheckboxInput(), widget=ListWidget(prefix_label=False))


@bp.route("/courses/<slug>/sessions")
@login_required
def course(slug: str):
    """List the course's upcoming sessions with places left and the trainee's own place."""
    version, views = schedule.course_sessions(current_user, slug, now(), upcoming_only=True)
    return render_template("sessions/course.html", version=version, views=views,
                           form=FlaskForm())


@bp.route("/sessions/<int:session_id>/signup", methods=["POST"])
@login_required
def sign_up(session_id: int):
    """Take a place (or join the waitlist when the session is full)."""
    if FlaskForm().validate_on_submit():
        signup = signups.sign_up(current_user, session_id, now())
        flash(_("You have a place: the calendar invitation is on its way by email.")
              if signup.status == "admitted" else
              _("The session is full: you are on the waitlist and get the next free place."),
              "success")
    return _back()


@bp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
@login_required
def cancel(session_id: int):
    """Give up a place or leave the waitlist."""
    if FlaskForm().validate_on_submit():
        signups.cancel(current_user, session_id, now())
        flash(_("You are no longer signed up for this session."), "info")
    return _back()


def _back():
    """Back to the course's sessions page (a path of this site, never a posted address)."""
    slug = request.form.get("slug") or ""
    return redirect(url_for("sessions.course", slug=slug) if slug.isascii() and slug
                    else url_for("learn.catalogue"), 303)


def _manage_page(slug: str, form: ScheduleForm | None = None, status: int = 200):
    version = schedule.run_version(current_user, slug)
    _version, views = schedule.course_sessions(current_user, slug, now())
    form = form or ScheduleForm(formdata=None, minutes=120, capacity=8)
    form.skills.choices = [(s["key"], s["text"]) for s in version.practical_skills or []]
    return render_template("sessions/manage.html", version=version, views=views,
                           form=form), status


@bp.route("/teach/courses/<slug>/sessions")
@roles_required("instructor")
def manage(slug: str):
    """The course's sessions, past and upcoming, and the form to schedule one."""
    return _manage_page(slug)


@bp.route("/teach/courses/<slug>/sessions/new", methods=["POST"])
@roles_required("instructor")
def schedule_one(slug: str):
    """Schedule a session; the form comes back with its errors when it cannot be used."""
    version = schedule.run_version(current_user, slug)
    form = ScheduleForm()
    form.skills.choices = [(s["key"], s["text"]) for s in version.practical_skills or []]
    if form.validate_on_submit():
        starts = form.starts_at.data.replace(tzinfo=user_zone()).astimezone(UTC)
        try:
            schedule.schedule_session(current_user, slug, starts, form.minutes.data,
                                      form.place.data, form.capacity.data, form.skills.data,
                                      now())
        except SessionRefused as exc:
            for name, message in exc.errors.items():
                form[name].errors = [*form[name].errors, message]
        else:
            flash(_("Session scheduled."), "success")
            return redirect(url_for("sessions.manage", slug=slug))
    return _manage_page(slug, form, 422)


@bp.route("/teach/sessions/<int:session_id>/attendance")
@roles_required("instructor")
def attendance_sheet(session_id: int):
    """The register of a session, built for a phone: one large tick box per trainee."""
    session, admitted, waiting = attendance.attendance_sheet(current_user, session_id)
    return render_template("sessions/attendance.html", session=session, admitted=admitted,
                           waiting=waiting, form=FlaskForm())


@bp.route("/teach/sessions/<int:session_id>/attendance/save", methods=["POST"])
@roles_required("instructor")
def take_attendance(session_id: int):
    """Save who attended (ticked) and who did not."""
    if FlaskForm().validate_on_submit():
        count = attendance.take_attendance(current_user, session_id,
                                           request.form.getlist("present"), now())
        flash(_("Attendance saved: %(count)s attended.", count=count), "success")
    return redirect(url_for("sessions.attendance_sheet", session_id=session_id))
