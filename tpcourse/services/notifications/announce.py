"""Telling people and schools' systems: one call per domain event, from the service that made
it, in its transaction (the notice, the webhook event and their jobs commit with the change).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _

from ...extensions import db
from ...models import CompletionRecord, CourseVersion, Enrollment, User
from ..learning.translations import course_title
from .language import in_language_of
from .notices import notify


def _webhooks():
    from ...integrations.webhooks import events

    return events


def completion_data(record: CompletionRecord, user: User, version: CourseVersion) -> dict:
    """A completion record as webhooks carry it."""
    site = current_app.config["TPCOURSE_SITE_URL"].rstrip("/")
    return {"record_id": record.id, "certificate_code": record.certificate_code,
            "trainee": _webhooks().trainee_data(user),
            "course": {"slug": version.course.slug, "title": version.title,
                       "version": version.version},
            "completed_at": record.completed_at, "score": record.score,
            "ce_hours": record.ce_hours, "expires_at": record.expires_at,
            "revoked_at": record.revoked_at, "revoked_reason": record.revoked_reason,
            "verify_url": f"{site}/verify/{record.certificate_code}",
            "renews_record_id": record.renews_id, "cycle": record.cycle or 1}


def completion_issued(record: CompletionRecord, now: datetime) -> None:
    """A record was issued: notify the trainee, and `completion.issued` (or
    `completion.renewed`, when the record renews an earlier one) to the school."""
    user = db.session.get(User, record.user_id)
    version = db.session.get(CourseVersion, record.course_version_id)
    renewed = getattr(record, "renews_id", None) is not None
    kind = "certificate_renewed" if renewed else "certificate_issued"
    with in_language_of(user) as locale:
        values = {"title": course_title(version, locale), "code": record.certificate_code}
        if renewed:
            subject = _("Your certificate for %(title)s is renewed", **values)
            body = _("Congratulations: you completed %(title)s and your certificate is renewed. "
                     "Its code is %(code)s; anyone can check it on the verification page. "
                     "Download the PDF from your records.", **values)
        else:
            subject = _("Your certificate for %(title)s is issued", **values)
            body = _("Congratulations: you completed %(title)s and your certificate is issued. "
                     "Its code is %(code)s; anyone can check it on the verification page. "
                     "Download the PDF from your records.", **values)
    notify(user.id, kind, f"{kind}:{record.id}", subject, body,
           f"/certificates/{record.certificate_code}", now)
    event = "completion.renewed" if renewed else "completion.issued"
    _webhooks().emit(user.school_id, event, f"{event}:{record.id}",
                     completion_data(record, user, version), now)


def completion_revoked(record: CompletionRecord, now: datetime) -> None:
    """A certificate was revoked: `completion.revoked` to the school."""
    user = db.session.get(User, record.user_id)
    version = db.session.get(CourseVersion, record.course_version_id)
    _webhooks().emit(user.school_id, "completion.revoked", f"completion.revoked:{record.id}",
                     completion_data(record, user, version), now)


def skill_signed_off(signoff_id: int, trainee: Any, version: CourseVersion, skill_text: str,
                     now: datetime) -> None:
    """An instructor signed off a practical skill: notify the trainee."""
    with in_language_of(trainee) as locale:
        subject = _("Practical skill signed off: %(skill)s", skill=skill_text[:200])
        body = _("Your instructor signed off the practical skill “%(skill)s” in %(title)s.",
                 skill=skill_text, title=course_title(version, locale))
    notify(trainee.id, "skill_signed_off", f"skill_signed_off:{signoff_id}", subject, body,
           f"/courses/{version.course.slug}", now)


def attempt_graded(attempt: Any, quiz_title: str, now: datetime) -> None:
    """The last essay of an attempt was graded: tell the trainee the result is ready."""
    user = db.session.get(User, attempt.user_id)
    with in_language_of(user):
        values = {"quiz": quiz_title, "percent": format_decimal(attempt.percent)}
        subject = _("Your attempt at %(quiz)s has been graded", **values)
        if attempt.passed:
            body = _("Your instructor has graded your written answers: your attempt passed with "
                     "%(percent)s %%. Feedback is on the result page.", **values)
        else:
            body = _("Your instructor has graded your written answers: your attempt did not "
                     "pass with %(percent)s %%. Feedback is on the result page.", **values)
    notify(attempt.user_id, "attempt_graded", f"attempt_graded:{attempt.id}", subject, body,
           f"/attempts/{attempt.id}/result", now)
    if user is not None and user.school_id is not None:  # the grade, now decided
        webhooks = _webhooks()
        webhooks.emit(user.school_id, "attempt.graded", f"attempt.graded:{attempt.id}", {
            "attempt_id": attempt.id, "trainee": webhooks.trainee_data(user),
            "quiz_version_id": attempt.quiz_version_id, "status": attempt.status,
            "score": attempt.score, "max_score": attempt.max_score,
            "percent": attempt.percent, "passed": attempt.passed, "graded_at": now}, now)


def grade_overridden(attempt: Any, override: Any, quiz_title: str, now: datetime) -> None:
    """An instructor changed an attempt's grade: tell the trainee, with the reason."""
    with in_language_of(db.session.get(User, attempt.user_id)):
        values = {"quiz": quiz_title, "percent": format_decimal(override.to_percent),
                  "reason": override.reason}
        subject = _("The grade of your attempt at %(quiz)s was changed", **values)
        if override.to_passed:
            body = _("Your instructor changed the grade of your attempt: it now passes with "
                     "%(percent)s %%. Reason: %(reason)s", **values)
        else:
            body = _("Your instructor changed the grade of your attempt: it now does not pass "
                     "with %(percent)s %%. Reason: %(reason)s", **values)
    notify(attempt.user_id, "attempt_graded", f"grade_overridden:{override.id}", subject, body,
           f"/attempts/{attempt.id}/result", now)


def accommodation_granted(trainee_id: int, quiz_slug: str, quiz_title: str,
                          amounts: dict[str, int], now: datetime) -> None:
    """Extra attempts or time were granted: notify the trainee."""
    with in_language_of(db.session.get(User, trainee_id)):
        granted = [
            ngettext("%(num)d extra attempt", "%(num)d extra attempts", amounts["extra_attempts"])
            if amounts["extra_attempts"] else "",
            ngettext("%(num)d extra minute", "%(num)d extra minutes", amounts["extra_minutes"])
            if amounts["extra_minutes"] else "",
            _("%(percent)s %% more time", percent=amounts["extra_percent"])
            if amounts["extra_percent"] else "",
            _("the locks lifted (you may start it now)") if amounts.get("lift_locks") else ""]
        subject = _("Accommodation granted on %(quiz)s", quiz=quiz_title)
        body = _("You have been granted %(granted)s on %(quiz)s.", quiz=quiz_title,
                 granted=", ".join(part for part in granted if part))
    notify(trainee_id, "accommodation_granted",
           f"accommodation_granted:{trainee_id}:{quiz_slug}:{now.isoformat()}", subject, body,
           f"/quizzes/{quiz_slug}", now)


def enrollment_created(enrollment: Enrollment, user: Any, now: datetime) -> None:
    """A trainee enrolled: `enrollment.created` to their school (one SELECT when nobody
    listens, none for a trainee without a school)."""
    school_id = getattr(user, "school_id", None)
    if school_id is None:
        return
    webhooks = _webhooks()
    endpoints = webhooks.subscribed(school_id, "enrollment.created")
    if not endpoints:
        return
    version = db.session.execute(
        db.select(CourseVersion).join(CourseVersion.course)
        .where(CourseVersion.course_id == enrollment.course_id)
        .order_by(CourseVersion.version.desc()).limit(1)).scalar_one_or_none()
    webhooks.emit(school_id, "enrollment.created", f"enrollment.created:{enrollment.id}", {
        "enrollment_id": enrollment.id, "trainee": webhooks.trainee_data(user),
        "course": {"slug": version.course.slug if version else None,
                   "title": version.title if version else None},
        "cohort_id": enrollment.cohort_id, "enrolled_at": enrollment.enrolled_at or now},
        now, endpoints=endpoints)
