"""Assignment and Grade Services: the score of the attempt that counts goes to the LMS.

Only attempts taken through an LMS link are sent, to that link's line item: out of 100, the
attempt's percentage. The attempt that counts follows the quiz's grading mode (`highest` or
`last`), so a better attempt under `highest` is sent again and a worse one sends nothing.

`pass_back_attempt` is a plain function of ids, run after the grade is committed and off the
request (tpcourse.web.integrations.frame schedules it; a job queue can run it as it is: it is
idempotent, so a retry after a failure sends at most the same score again).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import requests
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.service_connector import ServiceConnector
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...grading.attempts import counting_attempt
from ...models import Attempt, User
from ...models.integrations import LtiAttempt, LtiIdentity, LtiLink, LtiPlatform, LtiScoreSent
from ..http import BoundedSession
from .deep_linking import SCORE_MAXIMUM
from .registrations import registration_for

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"


def pass_back_attempt(attempt_id: str, link_ids: Sequence[int], config: Mapping[str, Any],
                      now: datetime) -> list[LtiScoreSent]:
    """An attempt closed in a browser launched from these links: note it as the link's and send
    the link's counting score. Nothing happens for an open attempt or another quiz's links."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.status == "in_progress" or not link_ids:
        return []
    links = db.session.execute(select(LtiLink).where(
        LtiLink.id.in_([int(i) for i in link_ids][:50]),
        LtiLink.quiz_id == attempt.quiz_id)).scalars().all()
    sent = []
    for link in links:
        if db.session.get(LtiAttempt, attempt.id) is None:
            db.session.add(LtiAttempt(attempt_id=attempt.id, link_id=link.id, created_at=now))
            try:
                db.session.commit()
            except IntegrityError:  # the same passback ran at the same moment: it noted it
                db.session.rollback()
        if db.session.get(LtiAttempt, attempt.id).link_id == link.id:
            result = pass_back(link.id, attempt.user_id, config, now)
            if result is not None:
                sent.append(result)
    return sent


def _counting(link: LtiLink, user_id: int) -> Attempt | None:
    attempts = list(db.session.execute(
        select(Attempt).join(LtiAttempt, LtiAttempt.attempt_id == Attempt.id)
        .where(LtiAttempt.link_id == link.id, Attempt.user_id == user_id,
               Attempt.status != "in_progress").order_by(Attempt.number)).scalars())
    if not attempts:
        return None
    mode = attempts[-1].quiz_version.data.get("grading", "highest")
    return counting_attempt(attempts, mode)


def _last_sent(link_id: int, user_id: int) -> LtiScoreSent | None:
    return db.session.execute(select(LtiScoreSent).where(
        LtiScoreSent.link_id == link_id, LtiScoreSent.user_id == user_id)
        .order_by(LtiScoreSent.id.desc()).limit(1)).scalar_one_or_none()


def _grade(attempt: Attempt, subject: str, now: datetime) -> Grade:
    return (Grade().set_score_given(round(float(attempt.percent or 0), 4))
            .set_score_maximum(SCORE_MAXIMUM).set_activity_progress("Completed")
            .set_grading_progress("FullyGraded").set_user_id(subject)
            .set_timestamp(now.isoformat(timespec="milliseconds")))


def _send(link: LtiLink, platform: LtiPlatform, grade: Grade, config: Mapping[str, Any],
          now: datetime) -> None:
    connector = ServiceConnector(registration_for(platform, config, now),
                                 requests_session=BoundedSession())
    service = AssignmentsGradesService(connector, {
        "scope": list(link.ags_scopes or []), "lineitems": link.lineitems_url,
        "lineitem": link.lineitem_url})
    if link.lineitem_url:
        service.put_grade(grade)
    elif link.lineitems_url and LINEITEM_SCOPE in (link.ags_scopes or []):
        service.put_grade(grade, LineItem().set_score_maximum(SCORE_MAXIMUM)
                          .set_label(link.title or link.target).set_resource_id(link.target)
                          .set_resource_link_id(link.resource_link_id))
    else:
        raise LtiException("the LMS gave this link no line item for grades")


def pass_back(link_id: int, user_id: int, config: Mapping[str, Any],
              now: datetime) -> LtiScoreSent | None:
    """Send the user's counting score on a link, unless that very score was sent already.

    Returns the row recording what was sent (or why it failed), None when there was nothing new.
    """
    link = db.session.get(LtiLink, link_id)
    if link is None or link.quiz_id is None:
        return None
    counted = _counting(link, user_id)
    subject = db.session.execute(select(LtiIdentity.subject).where(
        LtiIdentity.platform_id == link.platform_id, LtiIdentity.user_id == user_id)).scalar()
    if counted is None or subject is None:
        return None
    last = _last_sent(link.id, user_id)
    if (last is not None and last.status == "sent" and last.attempt_id == counted.id
            and last.score_given == round(float(counted.percent or 0), 4)):
        return None
    grade = _grade(counted, subject, now)
    row = LtiScoreSent(link_id=link.id, user_id=user_id, attempt_id=counted.id, at=now,
                       score_given=grade.get_score_given(), score_maximum=SCORE_MAXIMUM,
                       status="sent", detail="")
    platform = db.session.get(LtiPlatform, link.platform_id)
    try:
        _send(link, platform, grade, config, now)
    except (LtiException, requests.RequestException, AssertionError) as exc:
        row.status, row.detail = "failed", str(exc)[:500]
    db.session.add(row)
    db.session.commit()
    return row


def scores_sent(link_id: int, limit: int = 50) -> list[tuple[LtiScoreSent, str]]:
    """The latest scores sent on a link, newest first, with the trainee's name."""
    return [(row, name) for row, name in db.session.execute(
        select(LtiScoreSent, User.name).join(User, User.id == LtiScoreSent.user_id)
        .where(LtiScoreSent.link_id == link_id).order_by(LtiScoreSent.id.desc()).limit(limit))]
