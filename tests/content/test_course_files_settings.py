"""A course written back to files keeps every setting its course.yaml had: the sequencing and
renewal keys of issue 21 and the skill rubrics of issue 25 (the course editor publishes and
exports through these files, so a dropped key would silently change the course)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tpcourse.content.course_files import course_dict, course_files, used_quizzes
from tpcourse.content.loader import load_content

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("folder", [ROOT, ROOT / "tests" / "grading" / "fixtures"],
                         ids=["the shipped course", "a course with rubrics"])
def test_writing_a_course_back_keeps_its_settings_and_hash(folder, tmp_path):
    loaded = load_content(folder / "lessons", folder / "quizzes")
    assert loaded.ok, loaded.problems
    spec = loaded.courses[0]
    course = course_dict(spec)
    quizzes = {slug: loaded.quizzes[slug].data for slug in used_quizzes(course)
               if slug in loaded.quizzes}
    for path, text in course_files(course, quizzes).items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    if (folder / "lessons" / "assets").is_dir():
        shutil.copytree(folder / "lessons" / "assets", tmp_path / "lessons" / "assets")
    (tmp_path / "quizzes").mkdir(exist_ok=True)
    again = load_content(tmp_path / "lessons", tmp_path / "quizzes")
    assert again.ok, again.problems
    back = again.courses[0]
    assert (back.renewal, back.sequencing, back.skill_rubrics) == \
        (spec.renewal, spec.sequencing, spec.skill_rubrics)
    assert back.content_hash() == spec.content_hash()


def test_the_shipped_course_sets_what_the_round_trip_must_keep():
    spec = load_content(ROOT / "lessons", ROOT / "quizzes").courses[0]
    assert spec.sequencing and spec.renewal  # otherwise the test above proves little


def test_a_version_rebuilt_for_an_edit_keeps_every_setting(db, app):
    """The lesson editor and the course editor rebuild a course from its stored version before
    publishing an edit: the rebuilt course must hash as the version did, or a lesson edit
    would drop the course's locks and renewal path."""
    from sqlalchemy import select

    from tpcourse.models import Course, CourseVersion
    from tpcourse.services.authoring.content_sync import sync_from_folders
    from tpcourse.services.authoring.lessons import course_spec
    from tpcourse.services.learning.learning import current_version

    for folder in (ROOT, ROOT / "tests" / "grading" / "fixtures"):
        sync_from_folders(folder / "lessons", folder / "quizzes")
    for slug in db.session.execute(select(Course.slug)).scalars():
        version = current_version(slug, with_lessons=True)
        assert course_spec(version).content_hash() == version.content_hash, slug
    shipped = db.session.execute(select(CourseVersion).join(Course).where(
        Course.slug == "trigger-point-foundations")).scalar_one()
    assert shipped.renewal and shipped.sequencing
