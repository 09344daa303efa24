"""Preview an uploaded question bank in the studio before any of it lands in the draft.

The upload is kept (`bank_uploads`) under a random id for its author; the preview parses it,
checks each question as `content check` would and draws it as a trainee would see it; the
author unticks what they do not want and confirms, which parses the file again (nothing
parsed is taken back from the browser) and adds the ticked questions to the draft.
"""

from __future__ import annotations

import random
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete

from ...banks import BankImport, BankProblem
from ...extensions import db
from ...grading.types import question_type
from ...models import BankUpload, User
from ..errors import NotFound, ServiceError
from .bank_import import ImportOutcome, asset_folder, land, read_bank
from .quizzes import Workspace, validate, workspace

UPLOAD_LIFETIME = timedelta(days=1)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")  # what token_urlsafe makes; anything else is 404


@dataclass
class PreviewItem:
    """One imported question as the preview shows it."""

    index: int
    line: int
    source: str
    question: dict[str, Any]  # as the bank gave it (quiz-file shape)
    spec: dict[str, Any] | None  # as a version would store it, when it passes the checks
    order: list[str]  # a display order of its choices, drawn as for a trainee
    warnings: list[BankProblem] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)  # what `content check` would say


@dataclass
class ImportPreview:
    """What an uploaded bank would add, question by question."""

    upload: BankUpload
    ws: Workspace
    items: list[PreviewItem]
    skipped: list[BankProblem]  # errors, and notes on questions that were not imported
    files: list[str]
    asset_prefix: str


def stage_upload(user: User, slug: str, data: bytes, filename: str, fmt: str, scoring: str,
                 replace: bool, now: datetime) -> tuple[str | None, BankImport]:
    """Keep an uploaded bank for its author to preview: (the upload's id, the parse).

    A file with no importable question is not kept (id None): its problems are all there is.
    """
    ws = workspace(user, slug)
    result = read_bank(data, fmt, scoring, f"assets/{asset_folder(ws)}/")
    if not result.questions:
        return None, result
    db.session.execute(delete(BankUpload).where(BankUpload.created_at < now - UPLOAD_LIFETIME))
    upload = BankUpload(id=secrets.token_urlsafe(24), quiz_slug=slug, user_id=user.id,
                        format=fmt, scoring=scoring, replace=replace,
                        filename=(filename or "bank")[:255], data=data, created_at=now)
    db.session.add(upload)
    db.session.commit()
    return upload.id, result


def _upload(user: User, slug: str, token: str, now: datetime) -> tuple[Workspace, BankUpload]:
    ws = workspace(user, slug)
    upload = db.session.get(BankUpload, token) if _TOKEN.fullmatch(token) else None
    if upload is None or upload.user_id != user.id or upload.quiz_slug != slug \
            or upload.created_at < now - UPLOAD_LIFETIME:
        raise NotFound(_("This upload is not available any more: upload the file again."))
    return ws, upload


def _read(ws: Workspace, upload: BankUpload) -> tuple[BankImport, str]:
    prefix = f"assets/{asset_folder(ws)}/"
    return read_bank(upload.data, upload.format, upload.scoring, prefix), prefix


def preview_upload(user: User, slug: str, token: str, now: datetime) -> ImportPreview:
    """Parse a kept upload and check and draw each of its questions."""
    ws, upload = _upload(user, slug, token, now)
    result, prefix = _read(ws, upload)
    settings = {k: v for k, v in ws.data.items() if k not in ("questions", "draw")}
    spec, problems = validate({**settings, "slug": slug, "questions": result.questions},
                              ws.objectives)
    by_id = {q["id"]: q for q in (spec.data["questions"] if spec else [])}
    rng = random.Random(secrets.randbits(32))
    items = []
    for index, question in enumerate(result.questions):
        normalised = by_id.get(question.get("id"))
        order = question_type(normalised["type"]).draw_order(normalised, rng, True) \
            if normalised else []
        items.append(PreviewItem(
            index, result.lines[index], next((p.source for p in result.problems
                                              if p.question == index), ""),
            question, normalised, order,
            [p for p in result.problems if p.question == index],
            [p.message for p in problems if p.path[:2] == ("questions", index)]))
    skipped = [p for p in result.problems if p.question is None]
    return ImportPreview(upload, ws, items, skipped, sorted(result.files), prefix)


def upload_image(user: User, slug: str, token: str, name: str, now: datetime) -> bytes:
    """Return an image of a kept upload, for its preview."""
    ws, upload = _upload(user, slug, token, now)
    data = _read(ws, upload)[0].files.get(name)
    if data is None:
        raise NotFound(_("No such image in this upload."))
    return data


def confirm_upload(user: User, slug: str, token: str, chosen: list[int],
                   now: datetime) -> ImportOutcome:
    """Add the ticked questions of a kept upload to the draft and forget the upload."""
    ws, upload = _upload(user, slug, token, now)
    if not chosen:
        raise ServiceError(_("Tick at least one question to import, or discard the upload."))
    result, _unused = _read(ws, upload)
    outcome = land(ws, result, chosen, upload.replace, user, now)
    db.session.delete(upload)
    db.session.commit()
    return outcome


def discard_upload(user: User, slug: str, token: str, now: datetime) -> None:
    """Forget a kept upload without importing anything."""
    _token, upload = _upload(user, slug, token, now)
    db.session.delete(upload)
    db.session.commit()
