"""Everything the demo command sets up: database, content, school and one account per role."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import select

from ...extensions import db
from ...models import Course, CourseInstructor, User
from ..accounts.accounts import create_user, ensure_school, find_user_by_email
from ..authoring.content_sync import sync_from_folders
from ..learning.learning import enroll

DEMO_SCHOOL = "demo-school"
DEMO_ACCOUNTS = (
    ("trainee", "trainee@demo.tpcourse.local", "Tess Trainee"),
    ("instructor", "instructor@demo.tpcourse.local", "Ian Instructor"),
    ("school_admin", "school@demo.tpcourse.local", "Sam Schooladmin"),
    ("admin", "admin@demo.tpcourse.local", "Ada Admin"),
)


def prepare_demo(lessons_dir: Path, quizzes_dir: Path) -> list[tuple[str, str, str]]:
    """Migrate, sync content and create demo accounts; safe to run again (loses nothing)."""
    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    upgrade(revision="heads")
    sync_from_folders(lessons_dir, quizzes_dir)
    ensure_school(DEMO_SCHOOL, "Demo School of Massage", provider_name="Demo School of Massage",
                  provider_number="CE-0000-DEMO", contact_email="office@demo.tpcourse.local")
    passwords = _saved_passwords()
    for role, email, name in DEMO_ACCOUNTS:
        if find_user_by_email(email) is None:
            passwords[email] = secrets.token_urlsafe(9)
            create_user(email, name, passwords[email], role, DEMO_SCHOOL)
    _save_passwords(passwords)
    _assign_demo_roles()
    return [(role, email, passwords.get(email, "(set before; see demo-accounts.txt)"))
            for role, email, _name in DEMO_ACCOUNTS]


def _assign_demo_roles() -> None:
    courses = list(db.session.execute(select(Course)).scalars())
    instructor = find_user_by_email(DEMO_ACCOUNTS[1][1])
    trainee = find_user_by_email(DEMO_ACCOUNTS[0][1])
    for course in courses:
        if db.session.get(CourseInstructor, (instructor.id, course.id)) is None:
            db.session.add(CourseInstructor(user_id=instructor.id, course_id=course.id))
        db.session.commit()
        enroll(trainee, course.id)


def _password_file() -> Path:
    return Path(current_app.instance_path) / "demo-accounts.txt"


def _saved_passwords() -> dict[str, str]:
    path = _password_file()
    if not path.exists():
        return {}
    pairs = (line.split(" ", 1) for line in path.read_text().splitlines() if " " in line)
    return {email: password for email, password in pairs}


def _save_passwords(passwords: dict[str, str]) -> None:
    path = _password_file()
    path.write_text("".join(f"{email} {password}\n" for email, password in passwords.items()))
    path.chmod(0o600)


__all__ = ["prepare_demo", "User"]
