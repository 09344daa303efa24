"""The certification fixtures (courses, school, instructors, SMTP) for notification tests."""

from tests.certification.conftest import (  # noqa: F401 (fixtures)
    app,
    basics,
    certified,
    instructor_of,
    school,
    smtp,
)
