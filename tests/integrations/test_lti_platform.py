"""tpcourse as an LTI 1.3 tool, against an LMS that is not written here (the `lti1p3platform`
package, in its own process): deep linking, launches, grade passback, roster sync, and the
spec's negative cases."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.helpers import answer_form
from tests.integrations import lti_steps as lms
from tests.integrations.peers import browser, csrf_of, lti_platform, wait_for
from tpcourse.extensions import db
from tpcourse.models import Attempt, CourseInstructor, Enrollment, User
from tpcourse.models.integrations import (
    LtiAttempt,
    LtiIdentity,
    LtiLink,
    LtiScoreSent,
    LtiToolKey,
)


@pytest.fixture
def lms_world(tool, clock):
    """The served tool, the platform peer, and the platform registered for school north."""
    app, base = tool
    with lti_platform(base) as platform:
        lms.register(platform, clock)
        lms.add_users(platform, {
            "teacher-1": {"name": "Tess Teacher", "roles": lms.INSTRUCTOR},
            "learner-1": {"name": "Lee Learner", "roles": lms.LEARNER},
            "learner-2": {"name": "Lou Learner", "roles": lms.LEARNER},
        })
        yield app, base, platform


def _take_quiz(base, session, clock, correct: bool) -> str:
    overview = session.get(f"{base}/quizzes/intro-quiz", timeout=10)
    started = session.post(f"{base}/quizzes/intro-quiz/start", allow_redirects=False, timeout=10,
                           data={"csrf_token": csrf_of(overview.text)})
    assert started.status_code == 302, started.text
    attempt_id = started.headers["Location"].rsplit("/", 1)[1]
    page = session.get(f"{base}/attempts/{attempt_id}", timeout=10)
    db.session.remove()
    form = answer_form(db.session.get(Attempt, attempt_id), correct=correct)
    submitted = session.post(f"{base}/attempts/{attempt_id}", allow_redirects=False, timeout=10,
                             data={**form, "csrf_token": csrf_of(page.text)})
    assert submitted.headers["Location"].endswith("/result"), submitted.text
    session.get(f"{base}/attempts/{attempt_id}/result", timeout=10)  # closes the response
    clock.advance(minutes=31)  # past the quiz's cooldown
    return attempt_id


def _scores(platform) -> list[dict]:
    return lms.platform_state(platform)["scores"]


def _passbacks_done(count: int) -> int:
    """Wait until `count` passbacks ran (each writes its row, or has nothing new to send)."""
    def done():
        db.session.remove()
        return db.session.execute(select(func.count()).select_from(LtiAttempt)).scalar() >= count
    return wait_for(done)


def test_deep_link_launch_take_quiz_and_the_counting_score_reaches_the_gradebook(lms_world,
                                                                                 clock):
    app, base, platform = lms_world
    items = lms.place(base, platform, ["quiz/intro-quiz", "course/basics"])
    by_target = {item["custom"]["target"]: item for item in items}
    assert by_target["quiz/intro-quiz"]["lineItem"]["scoreMaximum"] == 100  # graded column
    assert "lineItem" in by_target["course/basics"]  # the final exam is graded too
    state = lms.platform_state(platform)
    assert len(state["lineitems"]) == 2

    learner = browser()
    response, _ = lms.start(platform, learner, user="learner-1",
                            link=lms.link_id(platform, "quiz/intro-quiz"))
    assert response.status_code == 302, response.text
    assert response.headers["Location"].endswith("/quizzes/intro-quiz")
    page = lms.follow(base, learner, response)
    assert page.status_code == 200 and "Lee Learner" in page.text  # no second login
    db.session.remove()
    user = db.session.execute(select(User).join(LtiIdentity, LtiIdentity.user_id == User.id)
                              .where(LtiIdentity.subject == "learner-1")).scalar_one()
    assert user.role == "trainee" and user.email.endswith("@lti.invalid")
    enrolment = db.session.execute(select(Enrollment).filter_by(user_id=user.id)).scalar_one()
    assert enrolment.cohort_id is not None  # in the LMS course's cohort

    failed = _take_quiz(base, learner, clock, correct=False)
    _passbacks_done(1)
    wait_for(lambda: _scores(platform))
    assert [s["scoreGiven"] for s in _scores(platform)] == [0]
    assert _scores(platform)[0]["userId"] == "learner-1"
    _take_quiz(base, learner, clock, correct=True)  # better: counts under `highest`
    wait_for(lambda: len(_scores(platform)) == 2)
    assert [s["scoreGiven"] for s in _scores(platform)] == [0, 100]
    _take_quiz(base, learner, clock, correct=False)  # worse: the better one still counts
    _passbacks_done(3)
    assert [s["scoreGiven"] for s in _scores(platform)] == [0, 100]
    db.session.remove()
    sent = db.session.execute(select(LtiScoreSent).order_by(LtiScoreSent.id)).scalars().all()
    assert [(s.status, s.score_given) for s in sent] == [("sent", 0), ("sent", 100)]
    assert sent[0].attempt_id == failed


def test_an_lms_instructor_teaches_the_course_and_syncs_the_roster(lms_world, clock):
    app, base, platform = lms_world
    lms.place(base, platform, ["course/basics"])
    teacher = browser()
    response, _ = lms.start(platform, teacher, user="teacher-1",
                            link=lms.link_id(platform, "course/basics"))
    db.session.remove()
    link = db.session.execute(select(LtiLink)).scalar_one()
    assert response.headers["Location"].endswith(f"/lti/links/{link.id}")  # the link's page
    teacher_user = db.session.execute(select(User).filter_by(name="Tess Teacher")).scalar_one()
    assert teacher_user.role == "instructor"
    assert db.session.get(CourseInstructor, (teacher_user.id, link.course_id)) is not None
    lms.add_users(platform, {"learner-3": {"name": "Left Learner", "roles": lms.LEARNER,
                                           "status": "Inactive"}})
    page = teacher.get(f"{base}/lti/links/{link.id}", timeout=10)
    assert page.status_code == 200 and 'href="/courses/basics"' in page.text
    synced = teacher.post(f"{base}/lti/links/{link.id}/roster", timeout=10,
                          data={"csrf_token": csrf_of(page.text)})
    assert synced.status_code == 200 and "2 learners enrolled" in synced.text
    db.session.remove()
    enrolled = db.session.execute(
        select(User.name).join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.cohort_id == link.cohort_id)).scalars().all()
    assert sorted(enrolled) == ["Lee Learner", "Lou Learner"]
    # The roster's people are matched by sub on their own launch later: no second account.
    learner = browser()
    lms.start(platform, learner, user="learner-1", link=lms.link_id(platform, "course/basics"))
    db.session.remove()
    assert db.session.execute(select(func.count()).select_from(User)
                              .where(User.name == "Lee Learner")).scalar() == 1
    # Someone else's link page is not theirs to see.
    assert learner.get(f"{base}/lti/links/{link.id}", timeout=10).status_code == 404


@pytest.mark.parametrize("tamper, reason", [
    ("bad_signature", "signature does not match"),
    ("wrong_audience", "audience"),
    ("expired", "has expired"),
])
def test_a_spoiled_id_token_is_refused_and_nothing_is_written(lms_world, tamper, reason):
    app, base, platform = lms_world
    lms.place(base, platform, ["quiz/intro-quiz"])
    db.session.remove()
    users_before = db.session.execute(select(func.count()).select_from(User)).scalar()
    learner = browser()
    response, _ = lms.start(platform, learner, user="learner-1", tamper=tamper,
                            link=lms.link_id(platform, "quiz/intro-quiz"))
    assert response.status_code == 400 and reason.lower() in response.text.lower()
    db.session.remove()
    assert db.session.execute(select(func.count()).select_from(User)).scalar() == users_before
    assert learner.get(f"{base}/quizzes/intro-quiz", allow_redirects=False,
                       timeout=10).status_code == 302  # not signed in


def test_a_replayed_launch_is_refused(lms_world):
    app, base, platform = lms_world
    lms.place(base, platform, ["quiz/intro-quiz"])
    learner = browser()
    first, posted = lms.start(platform, learner, user="learner-1",
                              link=lms.link_id(platform, "quiz/intro-quiz"))
    assert first.status_code == 302
    again = learner.post(f"{base}/lti/launch", data=posted, allow_redirects=False, timeout=10)
    assert again.status_code == 400 and "nonce" in again.text.lower()
    stranger = browser()  # the same token from another browser: no state cookie
    stolen = stranger.post(f"{base}/lti/launch", data=posted, allow_redirects=False, timeout=10)
    assert stolen.status_code == 400 and "state" in stolen.text.lower()


def test_the_tool_key_set_is_what_the_platform_checks_signatures_with(lms_world):
    app, base, platform = lms_world
    keys = browser().get(f"{base}/lti/keys.json", timeout=10).json()["keys"]
    assert [key["kty"] for key in keys] == ["RSA"] and keys[0]["alg"] == "RS256"
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", keys[0]["kid"])
    lms.place(base, platform, ["quiz/intro-quiz"])  # the platform verified a signed response
    assert lms.platform_state(platform)["deep_link_items"]


def test_keys_rotate_and_the_old_one_stays_published(tool, clock):
    from tpcourse.integrations.lti import keys

    app, base = tool
    first = keys.signing_key(app.config, clock()).kid
    second = keys.rotate(app.config, clock())
    assert keys.signing_key(app.config, clock()).kid == second != first
    assert {k["kid"] for k in keys.key_set(app.config, clock())["keys"]} == {first, second}
    clock.advance(days=keys.KEEP_RETIRED_DAYS + 1)
    assert {k["kid"] for k in keys.key_set(app.config, clock())["keys"]} == {second}
    stored = db.session.execute(select(LtiToolKey.private_key)).scalars().all()
    assert all(value.startswith("sealed:") and "PRIVATE KEY" not in value for value in stored)
