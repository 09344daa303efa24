"""Item analysis of a quiz version from stored attempts, for the course's instructors.

Reads the graded attempts of one version in a single query (columns only, no ORM objects),
turns them into `tpcourse.analysis` records and lets that pure package do the statistics.

The report is kept (`analysis_snapshots`, one per version and selection mode) with the stamp
of the attempts it was computed from. A page load checks the stamp with one aggregate query:
a current snapshot is shown as it is; a stale one (grades arrived since) is shown with what
it is missing while a background job computes the new one; with no snapshot yet, the page
computes it. So a quiz with 50,000 attempts does not make every visit re-read them all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

import msgspec
from flask_babel import gettext as _
from sqlalchemy import Text, cast, delete, func, select
from sqlalchemy.exc import IntegrityError

from ...analysis import (
    AttemptResponses,
    QuestionMeta,
    QuizAnalysis,
    analyse,
    analysis_csv,
    select_attempts,
)
from ...analysis.charts import facility_bars_svg, histogram_svg, hotspot_heatmap_svg
from ...analysis.hotspot import hotspot_points
from ...analysis.records import RecordBuilder
from ...extensions import db
from ...models import AnalysisSnapshot, Attempt, Quiz, QuizVersion, User, utcnow
from ...permissions import authoring as author_permissions
from ..errors import NotFound
from ..jobs import enqueue
from ..jobs.registry import job
from ..learning.learning import instructs
from .quizzes import assets_dir, course_objectives

MODES = ("first", "highest", "all")
GRADED = ("submitted", "expired")
CHOICE_TYPES = ("single", "multiple")
CHUNK = 2000  # attempts per fetch while streaming


def _quiz_for_analysis(user: User, slug: str) -> Quiz:
    quiz = db.session.execute(select(Quiz).filter_by(slug=slug)).scalar_one_or_none()
    if quiz is None or not author_permissions.can_see_analysis(
            user, quiz.course_id is not None and instructs(user, quiz.course_id)):
        raise NotFound(_("No such quiz."))
    return quiz


def _version(quiz: Quiz, number: int | None) -> QuizVersion:
    version = db.session.execute(select(QuizVersion).filter_by(
        quiz_id=quiz.id, version=number or quiz.current_version)).scalar_one_or_none()
    if version is None:
        raise NotFound(_("No such version of this quiz."))
    return version


def question_meta(data: dict[str, Any]) -> list[QuestionMeta]:
    """Describe a version's questions for the analysis, in the quiz's order."""
    metas = []
    for q in data["questions"]:
        if q["type"] in CHOICE_TYPES:
            options = tuple(o["id"] for o in q["options"])
        elif q["type"] == "true_false":
            options = ("true", "false")
        else:
            options = ()
        metas.append(QuestionMeta(q["id"], q["type"], float(q["points"]), q.get("objective"),
                                  tuple(q.get("tags") or ()), options))
    return metas


_decode = msgspec.json.Decoder().decode


def _loads(text: str | None) -> Any:
    """Decode a JSON column read as text: msgspec, or the standard library where it refuses.

    msgspec gives what `json.loads` gives (arbitrary-size integers included); the only texts it
    refuses that `json` accepts (NaN, Infinity, numbers that overflow to infinity, lone
    surrogates) fall back, so every row decodes exactly as the ORM column would read it.
    """
    if text is None:
        return None
    try:
        return _decode(text)
    except msgspec.DecodeError:
        return json.loads(text)


def attempt_records(version: QuizVersion) -> list[AttemptResponses]:
    """Return the version's graded attempts as analysis records (one streamed query, one pass).

    Reads five columns, no ORM objects; the JSON columns come as text (decoded here, once) and
    rows arrive in chunks of CHUNK, so memory holds the records, not the result set.
    """
    builder = RecordBuilder({q["id"]: q["type"] for q in version.data["questions"]})
    result = db.session.execute(
        select(Attempt.id, Attempt.user_id, Attempt.submitted_at,
               cast(Attempt.responses, Text), cast(Attempt.results, Text))
        .where(Attempt.quiz_version_id == version.id, Attempt.status.in_(GRADED),
               Attempt.submitted_at.is_not(None),
               Attempt.passed.is_not(None))  # essays awaiting grading: not analysed yet
        .execution_options(yield_per=CHUNK))
    records = []
    for rows in result.partitions():
        records += [builder.record(attempt_id, user_id, submitted_at, _loads(responses),
                                   _loads(results))
                    for attempt_id, user_id, submitted_at, responses, results in rows]
    return records


class Stamp(NamedTuple):
    """What a version's graded attempts look like now: count, latest submission, score sum."""

    graded: int
    last_submitted_at: datetime | None
    score_sum: float | None


@dataclass(frozen=True)
class Freshness:
    """How current a kept report is: when computed, over how many attempts, and how many
    graded attempts it does not include yet (0: current)."""

    computed_at: datetime
    graded: int
    waiting: int


_encode_report = msgspec.json.Encoder().encode
_decode_report = msgspec.json.Decoder(QuizAnalysis).decode


def attempts_stamp(version_id: int) -> Stamp:
    """The stamp of a version's graded attempts now (one aggregate query)."""
    row = db.session.execute(
        select(func.count(), func.max(Attempt.submitted_at), func.sum(Attempt.score))
        .where(Attempt.quiz_version_id == version_id, Attempt.status.in_(GRADED),
               Attempt.submitted_at.is_not(None))).one()
    return Stamp(row[0], row[1], None if row[2] is None else round(float(row[2]), 6))


def _same(snapshot: AnalysisSnapshot, stamp: Stamp) -> bool:
    kept = None if snapshot.score_sum is None else round(snapshot.score_sum, 6)
    return (snapshot.graded, snapshot.last_submitted_at, kept) == stamp


def _compute(version: QuizVersion, mode: str) -> QuizAnalysis:
    return analyse(_selected(version, mode), question_meta(version.data))


def _store(version_id: int, mode: str, stamp: Stamp, report: QuizAnalysis) -> None:
    """Replace the version's kept report for `mode` (a concurrent writer's copy is as good)."""
    try:
        db.session.execute(delete(AnalysisSnapshot).where(
            AnalysisSnapshot.quiz_version_id == version_id, AnalysisSnapshot.mode == mode))
        db.session.add(AnalysisSnapshot(
            quiz_version_id=version_id, mode=mode, graded=stamp.graded,
            last_submitted_at=stamp.last_submitted_at, score_sum=stamp.score_sum,
            computed_at=utcnow(), report=_encode_report(report).decode()))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()


def current_report(version: QuizVersion, mode: str,
                   refresh: bool = False) -> tuple[QuizAnalysis, Freshness | None]:
    """The version's report for `mode` and how current it is (None: computed just now).

    A current snapshot is returned as it is. A stale one is returned with how many graded
    attempts it lacks, and the job `analysis.refresh` is queued to replace it (`refresh=True`,
    as the job and the "Recompute now" button do, computes instead). No snapshot: computed."""
    stamp = attempts_stamp(version.id)
    snapshot = db.session.execute(select(AnalysisSnapshot).filter_by(
        quiz_version_id=version.id, mode=mode)).scalar_one_or_none()
    if snapshot is not None and _same(snapshot, stamp):
        return (_decode_report(snapshot.report),
                Freshness(snapshot.computed_at, snapshot.graded, 0))
    if snapshot is not None and not refresh:
        enqueue(refresh_analysis, [version.id, mode], key=f"analysis:{version.id}:{mode}",
                after_commit=False)
        return (_decode_report(snapshot.report), Freshness(
            snapshot.computed_at, snapshot.graded, max(stamp.graded - snapshot.graded, 1)))
    report = _compute(version, mode)
    _store(version.id, mode, stamp, report)
    return report, None


@job("analysis.refresh")
def refresh_analysis(version_id: int, mode: str) -> int:
    """Compute a version's kept report again if grades arrived since; return its attempts."""
    version = db.session.get(QuizVersion, version_id)
    if version is None or mode not in MODES:
        return 0
    report, _freshness = current_report(version, mode, refresh=True)
    return report.quiz.n_attempts


@dataclass
class AnalysisPage:
    """Everything the analysis page shows for one version and one selection of attempts."""

    quiz: Quiz
    version: QuizVersion
    versions: list[tuple[Any, int]]  # rows of (id, version), with graded attempts
    mode: str
    report: QuizAnalysis
    questions: dict[str, dict[str, Any]]
    objectives: dict[str, str]
    charts: dict[str, str]
    hotspots: list[dict[str, Any]]
    freshness: Freshness | None = None  # None: computed for this page


def _versions(quiz: Quiz) -> list[tuple[Any, int]]:
    """Each version's id and number (not its questions) with its count of graded attempts."""
    counts = dict(db.session.execute(
        select(Attempt.quiz_version_id, func.count()).where(
            Attempt.quiz_id == quiz.id, Attempt.status.in_(GRADED))
        .group_by(Attempt.quiz_version_id)).all())
    versions = db.session.execute(select(QuizVersion.id, QuizVersion.version)
                                  .filter_by(quiz_id=quiz.id)
                                  .order_by(QuizVersion.version.desc())).all()
    return [(v, counts.get(v.id, 0)) for v in versions]


def _selected(version: QuizVersion, mode: str) -> list[AttemptResponses]:
    return select_attempts(attempt_records(version), mode if mode in MODES else "first")


def analysis_page(user: User, slug: str, version_number: int | None, mode: str,
                  refresh: bool = False) -> AnalysisPage:
    """Analyse one version of a quiz over the chosen attempts (first, highest or all)."""
    quiz = _quiz_for_analysis(user, slug)
    version = _version(quiz, version_number)
    mode = mode if mode in MODES else "first"
    report, freshness = current_report(version, mode, refresh)
    charts = {
        "histogram": histogram_svg(report.quiz.histogram, title=_("Scores of the attempts"),
                                   say=_),
        "facility": facility_bars_svg([(i.question_id, i.facility) for i in report.items],
                                      title=_("Facility by question"), say=_),
        "objectives": facility_bars_svg([(g.key, g.facility) for g in report.objectives],
                                        title=_("Facility by objective"), say=_),
        "tags": facility_bars_svg([(g.key, g.facility) for g in report.tags],
                                  title=_("Facility by body region (tag)"), say=_),
    }
    questions = {q["id"]: q for q in version.data["questions"]}
    return AnalysisPage(quiz, version, _versions(quiz), mode, report, questions,
                        course_objectives(quiz.course_id) or {}, charts,
                        [q for q in version.data["questions"] if q["type"] == "hotspot"],
                        freshness)


def analysis_csv_file(user: User, slug: str, version_number: int | None,
                      mode: str) -> tuple[str, str]:
    """Return (file name, CSV text) of the analysis."""
    quiz = _quiz_for_analysis(user, slug)
    version = _version(quiz, version_number)
    mode = mode if mode in MODES else "first"
    report, _freshness = current_report(version, mode, refresh=True)  # a download is current
    return f"{slug}-v{version.version}-{mode}-analysis.csv", analysis_csv(report)


def chart_regions(regions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give rect regions as polygons: the chart draws circles and polygons."""
    shapes = []
    for region in regions:
        if region.get("shape") == "rect":
            x, y, w, h = (region[k] for k in ("x", "y", "width", "height"))
            shapes.append({"shape": "polygon", "points": [[x, y], [x + w, y], [x + w, y + h],
                                                          [x, y + h]]})
        else:
            shapes.append(region)
    return shapes


def heatmap_svg(user: User, slug: str, version_number: int | None, mode: str,
                question_id: str) -> str:
    """Draw where trainees clicked on a hotspot question, over its body map."""
    quiz = _quiz_for_analysis(user, slug)
    version = _version(quiz, version_number)
    question = next((q for q in version.data["questions"]
                     if q["id"] == question_id and q["type"] == "hotspot"), None)
    image = assets_dir() / question["image"] if question else None
    if question is None or "/" in question["image"] or not image.is_file():
        raise NotFound(_("No such body-map question."))
    points = hotspot_points(_selected(version, mode), question_id)
    return hotspot_heatmap_svg(image.read_text(encoding="utf-8"), points,
                               chart_regions(question["regions"]),
                               title=_("Where trainees clicked: %(id)s", id=question_id), say=_)
