"""The instructors' authoring studio: quizzes, questions, lessons, banks, accommodations.

One blueprint, `author`, under /author; its views are split by subject into the modules
imported at the bottom (forms and form conversions live beside them).
"""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("author", __name__, url_prefix="/author")

from . import (  # noqa: E402,F401  (routes)
    access,
    banks,
    course_outline,
    course_people,
    courses,
    lessons,
    preview,
    questions,
    quizzes,
)
