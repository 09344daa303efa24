"""Practical-skill sign-offs: a course's instructors confirm each skill for each trainee."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import gettext
from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...grading.practical import read_levels
from ...models import (
    CompletionRecord,
    Course,
    CourseInstructor,
    CourseVersion,
    Enrollment,
    EvaluationResponse,
    SkillSignoff,
    User,
)
from ...permissions.certification import can_sign_off_skills
from ..errors import Conflict, NotFound, ServiceError
from ..learning.learning import current_version, instructs
from ..records.audit import actor_of, record_event
from .completion import check_completion, record_for

NOTE_MAX = 1000
PLACE_MAX = 200


def taught_courses(viewer: User) -> list[CourseVersion]:
    """Return the current versions of the courses the viewer teaches (admins: every course)."""
    query = (select(CourseVersion).join(Course, Course.id == CourseVersion.course_id)
             .where(CourseVersion.version == Course.current_version)
             .order_by(CourseVersion.title))
    if viewer.role != "admin":
        query = query.join(CourseInstructor, CourseInstructor.course_id == Course.id).where(
            CourseInstructor.user_id == viewer.id)
    return list(db.session.execute(query).scalars())


def taught_version(viewer: User, slug: str) -> CourseVersion:
    """Return a course's current version if the viewer teaches it; 404 for anyone else."""
    version = current_version(slug)
    if not can_sign_off_skills(viewer, instructs(viewer, version.course_id)):
        raise NotFound(_("No such course among the courses you teach."))
    return version


@dataclass(frozen=True)
class TraineeRow:
    """A trainee of the course with how far their sign-offs and certificate are."""

    user: User
    signed: int
    evaluated: bool
    record: CompletionRecord | None


TRAINEES_PER_PAGE = 50


@dataclass(frozen=True)
class SheetPage:
    """One page of a course's trainees, by name."""

    rows: list[TraineeRow]
    page: int
    pages: int
    total: int


def course_sheet(viewer: User, slug: str, search: str = "",
                 page: int = 1) -> tuple[CourseVersion, SheetPage]:
    """Return the course and a page of its enrolled trainees (optionally filtered by name or
    email), each with their sign-offs, evaluation and record: five statements, whatever the
    size of the course."""
    version = taught_version(viewer, slug)
    query = (select(User).join(Enrollment, Enrollment.user_id == User.id)
             .where(Enrollment.course_id == version.course_id))
    if search.strip():
        typed = search.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{typed}%"
        query = query.where(or_(func.lower(User.name).like(pattern, escape="\\"),
                                User.email.like(pattern, escape="\\")))
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    pages = max(1, -(-total // TRAINEES_PER_PAGE))
    page = min(max(page, 1), pages)
    trainees = list(db.session.execute(
        query.order_by(User.name, User.id).limit(TRAINEES_PER_PAGE)
        .offset((page - 1) * TRAINEES_PER_PAGE)).scalars())
    ids = [user.id for user in trainees]
    keys = [skill["key"] for skill in version.practical_skills or []]
    signed = dict(db.session.execute(
        select(SkillSignoff.user_id, func.count(SkillSignoff.id))
        .where(SkillSignoff.course_id == version.course_id, SkillSignoff.skill_key.in_(keys),
               SkillSignoff.user_id.in_(ids))
        .group_by(SkillSignoff.user_id)).all())
    evaluated = set(db.session.execute(select(EvaluationResponse.user_id).where(
        EvaluationResponse.course_id == version.course_id,
        EvaluationResponse.user_id.in_(ids))).scalars())
    records = {r.user_id: r for r in db.session.execute(select(CompletionRecord).where(
        CompletionRecord.course_id == version.course_id,
        CompletionRecord.user_id.in_(ids))).scalars()}
    rows = [TraineeRow(user, signed.get(user.id, 0), user.id in evaluated, records.get(user.id))
            for user in trainees]
    return version, SheetPage(rows, page, pages, total)


@dataclass(frozen=True)
class TraineeSkill:
    """One practical skill of the course and its sign-off for the trainee, if any."""

    key: str
    text: str
    signoff: SkillSignoff | None
    signer: User | None
    rubric: tuple = ()  # criteria {id, text, levels}
    evidence: tuple = ()  # SkillEvidence rows, oldest first


def enrolled_trainee(version: CourseVersion, trainee_id: int) -> User:
    """Return a trainee enrolled in the course; 404 for anyone else."""
    trainee = db.session.execute(
        select(User).join(Enrollment, Enrollment.user_id == User.id)
        .where(User.id == trainee_id, Enrollment.course_id == version.course_id)
    ).scalar_one_or_none()
    if trainee is None:
        raise NotFound(_("No trainee with this number is enrolled in the course."))
    return trainee


def trainee_sheet(viewer: User, slug: str, trainee_id: int) -> tuple[
        CourseVersion, User, list[TraineeSkill], CompletionRecord | None]:
    """Return the course, the trainee, each skill with its sign-off, and their record."""
    version = taught_version(viewer, slug)
    trainee = enrolled_trainee(version, trainee_id)
    signoffs = {s.skill_key: s for s in db.session.execute(select(SkillSignoff).filter_by(
        user_id=trainee.id, course_id=version.course_id)).scalars()}
    signer_ids = {s.signed_by_id for s in signoffs.values()}
    signers = {u.id: u for u in db.session.execute(
        select(User).where(User.id.in_(signer_ids))).scalars()} if signer_ids else {}
    return version, trainee, skill_rows(version, trainee, signoffs, signers), \
        record_for(trainee, version.course_id)


def skill_rows(version: CourseVersion, trainee: User, signoffs: dict[str, SkillSignoff],
               signers: dict[int, User]) -> list[TraineeSkill]:
    """Each skill of the course with the trainee's sign-off, its rubric and evidence."""
    from .evidence import evidence_of

    evidence = evidence_of(trainee.id, version.course_id)
    skills = []
    for skill in version.practical_skills or []:
        signoff = signoffs.get(skill["key"])
        skills.append(TraineeSkill(skill["key"], skill["text"], signoff,
                                   signers.get(signoff.signed_by_id) if signoff else None,
                                   tuple(skill.get("rubric") or ()),
                                   tuple(evidence.get(skill["key"], ()))))
    return skills


def my_skills(user: User, slug: str) -> tuple[CourseVersion, list[TraineeSkill]]:
    """Return a trainee's own skills in a course they are enrolled in; 404 otherwise."""
    version = current_version(slug)
    trainee = enrolled_trainee(version, user.id)
    signoffs = {s.skill_key: s for s in db.session.execute(select(SkillSignoff).filter_by(
        user_id=trainee.id, course_id=version.course_id)).scalars()}
    signer_ids = {s.signed_by_id for s in signoffs.values()}
    signers = {u.id: u for u in db.session.execute(
        select(User).where(User.id.in_(signer_ids))).scalars()} if signer_ids else {}
    return version, skill_rows(version, trainee, signoffs, signers)


def _skill_text(version: CourseVersion, skill_key: str) -> str:
    for skill in version.practical_skills or []:
        if skill["key"] == skill_key:
            return skill["text"]
    raise NotFound(_("This course has no such practical skill."))


class LevelsRefused(ServiceError):
    """A rubric's levels cannot sign the skill off; `errors` by criterion id."""

    status = 422

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


def rubric_of(version: CourseVersion, skill_key: str) -> list[dict]:
    """Return a skill's rubric criteria (none for a skill signed off with a tick)."""
    for skill in version.practical_skills or []:
        if skill["key"] == skill_key:
            return list(skill.get("rubric") or [])
    return []


def sign_off(viewer: User, slug: str, trainee_id: int, skill_key: str, signed_on: date,
             note: str, now: datetime, levels: dict[str, str] | None = None,
             place: str = "") -> tuple[SkillSignoff, CompletionRecord | None]:
    """Sign a skill off for a trainee (audited), with the rubric's level per criterion and
    the place of the assessment; issue their record if that was the last step."""
    version = taught_version(viewer, slug)
    trainee = enrolled_trainee(version, trainee_id)
    _skill_text(version, skill_key)
    if signed_on > now.astimezone(UTC).date():
        raise ServiceError(_("The sign-off date cannot be in the future."))
    note, place = (note or "").strip(), (place or "").strip()
    if len(note) > NOTE_MAX:
        raise ServiceError(_("Keep the note under %(count)s characters.", count=NOTE_MAX))
    if len(place) > PLACE_MAX:
        raise ServiceError(_("Keep the place under %(count)s characters.", count=PLACE_MAX))
    rubric = rubric_of(version, skill_key)
    chosen = None
    if rubric:
        chosen, errors = read_levels(rubric, levels or {}, say=gettext)
        if errors:
            raise LevelsRefused(errors)
    signoff = SkillSignoff(user_id=trainee.id, course_id=version.course_id, skill_key=skill_key,
                           signed_by_id=viewer.id, note=note, levels=chosen, place=place,
                           signed_at=datetime.combine(signed_on, datetime.min.time(), UTC))
    db.session.add(signoff)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise Conflict(_("This skill is already signed off for this trainee.")) from None
    record_event("skill.signed_off", {
        "signoff": signoff.id, "user": trainee.id, "course": version.course_id,
        "course_version": version.id, "skill": skill_key, "signed_on": signed_on.isoformat(),
        "note": note, **({"levels": chosen} if chosen else {}),
        **({"place": place} if place else {})}, actor_of(viewer), now)
    from ..notifications import announce

    announce.skill_signed_off(signoff.id, trainee, version, _skill_text(version, skill_key), now)
    db.session.commit()
    return signoff, check_completion(trainee, version.course_id, now, actor=viewer)


def withdraw(viewer: User, slug: str, trainee_id: int, skill_key: str, now: datetime) -> None:
    """Withdraw a sign-off made in error (audited); refused once the record exists."""
    version = taught_version(viewer, slug)
    trainee = enrolled_trainee(version, trainee_id)
    signoff = db.session.execute(select(SkillSignoff).filter_by(
        user_id=trainee.id, course_id=version.course_id, skill_key=skill_key)
        .with_for_update()).scalar_one_or_none()
    if signoff is None:
        raise NotFound(_("This skill is not signed off for this trainee."))
    if record_for(trainee, version.course_id) is not None:
        raise Conflict(_("The trainee's certificate is already issued, so its sign-offs stay "
                         "on record. If a sign-off was wrong, ask a school admin to revoke the "
                         "certificate."))
    record_event("skill.signoff_withdrawn", {
        "signoff": signoff.id, "user": trainee.id, "course": version.course_id,
        "skill": skill_key, "signed_on": signoff.signed_at.date().isoformat(),
        "signed_by": signoff.signed_by_id}, actor_of(viewer), now)
    db.session.delete(signoff)
    db.session.commit()
