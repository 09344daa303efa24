"""Item analysis of quiz versions for the course's instructors: tables, charts, CSV."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_babel import gettext
from flask_login import current_user, login_required

from ...analysis import review_reasons
from ...inputs import ascii_int
from ...services.authoring import item_analysis

bp = Blueprint("analysis", __name__, url_prefix="/author")


def _selection() -> tuple[int | None, str]:
    """Read ?version=N&attempts=first|highest|all."""
    raw = request.args.get("version", "")
    return ascii_int(raw), request.args.get("attempts", "first")


@bp.route("/quizzes/<slug>/analysis")
@login_required
def report(slug: str):
    """Show per-question, per-objective and per-region statistics with charts."""
    version, mode = _selection()
    page = item_analysis.analysis_page(current_user, slug, version, mode)
    return render_template("analysis/report.html", page=page, reasons=_reasons,
                           modes=item_analysis.MODES)


def _reasons(item) -> list[str]:
    """The reasons to review a question, in the reader's language."""
    return [gettext(reason) for reason in review_reasons(item)]


@bp.route("/quizzes/<slug>/analysis.csv")
@login_required
def csv(slug: str):
    """Download the same numbers as CSV."""
    version, mode = _selection()
    name, text = item_analysis.analysis_csv_file(current_user, slug, version, mode)
    response = Response(text, mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.route("/quizzes/<slug>/analysis/heatmap.svg")
@login_required
def heatmap(slug: str):
    """Draw the clicks on one hotspot question (?question=ID) over its body map."""
    version, mode = _selection()
    svg = item_analysis.heatmap_svg(current_user, slug, version, mode,
                                    request.args.get("question", ""))
    response = Response(svg, mimetype="image/svg+xml")
    # The picture embeds its body map as a data: URI and runs nothing.
    response.headers["Content-Security-Policy"] = ("default-src 'none'; img-src data:; "
                                                   "style-src 'unsafe-inline'")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
