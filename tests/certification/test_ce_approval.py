"""A course that claims CE approval: its certificate and verify page state every field an
approver such as NCBTMB asks for, labelled, with hours split by type, and tell the
certification's validity apart from the CE hours earned (which do not expire)."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.certification.conftest import FIXTURES, SITE_URL
from tests.certification.steps import evaluate, pass_quiz, read_every_lesson, record_of, sign_skills
from tests.certification.test_pdf import page_text
from tpcourse.models import Course
from tpcourse.services.learning.learning import enroll

APPROVAL = """course_type: Home Study
hands_on_minutes: 180
hands_on_ce_hours: 3
ce_approval:
  approver: NCBTMB
  provider_name: Trigger Point Academy
  provider_number: "451234-00"
  provider_contact: ce@tpa.example
  signatory: Dr Lena Voss, Education Director
"""


@pytest.fixture
def approved(content, db, tmp_path):
    """The fixture course 'certified', claiming NCBTMB approval: 0.5 home-study + 3 hands-on."""
    from tpcourse.services.authoring.content_sync import sync_from_folders

    shutil.copytree(FIXTURES, tmp_path / "approved")
    course = tmp_path / "approved/lessons/certified/course.yaml"
    text = course.read_text()
    for line in ("course_type: Home Study with practical assessment\n",
                 "hands_on_minutes: 180      # the practical assessment: all of the hours are "
                 "hands-on\n", "hands_on_ce_hours: 3.5\n"):
        assert line in text
        text = text.replace(line, "")
    course.write_text(text.replace("ce_hours: 3.5\n", "ce_hours: 3.5\n" + APPROVAL))
    lesson = tmp_path / "approved/lessons/certified/01-practice/01-pressure.md"
    lesson.write_text(lesson.read_text().replace("minutes: 5", "minutes: 30"))
    sync_from_folders(tmp_path / "approved/lessons", tmp_path / "approved/quizzes")
    return db.session.execute(select(Course).filter_by(slug="certified")).scalar_one()


@pytest.fixture
def record(approved, make_user, school, instructor_of, clock):
    trainee = make_user(school="northfield", name="Mina Park")
    instructor = instructor_of(approved)
    instructor.name = "Sam Ortiz"
    enroll(trainee, approved.id)
    read_every_lesson(trainee, "certified", clock.now)
    pass_quiz(trainee, "certified-check", clock.now)
    sign_skills(instructor, trainee, clock.now)
    evaluate(trainee, clock.now)
    found = record_of(trainee, "certified")
    assert found is not None
    return found


def test_the_pdf_states_every_approver_field_labelled(client, login_as, record):
    login_as(record.user)
    text = page_text(client.get(f"/certificates/{record.certificate_code}.pdf").data)
    for expected in ["Mina Park", "Pressure Release with Practical Assessment",
                     "Course type: Home Study", "3.5 CE hours approved by NCBTMB",
                     "Trigger Point Academy", "NCBTMB Approved Provider number 451234-00",
                     "ce@tpa.example", "Dr Lena Voss, Education Director",
                     "/s/ Dr Lena Voss", "COMPLETED ON", "CERTIFICATION VALID UNTIL",
                     "CE HOURS EARNED", "0.5 home study + 3 hands-on",
                     "do not expire", "Practical skills assessed by Sam Ortiz"]:
        assert expected in text, f"{expected!r} missing from the PDF"
    # The approved provider issues it, not the trainee's school.
    assert "Northfield School of Massage" not in text


def test_the_verify_page_and_json_state_the_same(client, record):
    code = record.certificate_code
    page = client.get(f"/verify/{code}").get_data(as_text=True)
    for expected in ["Course type", "Home Study", "CE hours earned",
                     "0.5 home study + 3 hands-on", "CE hours earned do not expire",
                     "Approved by NCBTMB", "NCBTMB Approved Provider number 451234-00",
                     "Certification valid until", "Practical skills assessed by", "Sam Ortiz"]:
        assert expected in page, expected
    facts = client.get(f"/verify/{code}.json").get_json()
    assert facts["ce_hours"] == 3.5 and facts["ce_hours_expire"] is False
    assert facts["ce_hours_split"] == {"home_study": 0.5, "hands_on": 3.0,
                                       "text": "0.5 home study + 3 hands-on"}
    assert facts["approved_by"] == "NCBTMB" and facts["assessed_by"] == ["Sam Ortiz"]
    assert facts["issuer"] == {"name": "Trigger Point Academy", "provider_number": "451234-00",
                               "contact": "ce@tpa.example"}
    assert facts["verify_url"] == f"{SITE_URL}/verify/{code}"


def test_an_expired_certification_keeps_its_ce_hours(client, record, clock):
    clock.now = record.expires_at + timedelta(days=1)
    page = client.get(f"/verify/{record.certificate_code}").get_data(as_text=True)
    assert "Expired certificate" in page
    from tpcourse.records.certificate import format_date

    shown = format_date(record.expires_at.date())  # one date format everywhere (issue 19)
    assert (f"The certification was valid until {shown} and has "
            "expired. The CE hours earned") in page and "do not expire" in page


def test_a_configured_signature_image_is_used_for_the_approved_provider(
        app, client, login_as, record, tmp_path):
    from io import BytesIO

    import pypdf
    from PIL import Image

    Image.new("RGBA", (300, 80), (0, 0, 80, 255)).save(tmp_path / "course-certified.png")
    app.config["TPCOURSE_SIGNATURES_DIR"] = str(tmp_path)
    login_as(record.user)
    pdf = client.get(f"/certificates/{record.certificate_code}.pdf").data
    assert len(pypdf.PdfReader(BytesIO(pdf)).pages[0].images) == 1
    assert "/s/" not in page_text(pdf)


def test_course_files_refused_without_an_approval_field_never_reach_the_database(
        content, db, tmp_path):
    from tpcourse.services.authoring.content_sync import ContentInvalid, sync_from_folders

    shutil.copytree(FIXTURES, tmp_path / "bad")
    course = tmp_path / "bad/lessons/certified/course.yaml"
    course.write_text(course.read_text().replace(
        "\nce_hours: 3.5\n", "\nce_hours: 3.5\nce_approval: {approver: NCBTMB}\n", 1))
    with pytest.raises(ContentInvalid) as refused:
        sync_from_folders(tmp_path / "bad/lessons", tmp_path / "bad/quizzes")
    assert any("ce_approval.provider_number" in p.message for p in refused.value.problems)
    assert db.session.execute(select(Course).filter_by(slug="certified")).first() is None


def test_the_unapproved_fixture_still_prints_its_school(client, login_as, make_user, school,
                                                        basics, clock):
    from tests.certification.steps import complete_basics

    trainee = make_user(school="northfield")
    record = complete_basics(trainee, clock.now)
    login_as(trainee)
    text = page_text(client.get(f"/certificates/{record.certificate_code}.pdf").data)
    assert "Provider number 451234-12" in text and "Approved Provider" not in text
    assert "0.5 home study + 2 hands-on" in text
