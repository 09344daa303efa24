"""Telling people and schools' systems: one call per domain event, from the service that made
it, in its transaction (the notice, the webhook event and their jobs commit with the change).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app

from ...extensions import db
from ...models import CompletionRecord, CourseVersion, Enrollment, User
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
    verb = "renewed" if renewed else "issued"
    notify(user.id, kind, f"{kind}:{record.id}", f"Your certificate for {version.title} is {verb}",
           f"Congratulations: you completed {version.title} and your certificate is {verb}. "
           f"Its code is {record.certificate_code}; anyone can check it on the verification "
           "page. Download the PDF from your records.", f"/certificates/{record.certificate_code}",
           now)
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
    notify(trainee.id, "skill_signed_off", f"skill_signed_off:{signoff_id}",
           f"Practical skill signed off: {skill_text[:200]}",
           f"Your instructor signed off the practical skill “{skill_text}” in "
           f"{version.title}.", f"/courses/{version.course.slug}", now)


def attempt_graded(attempt: Any, quiz_title: str, now: datetime) -> None:
    """The last essay of an attempt was graded: tell the trainee the result is ready."""
    outcome = "passed" if attempt.passed else "did not pass"
    notify(attempt.user_id, "attempt_graded", f"attempt_graded:{attempt.id}",
           f"Your attempt at {quiz_title} has been graded",
           f"Your instructor has graded your written answers: your attempt {outcome} with "
           f"{attempt.percent:g} %. Feedback is on the result page.",
           f"/attempts/{attempt.id}/result", now)
    user = db.session.get(User, attempt.user_id)
    if user is not None and user.school_id is not None:  # the grade, now decided
        webhooks = _webhooks()
        webhooks.emit(user.school_id, "attempt.graded", f"attempt.graded:{attempt.id}", {
            "attempt_id": attempt.id, "trainee": webhooks.trainee_data(user),
            "quiz_version_id": attempt.quiz_version_id, "status": attempt.status,
            "score": attempt.score, "max_score": attempt.max_score,
            "percent": attempt.percent, "passed": attempt.passed, "graded_at": now}, now)


def grade_overridden(attempt: Any, override: Any, quiz_title: str, now: datetime) -> None:
    """An instructor changed an attempt's grade: tell the trainee, with the reason."""
    outcome = "passes" if override.to_passed else "does not pass"
    notify(attempt.user_id, "attempt_graded", f"grade_overridden:{override.id}",
           f"The grade of your attempt at {quiz_title} was changed",
           f"Your instructor changed the grade of your attempt: it now {outcome} with "
           f"{override.to_percent:g} %. Reason: {override.reason}",
           f"/attempts/{attempt.id}/result", now)


def accommodation_granted(trainee_id: int, quiz_slug: str, quiz_title: str,
                          amounts: dict[str, int], now: datetime) -> None:
    """Extra attempts or time were granted: notify the trainee."""
    parts = [f"{amounts['extra_attempts']} extra attempt(s)" if amounts["extra_attempts"] else "",
             f"{amounts['extra_minutes']} extra minute(s)" if amounts["extra_minutes"] else "",
             f"{amounts['extra_percent']} % more time" if amounts["extra_percent"] else "",
             "the locks lifted (you may start it now)" if amounts.get("lift_locks") else ""]
    granted = ", ".join(p for p in parts if p)
    notify(trainee_id, "accommodation_granted",
           f"accommodation_granted:{trainee_id}:{quiz_slug}:{now.isoformat()}",
           f"Accommodation granted on {quiz_title}",
           f"You have been granted {granted} on {quiz_title}.", f"/quizzes/{quiz_slug}", now)


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
