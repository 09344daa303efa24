"""Practical skills assessed against a rubric: levels per criterion, the assessor, place and
date; evidence uploads checked by content and shown only to those who may see them."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from tpcourse.content.lessonfile import parse_course
from tpcourse.content.yamlsrc import load_yaml
from tpcourse.models import AuditEvent, SkillEvidence, SkillSignoff

# The smallest files whose bytes say what they are.
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120  # a Linux executable
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 120  # a Windows executable


def sign_url(trainee, skill="pressure-release"):
    return f"/teach/courses/casework/skills/{trainee.id}/{skill}"


def test_a_course_file_gives_a_skill_a_rubric_and_refuses_bad_levels():
    problems = []
    spec = parse_course(load_yaml("""slug: c
title: C
modules: []
completion: {lessons: none, quizzes: none}
practical_skills:
  hold:
    text: Holds pressure.
    rubric:
      - {id: range, text: Within range, levels: [not yet, meets, exceeds]}
      - {id: dup, text: Two levels the same, levels: [meets, Meets]}
  plain: A tick is enough.
"""), "c", lambda line, message: problems.append((line, message)))
    assert spec.practical_skills == {"hold": "Holds pressure.", "plain": "A tick is enough."}
    assert spec.skill_rubrics == {"hold": [{"id": "range", "text": "Within range",
                                            "levels": ["not yet", "meets", "exceeds"]}]}
    assert [message for _line, message in problems if "skill" in message] == [
        "skill 'hold': criterion 'dup' needs 'levels', 2 to 6 different names, lowest first "
        "(e.g. [not yet, meets, exceeds])"]
    assert [line for line, message in problems if "skill" in message] == [10]


def test_a_sign_off_records_each_level_the_assessor_place_and_date(
        client, db, login_as, case_trainee, casework, instructor_of, clock):
    instructor = instructor_of(casework)
    login_as(instructor)
    day = clock.now.date()
    form = {"pressure-release-signed_on": day.isoformat(),
            "pressure-release-place": "School clinic, room 2",
            "pressure-release-level-pressure": "exceeds",
            "pressure-release-level-check-in": "not yet"}
    refused = client.post(sign_url(case_trainee), data=form)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "is above it" in page
    assert "School clinic, room 2" in page  # kept
    assert db.session.execute(select(SkillSignoff)).first() is None

    form["pressure-release-level-check-in"] = "meets"
    assert client.post(sign_url(case_trainee), data=form).status_code == 302
    signoff = db.session.execute(select(SkillSignoff)).scalar_one()
    assert signoff.levels == {"pressure": "exceeds", "check-in": "meets"}
    assert signoff.place == "School clinic, room 2" and signoff.signed_by_id == instructor.id
    event = db.session.execute(select(AuditEvent).filter_by(kind="skill.signed_off")).scalar_one()
    assert event.payload["levels"] == signoff.levels and event.payload["place"] == signoff.place
    sheet = client.get(f"/teach/courses/casework/skills/{case_trainee.id}").get_data(as_text=True)
    assert "Pressure within the agreed range: <strong>exceeds</strong>" in sheet
    login_as(case_trainee)
    mine = client.get("/courses/casework/skills").get_data(as_text=True)
    assert "Checks in with the client during the hold: <strong>meets</strong>" in mine
    assert "School clinic, room 2" in mine


def upload(client, url, data, name="photo.png", caption=""):
    return client.post(url, data={"file": (io.BytesIO(data), name), "caption": caption},
                       content_type="multipart/form-data")


def test_evidence_is_checked_by_its_bytes_not_its_name(client, db, login_as, case_trainee,
                                                      app):
    login_as(case_trainee)
    url = "/courses/casework/skills/pressure-release/evidence"
    for data, name in ((ELF, "technique.jpg"), (EXE, "hold.mp4"), (b"", "empty.png")):
        response = upload(client, url, data, name)
        assert response.status_code == 422, name
    assert "its contents were checked, not its name" in upload(
        client, url, EXE, "hold.mp4").get_data(as_text=True)
    app.config["TPCOURSE_EVIDENCE_MAX_BYTES"] = len(MP4)
    assert upload(client, url, MP4 + b"\x00", "long.mp4").status_code == 422  # one byte over
    assert upload(client, url, MP4, "clip.bin", "My hold").status_code == 302  # at the limit
    assert upload(client, url, PNG, "x.exe").status_code == 302  # a photo, whatever its name
    kept = db.session.execute(select(SkillEvidence).order_by(SkillEvidence.uploaded_at,
                                                             SkillEvidence.content_type)).scalars().all()
    assert sorted(e.content_type for e in kept) == ["image/png", "video/mp4"]
    assert all(e.uploaded_by_id == case_trainee.id for e in kept)


@pytest.fixture
def evidence(client, db, login_as, case_trainee):
    login_as(case_trainee)
    assert upload(client, "/courses/casework/skills/pressure-release/evidence", PNG).status_code \
        == 302
    return db.session.execute(select(SkillEvidence)).scalar_one()


@pytest.mark.parametrize("who, status", [
    ("trainee", 200), ("instructor", 200), ("school_admin", 200), ("admin", 200),
    ("other_trainee", 404), ("other_instructor", 404), ("other_school_admin", 404),
    ("anonymous", 302)])
def test_evidence_is_served_only_to_those_who_may_see_it(client, db, login_as, case_trainee,
                                                         casework, instructor_of, make_user,
                                                         evidence, who, status):
    people = {"trainee": case_trainee, "instructor": instructor_of(casework),
              "school_admin": make_user(role="school_admin", school="northfield"),
              "admin": make_user(role="admin"), "other_trainee": make_user(school="northfield"),
              "other_instructor": make_user(role="instructor"),
              "other_school_admin": make_user(role="school_admin", school="southfield")}
    client.post("/logout")
    if who != "anonymous":
        login_as(people[who])
    response = client.get(f"/evidence/{evidence.id}")
    assert response.status_code == status
    if status == 200:
        assert response.data == PNG and response.mimetype == "image/png"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "private, no-store"
    assert evidence.storage_key not in client.get("/courses/casework/skills").get_data(
        as_text=True)


def test_an_assessor_uploads_evidence_for_a_trainee(client, db, login_as, case_trainee,
                                                   casework, instructor_of, make_user, app):
    instructor = instructor_of(casework)
    login_as(instructor)
    url = f"/teach/courses/casework/skills/{case_trainee.id}/pressure-release/evidence"
    assert upload(client, url, PNG, caption="Hold at 6/10").status_code == 302
    [kept] = db.session.execute(select(SkillEvidence)).scalars().all()
    assert kept.uploaded_by_id == instructor.id and kept.user_id == case_trainee.id
    sheet = client.get(f"/teach/courses/casework/skills/{case_trainee.id}").get_data(as_text=True)
    assert f"/evidence/{kept.id}" in sheet and "Hold at 6/10" in sheet
    app.config["TPCOURSE_EVIDENCE_MAX_BYTES"] = len(PNG)  # at the limit: kept; one more: not
    assert upload(client, url, PNG + b"\x00", caption="Too big").status_code == 303
    assert upload(client, url, PNG, caption="Just fits").status_code == 302
    assert db.session.execute(select(SkillEvidence.caption)).scalars().all().count("Too big") == 0
    assert len(db.session.execute(select(SkillEvidence)).scalars().all()) == 2
    login_as(make_user(role="instructor"))  # teaches nothing here
    assert upload(client, url, PNG).status_code == 404


def test_rubric_sign_offs_appear_in_the_schools_json_export(client, db, login_as, app,
                                                           case_trainee, casework,
                                                           instructor_of, clock):
    import json

    import jsonschema

    from tpcourse.models import School
    from tpcourse.records.json_export import load_schema
    from tpcourse.services.records import signing_keys
    from tpcourse.services.schools import exports

    instructor = instructor_of(casework, name="Ina Assessor")
    login_as(instructor)
    client.post(sign_url(case_trainee), data={
        "pressure-release-signed_on": clock.now.date().isoformat(),
        "pressure-release-place": "Clinic", "pressure-release-level-pressure": "meets",
        "pressure-release-level-check-in": "exceeds"})
    client.post(sign_url(case_trainee, "body-mechanics"), data={
        "body-mechanics-signed_on": clock.now.date().isoformat()})
    north = db.session.execute(select(School).filter_by(slug="northfield")).scalar_one()
    export = exports.CompletionExport(north, "json", exports.RosterFilter(), None, "web",
                                      clock.now, signing_keys.signing_key(app), "https://t")
    document = json.loads(b"".join(export.chunks()))
    jsonschema.validate(document, load_schema())
    [row] = [r for r in document["records"] if r["course_slug"] == "casework"]
    skills = {s["skill"]: s for s in row["practical_skills"]}
    assert skills["pressure-release"]["levels"] == [
        {"criterion": "Pressure within the agreed range", "level": "meets"},
        {"criterion": "Checks in with the client during the hold", "level": "exceeds"}]
    assert skills["pressure-release"]["assessor"] == "Ina Assessor"
    assert skills["pressure-release"]["place"] == "Clinic"
    assert skills["body-mechanics"]["levels"] == []


def test_deleting_an_account_removes_its_evidence_files(client, db, login_as, case_trainee,
                                                       evidence, app, clock):
    from pathlib import Path

    from tpcourse.services.accounts.retention import delete_account

    stored = Path(app.instance_path) / "evidence" / evidence.storage_key
    assert stored.read_bytes() == PNG
    delete_account(case_trainee, None, clock.now, 30)
    assert not stored.exists()
    assert db.session.execute(select(SkillEvidence)).first() is None
