"""Evidence of practical skills: a trainee's own skills page with uploads, the assessors'
uploads, and the one authorised route that serves the files."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ...services.certification import evidence, skills
from ...services.certification.evidence import EvidenceRefused
from ..helpers import now, roles_required

bp = Blueprint("evidence", __name__)


def _upload() -> tuple[bytes, str]:
    """Read the posted file, at most one byte more than the limit (which refuses it)."""
    file = request.files.get("file")
    data = file.stream.read(evidence.max_evidence_bytes() + 1) if file else b""
    return data, request.form.get("caption", "")


def _my_page(slug: str, errors: dict[str, str] | None = None, status: int = 200):
    version, sheet = skills.my_skills(current_user, slug)
    return render_template("skills/mine.html", version=version, sheet=sheet, errors=errors or {},
                           form=FlaskForm(), limit=evidence.max_evidence_bytes()), status


@bp.route("/courses/<slug>/skills")
@login_required
def mine(slug: str):
    """Show the trainee's practical skills: rubric, sign-offs and evidence, with uploads."""
    return _my_page(slug)


@bp.route("/courses/<slug>/skills/<skill_key>/evidence", methods=["POST"])
@login_required
def upload_own(slug: str, skill_key: str):
    """A trainee adds a photo or short video of their own skill."""
    if not FlaskForm().validate_on_submit():
        return _my_page(slug, {skill_key: _("The form expired; try again.")}, 422)
    data, caption = _upload()
    try:
        evidence.add_evidence(current_user, slug, current_user.id, skill_key, data, caption,
                              now())
    except EvidenceRefused as exc:
        return _my_page(slug, {skill_key: exc.message}, 422)
    flash(_("Evidence uploaded."), "success")
    return redirect(url_for("evidence.mine", slug=slug))


@bp.route("/teach/courses/<slug>/skills/<int:user_id>/<skill_key>/evidence", methods=["POST"])
@roles_required("instructor")
def upload_for(slug: str, user_id: int, skill_key: str):
    """An assessor adds a photo or short video of a trainee's skill."""
    if FlaskForm().validate_on_submit():
        data, caption = _upload()
        try:
            evidence.add_evidence(current_user, slug, user_id, skill_key, data, caption, now())
        except EvidenceRefused as exc:
            flash(exc.message, "error")
            return redirect(url_for("skills.trainee", slug=slug, user_id=user_id), 303)
        flash(_("Evidence uploaded."), "success")
    return redirect(url_for("skills.trainee", slug=slug, user_id=user_id))


@bp.route("/evidence/<evidence_id>")
@login_required
def file(evidence_id: str):
    """Serve one evidence file to those who may see it (404 to everyone else)."""
    found = evidence.evidence_file(current_user, evidence_id)
    response = Response(found.data, mimetype=found.evidence.content_type)
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
