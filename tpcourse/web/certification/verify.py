"""Public certificate verification by code, as a page and as JSON (rate limited)."""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...extensions import limiter
from ...services.certification import completion
from ...services.certification.certificates import certificate_language, setting
from ...services.certification.verification import certificate_facts, facts_in_words
from ..helpers import now

bp = Blueprint("verify", __name__)


def verify_limit() -> str:
    """Lookups allowed per IP (TPCOURSE_VERIFY_LIMIT), so codes cannot be enumerated."""
    return setting("TPCOURSE_VERIFY_LIMIT", "30 per minute")


@bp.route("/verify", methods=["GET"])
def lookup():
    """Show a form to type a certificate code, or redirect to the code typed."""
    code = request.args.get("code", "").strip()
    if code:
        return redirect(url_for("verify.certificate", code=code.upper()))
    return render_template("verify/lookup.html")


@bp.route("/verify/<code>")
@limiter.limit(verify_limit)
def certificate(code: str):
    """Show whether a certificate is valid, expired or revoked (`<code>.json`: as JSON)."""
    as_json = code.endswith(".json")
    record = completion.find_by_code(code[:-5] if as_json else code)
    if record is None:
        abort(404, _("No certificate has this code. Check it against the certificate."))
    facts = certificate_facts(record, now())
    if as_json:
        return jsonify(facts)
    return render_template("verify/certificate.html", facts=facts,
                           words=facts_in_words(facts, certificate_language()))
