"""Evidence of practical skills: photos and short videos uploaded by the trainee or an
assessor, checked by their bytes (never their name), kept in the file store, and served only
to the trainee, the course's instructors, their school's admins and site admins."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

import filetype
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...models import Enrollment, SkillEvidence, User
from ...permissions.certification import can_see_evidence
from ..errors import NotFound, ServiceError
from ..learning.learning import current_version, instructs
from ..records.audit import actor_of, record_event
from ..storage import StoredFileMissing, file_store

ALLOWED_TYPES = {
    "image/jpeg": "photo", "image/png": "photo", "image/webp": "photo",
    "video/mp4": "video", "video/webm": "video", "video/quicktime": "video",
}
CAPTION_MAX = 200


class EvidenceRefused(ServiceError):
    """The upload cannot be kept; the message says why and what to send instead."""

    status = 422


def evidence_type(data: bytes) -> str | None:
    """Return the media type the bytes really are, when it is an allowed photo or video;
    None for anything else (an executable renamed .jpg included)."""
    guessed = filetype.guess(data[:8192]) if data else None
    return guessed.mime if guessed is not None and guessed.mime in ALLOWED_TYPES else None


def max_evidence_bytes() -> int:
    """The largest evidence file accepted (TPCOURSE_EVIDENCE_MAX_BYTES)."""
    return int(current_app.config["TPCOURSE_EVIDENCE_MAX_BYTES"])


def check_upload(data: bytes) -> str:
    """Return the upload's media type, or refuse it with a sentence."""
    limit = max_evidence_bytes()
    if not data:
        raise EvidenceRefused(_("Choose a photo or a short video to upload."))
    if len(data) > limit:
        raise EvidenceRefused(_("The file is %(size)s bytes; evidence may be at most %(limit)s "
                                "bytes. Send a smaller photo or a shorter video.",
                                size=f"{len(data):,}", limit=f"{limit:,}"))
    media_type = evidence_type(data)
    if media_type is None:
        raise EvidenceRefused(_("This file is not a photo (JPEG, PNG, WebP) or a video (MP4, "
                                "WebM, QuickTime); its contents were checked, not its name."))
    return media_type


def _skill_of(version, skill_key: str) -> dict:
    for skill in version.practical_skills or []:
        if skill["key"] == skill_key:
            return skill
    raise NotFound(_("This course has no such practical skill."))


def add_evidence(viewer: User, slug: str, trainee_id: int, skill_key: str, data: bytes,
                 caption: str, now: datetime) -> SkillEvidence:
    """Keep a photo or video for one skill of one trainee. The trainee adds their own; the
    course's instructors (and admins) add anyone's in the course. Audited."""
    version = current_version(slug)
    _skill_of(version, skill_key)
    enrolled = db.session.execute(select(Enrollment.id).filter_by(
        user_id=trainee_id, course_id=version.course_id)).first() is not None
    teaches = viewer.role == "admin" or instructs(viewer, version.course_id)
    if not enrolled or not (teaches or viewer.id == trainee_id):
        raise NotFound(_("No such trainee or skill among your courses."))
    caption = (caption or "").strip()
    if len(caption) > CAPTION_MAX:
        raise EvidenceRefused(_("Keep the caption under %(count)s characters.",
                                count=CAPTION_MAX))
    media_type = check_upload(data)
    evidence = SkillEvidence(id=secrets.token_urlsafe(16), user_id=trainee_id,
                             course_id=version.course_id, skill_key=skill_key,
                             uploaded_by_id=viewer.id, uploaded_at=now,
                             storage_key=secrets.token_urlsafe(24), content_type=media_type,
                             size=len(data), caption=caption)
    file_store().put(evidence.storage_key, data, media_type)
    db.session.add(evidence)
    db.session.flush()
    record_event("skill.evidence_added", {
        "evidence": evidence.id, "user": trainee_id, "course": version.course_id,
        "skill": skill_key, "content_type": media_type, "size": len(data)},
        actor_of(viewer), now)
    db.session.commit()
    return evidence


@dataclass(frozen=True)
class EvidenceFile:
    """An evidence file's row and bytes, for the serving route."""

    evidence: SkillEvidence
    data: bytes


def evidence_file(viewer: User, evidence_id: str) -> EvidenceFile:
    """Return an evidence file the viewer may see; NotFound for any other (ids do not leak)."""
    evidence = db.session.get(SkillEvidence, evidence_id) if len(evidence_id) <= 32 else None
    if evidence is None:
        raise NotFound(_("No such file."))
    trainee = db.session.get(User, evidence.user_id)
    if not can_see_evidence(viewer, trainee.id, trainee.school_id,
                            instructs(viewer, evidence.course_id)):
        raise NotFound(_("No such file."))
    try:
        return EvidenceFile(evidence, file_store().get(evidence.storage_key))
    except StoredFileMissing:
        raise NotFound(_("The file is no longer kept.")) from None


def evidence_of(trainee_id: int, course_id: int) -> dict[str, list[SkillEvidence]]:
    """Return a trainee's evidence in a course, by skill key, oldest first."""
    found: dict[str, list[SkillEvidence]] = {}
    for evidence in db.session.execute(select(SkillEvidence).filter_by(
            user_id=trainee_id, course_id=course_id).order_by(SkillEvidence.uploaded_at)
            ).scalars():
        found.setdefault(evidence.skill_key, []).append(evidence)
    return found


def forget_evidence(user_id: int) -> int:
    """Remove a trainee's evidence files and rows (their account is being deleted: photos
    and videos of a person are not part of the records kept); the caller commits."""
    store, removed = None, 0
    for evidence in db.session.execute(select(SkillEvidence).filter_by(user_id=user_id)
                                       ).scalars():
        store = store or file_store()
        store.delete(evidence.storage_key)
        db.session.delete(evidence)
        removed += 1
    return removed
