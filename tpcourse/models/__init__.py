"""SQLAlchemy models, one module per aggregate."""

from .analysis import AnalysisSnapshot
from .authoring import BankUpload, CourseDraft, LessonDraft, QuizDraft
from .certification import EvaluationResponse, ReminderSent, SkillEvidence, SkillSignoff
from .course import (
    Cohort,
    ContentTranslation,
    Course,
    CourseInstructor,
    CourseVersion,
    Enrollment,
    Lesson,
    LessonProgress,
    Module,
)
from .export_job import ExportJob
from .grading import EssayGrade, GradeOverride
from .notification import EmailDelivery, Notification, NotificationOptOut
from .quiz import Accommodation, Attempt, Quiz, QuizVersion
from .record import CompletionRecord
from .school import ApiToken, AuditEvent, AuditHead, AuditPending
from .sessions import PracticalSession, SessionSignup
from .types import utcnow
from .user import (
    PASSWORD_NOT_CHOSEN,
    ROLES,
    SESSION_USER_COLUMNS,
    AnyUser,
    ClaimedUser,
    School,
    SessionUser,
    User,
    UserSession,
    identity_parts,
    join_live_session,
)
from .webhook import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent

__all__ = [
    "PASSWORD_NOT_CHOSEN", "ROLES", "Accommodation", "AnalysisSnapshot", "AnyUser", "ApiToken",
    "ContentTranslation",
    "Attempt",
    "AuditEvent", "AuditHead",
    "AuditPending", "BankUpload", "ClaimedUser", "SESSION_USER_COLUMNS",
    "Cohort",
    "CompletionRecord", "Course", "CourseDraft", "EvaluationResponse", "LessonDraft", "QuizDraft",
    "ReminderSent", "SkillSignoff",
    "CourseInstructor", "CourseVersion", "Enrollment", "Lesson", "LessonProgress", "Module",
    "Quiz", "QuizVersion", "School", "SessionUser", "User", "UserSession", "identity_parts",
    "join_live_session", "utcnow", "EmailDelivery", "Notification", "NotificationOptOut",
    "WebhookAttempt", "WebhookDelivery", "WebhookEndpoint", "WebhookEvent", "ExportJob",
    "EssayGrade", "GradeOverride", "SkillEvidence", "PracticalSession", "SessionSignup",
]


def _import_all_model_modules() -> None:
    """Import every module in this package so the metadata knows every table."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


_import_all_model_modules()
