"""Completion-record exports: streamed, signed with the site key, and written to the audit log.

An export is read page by page from the roster (constant queries per page) into one of the
streaming formats of `tpcourse.records`. Its bytes are hashed as they stream; once the last
chunk is out, a detached signature document is signed and stored in the audit event
`export.completions`, from where the web and the API hand it out by the export's id.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ...extensions import db
from ...i18n_markers import N_, Sentence
from ...inputs import MAX_YEAR, MIN_YEAR, ascii_int, year_in_range
from ...models import AuditEvent, Cohort, Course, School
from ...records.badges import is_badge_eligible, keys_url, stream_badges, verify_credential
from ...records.csv_export import stream_csv
from ...records.encoding import jsonable
from ...records.json_export import stream_json
from ...records.rows import CompletionRow
from ...records.signing import ExportSigner, verify_export
from ...records.xapi import stream_xapi
from ..errors import NotFound, ServiceError
from ..records import signing_keys
from ..records.audit import record_event
from .issuers import issuer_for, with_criteria
from .roster import RosterFilter, iter_rows

FORMATS = {  # format: (file extension, media type)
    "csv": ("csv", "text/csv; charset=utf-8"),
    "json": ("json", "application/json"),
    "xapi": ("xapi.json", "application/json"),
    "badges": ("badges.json", "application/json"),
}
EXPORT_EVENT = "export.completions"
INTERRUPTED_EVENT = "export.interrupted"


def parse_bound(text: str | None, end: bool = False) -> datetime | None:
    """Read a date (`2026-03-31`) or an ISO 8601 time; a bare `end` date includes that whole day.

    Times without a zone are UTC. Raises ServiceError with a sentence on anything else.
    """
    text = (text or "").strip()
    if not text:
        return None
    shown = text[:40]
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day, time(), tzinfo=UTC)
        else:
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    except ValueError:
        raise ServiceError(_("'%(text)s' is not a date: write it as YYYY-MM-DD.",
                             text=shown)) from None
    if not year_in_range(moment.year):
        raise ServiceError(_("'%(text)s' is out of range: give a date between %(first)s and "
                             "%(last)s.", text=shown, first=MIN_YEAR, last=MAX_YEAR))
    if len(text) == 10 and end:
        moment += timedelta(days=1)
    return moment.astimezone(UTC)


def resolve_filter(school: School, cohort: str | int | None = None, course: str | None = None,
                   since: datetime | None = None, until: datetime | None = None) -> RosterFilter:
    """Check a cohort id and course slug belong to the school's world; build the filter."""
    cohort_id = course_id = None
    if cohort not in (None, ""):
        cohort_id = ascii_int(cohort)
        found = db.session.get(Cohort, cohort_id) if cohort_id is not None else None
        if found is None or found.school_id != school.id:
            raise NotFound(_("No cohort %(cohort)s in this school.", cohort=cohort))
        cohort_id = found.id
    if course:
        course_id = db.session.execute(select(Course.id).where(Course.slug == course)).scalar()
        if course_id is None:
            raise NotFound(_("No course with slug '%(slug)s'.", slug=course))
    if since and until and since >= until:
        raise ServiceError(_("The start of the date range must come before its end."))
    return RosterFilter(cohort_id=cohort_id, course_id=course_id, since=since, until=until)




@dataclass
class CompletionExport:
    """One export being streamed; `signature` is set once every chunk has been read."""

    school: School
    format: str
    where: RosterFilter
    actor: str | None
    channel: str  # web | api | cli
    now: datetime
    key: Ed25519PrivateKey
    site_url: str
    name: str | None = None  # file name to sign; default completions-<school>-<time>.<ext>
    export_id: str = field(default_factory=lambda: secrets.token_hex(16))
    signature: dict[str, Any] | None = None
    rows: int = 0
    badge_key: Any = None  # the RSA key credentials are signed with (RS256); default the site's

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ServiceError(_("Format must be one of: %(formats)s.",
                                 formats=", ".join(FORMATS)))

    @property
    def filename(self) -> str:
        """The file name offered for download and signed into the signature document."""
        return self.name or (
            f"completions-{self.school.slug}-{self.now:%Y%m%d-%H%M%S}.{FORMATS[self.format][0]}")

    @property
    def media_type(self) -> str:
        """The Content-Type of the export."""
        return FORMATS[self.format][1]

    def download_headers(self, signature_url: str) -> dict[str, str]:
        """HTTP headers naming the file and pointing at its signature (ready once downloaded)."""
        return {"Content-Disposition": f'attachment; filename="{self.filename}"',
                "X-Export-Id": self.export_id,
                "Link": f'<{signature_url}>; rel="signature"; type="application/json"',
                "Cache-Control": "no-store"}

    def _rows(self) -> Iterator[CompletionRow]:
        for row in iter_rows(self.school, self.where, self.now, self.site_url):
            self.rows += 1
            yield row

    def _formatted(self) -> Iterator[bytes]:
        rows = self._rows()
        if self.format == "csv":
            return stream_csv(rows)
        if self.format == "json":
            return stream_json(rows, self.meta())
        if self.format == "xapi":
            return stream_xapi(rows, self.site_url)
        issuer = issuer_for(self.school, self.site_url)
        eligible = (row for row in rows if is_badge_eligible(row))  # the rest get no badge
        return stream_badges(with_criteria(eligible, issuer.name), issuer, self.badge_key
                             or signing_keys.badge_signing_key(current_app),
                             keys_at=keys_url(self.site_url))

    def meta(self) -> dict[str, Any]:
        """What the JSON export says about itself."""
        return {"exported_at": self.now, "export_id": self.export_id, "school": self.school.slug,
                "cohort": self.where.cohort_id, "course_id": self.where.course_id,
                "since": self.where.since, "until": self.where.until}

    def _payload(self) -> dict[str, Any]:
        return {"export_id": self.export_id, "school_id": self.school.id,
                "school": self.school.slug, "format": self.format, "channel": self.channel,
                "filename": self.filename, "rows": self.rows,
                "filters": jsonable({"cohort": self.where.cohort_id,
                                     "course": self.where.course_id,
                                     "since": self.where.since, "until": self.where.until})}

    def chunks(self) -> Iterator[bytes]:
        """Stream the export; when done, sign it and record the export in the audit log."""
        signer = ExportSigner(self.key)
        stream = signer.wrap(self._formatted())
        sent = 0
        try:
            for chunk in stream:
                sent += len(chunk)
                yield chunk
        except GeneratorExit:  # the client went away: record what left the building
            stream.close()  # the rows' cursor is closed while its transaction is still open
            db.session.rollback()
            record_event(INTERRUPTED_EVENT, {**self._payload(), "bytes": sent}, self.actor,
                         self.now)
            db.session.commit()
            raise
        self.signature = signer.signature_document(self.filename, self.format,
                                                   signed_at=self.now)
        record_event(EXPORT_EVENT, {**self._payload(), "bytes": self.signature["bytes"],
                                    "sha256": self.signature["sha256"],
                                    "signature": self.signature}, self.actor, self.now)
        db.session.commit()


def _export_events(school: School):
    return (select(AuditEvent).where(AuditEvent.kind == EXPORT_EVENT,
                                     AuditEvent.payload["school_id"].as_integer() == school.id))


def signature_for(school: School, export_id: str) -> dict[str, Any]:
    """Return the signature document of one of the school's finished exports, else NotFound."""
    event = db.session.execute(_export_events(school).where(
        AuditEvent.payload["export_id"].as_string() == export_id)).scalars().first()
    if event is None:
        raise NotFound(_("No finished export with this id for this school. The signature is "
                         "ready once the whole file has been downloaded."))
    return event.payload["signature"]


def recent_exports(school: School, limit: int = 10) -> list[AuditEvent]:
    """Return the school's latest finished exports, newest first."""
    return list(db.session.execute(
        _export_events(school).order_by(AuditEvent.seq.desc()).limit(limit)).scalars())


@dataclass
class VerifyReport:
    """What checking an export file found: `problems` fail it, `notes` do not."""

    problems: list[Sentence] = field(default_factory=list)
    notes: list[Sentence] = field(default_factory=list)


def _file_chunks(path: Path, size: int = 1 << 16) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(size):
            yield chunk


def verify_file(path: Path, signature_doc: dict[str, Any] | None, key_set: dict[str, Any],
                now: datetime) -> VerifyReport:
    """Check an export file offline: its detached signature, and each badge's own proof."""
    report = VerifyReport()
    if signature_doc is not None:
        report.problems += verify_export(_file_chunks(path), signature_doc, key_set)
        if signature_doc.get("filename") not in (None, path.name):
            report.notes.append(Sentence(N_("the file was renamed: it was signed as %(name)s"),
                                         name=signature_doc["filename"]))
    fmt = (signature_doc or {}).get("format")
    if fmt == "badges" or (fmt is None and path.name.endswith(".badges.json")):
        _verify_badges(path, key_set, now, report)
    elif signature_doc is None:
        report.problems.append(Sentence(N_("no signature document: expected %(name)s.sig.json "
                                           "beside it (or give --sig)"), name=path.name))
    return report


def _verify_badges(path: Path, key_set: dict[str, Any], now: datetime,
                   report: VerifyReport) -> None:
    try:
        credentials = json.loads(path.read_bytes())
    except ValueError as error:
        report.problems.append(Sentence(N_("not a JSON array of credentials: %(error)s"),
                                        error=error))
        return
    if not isinstance(credentials, list):
        report.problems.append(Sentence(N_("not a JSON array of credentials")))
        return
    for number, token in enumerate(credentials, start=1):
        found = verify_credential(str(token), key_set, now=now)
        for problem in found:
            (report.notes if problem.startswith("credential expired on") else report.problems
             ).append(Sentence(N_("credential %(number)d: %(problem)s"), number=number,
                               problem=problem))
    checked = (N_("%(num)d Open Badges credential checked") if len(credentials) == 1
               else N_("%(num)d Open Badges credentials checked"))
    report.notes.append(Sentence(checked, num=len(credentials)))
