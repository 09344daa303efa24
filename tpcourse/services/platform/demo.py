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
    ("trainee", "trainee@example.org", "Tess Trainee"),
    ("instructor", "instructor@example.org", "Ian Instructor"),
    ("school_admin", "school@example.org", "Sam Schooladmin"),
    ("admin", "admin@example.org", "Ada Admin"),
)
# Addresses of earlier demos, which the forms refuse (".local" is reserved): renamed in place.
OLD_DOMAIN = "@demo.tpcourse.local"
OLD_LOCAL_PARTS = {"trainee": "trainee", "instructor": "instructor", "school_admin": "school",
                   "admin": "admin"}


def prepare_demo(lessons_dir: Path, quizzes_dir: Path) -> list[tuple[str, str, str]]:
    """Migrate, sync content and create demo accounts; safe to run again (loses nothing)."""
    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    upgrade(revision="heads")
    sync_from_folders(lessons_dir, quizzes_dir)
    ensure_school(DEMO_SCHOOL, "Demo School of Massage", provider_name="Demo School of Massage",
                  provider_number="CE-0000-DEMO", contact_email="office@example.org")
    passwords = _saved_passwords()
    for role, email, name in DEMO_ACCOUNTS:
        old = OLD_LOCAL_PARTS[role] + OLD_DOMAIN
        earlier = find_user_by_email(old) if find_user_by_email(email) is None else None
        if earlier is not None:
            earlier.email = email
            db.session.commit()
            if old in passwords:
                passwords[email] = passwords.pop(old)
        if find_user_by_email(email) is None:
            passwords[email] = secrets.token_urlsafe(9)
            create_user(email, name, passwords[email], role, DEMO_SCHOOL)
    _save_passwords(passwords)
    _assign_demo_roles()
    _demo_class()
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


def _demo_class() -> None:
    """The demo school's class of a dozen trainees at different stages (built once)."""
    from ...models import School
    from .demo_cohort import build_demo_class

    school = db.session.execute(select(School).filter_by(slug=DEMO_SCHOOL)).scalar_one()
    course = db.session.execute(select(Course).order_by(Course.id)).scalars().first()
    if course is not None:
        build_demo_class(school, course.slug, find_user_by_email(DEMO_ACCOUNTS[1][1]))


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
