"""Open Badges 3.0 credentials as a school issues them: its own issuer id and profile, criteria
from the course's completion rules, valid against 1EdTech's JSON Schema, signed RS256 and
verified with an independent JOSE library (PyJWT) from the served JWK set."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jsonschema
import jwt
import pytest
from sqlalchemy import select

from tests.certification.conftest import FIXTURES
from tests.certification.steps import (
    complete_basics,
    evaluate,
    pass_quiz,
    read_every_lesson,
    sign_skills,
)
from tpcourse.extensions import db
from tpcourse.grading.completion import criteria_text
from tpcourse.models import Course, CourseInstructor, School
from tpcourse.records.badges import decode_credential, verify_credential
from tpcourse.services.records import signing_keys
from tpcourse.services.schools import exports, issuers
from tpcourse.services.schools.roster import RosterFilter

SCHEMA = (Path(__file__).parents[1] / "records" / "schemas"
          / "ob_v3p0_achievementcredential_schema.json")
SITE = "https://learn.example"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def ob3_schema() -> dict:
    """The vendored schema, with VC 2.0's validFrom for VC 1.1's issuanceDate (README.md)."""
    schema = json.loads(SCHEMA.read_text())
    schema["required"] = ["validFrom" if name == "issuanceDate" else name
                          for name in schema["required"]]
    schema["properties"]["validFrom"] = {"type": "string", "format": "date-time"}
    return schema


def _badges(app, school_slug="north"):
    school = db.session.execute(select(School).filter_by(slug=school_slug)).scalar_one()
    export = exports.CompletionExport(school, "badges", RosterFilter(), "user:1", "web",
                                      T0 + timedelta(days=1), signing_keys.signing_key(app), SITE)
    return json.loads(b"".join(export.chunks()))


def test_criteria_say_what_the_course_actually_asks():
    rules = {"lessons": "all", "quizzes": "all", "final_exam": "passed", "skills": "all",
             "evaluation": "required"}
    text = criteria_text(rules, lessons=12, module_quizzes=2, final_exam=True,
                         skills=["Pincer palpation"], evaluation=True, issuer="North")
    assert text == ("Read all 12 lesson(s), pass all 2 module quiz(zes), pass the final exam, "
                    "have 1 practical skill(s) assessed in person and signed off by an "
                    "instructor (Pincer palpation) and complete the course evaluation, "
                    "with North.")
    only_final = criteria_text({"lessons": "none", "quizzes": "none", "final_exam": "passed"},
                               lessons=12, module_quizzes=2, final_exam=True)
    assert only_final == "Pass the final exam."


def test_credentials_use_the_schools_issuer_are_schema_valid_and_verify_with_pyjwt(
        app, client, content, make_user, db):
    from tpcourse.services.accounts.accounts import ensure_school

    app.config["TPCOURSE_SITE_URL"] = SITE
    school = ensure_school("north", "North", provider_name="North CE Institute",
                           provider_number="CE-1", contact_email="ce@north.example")
    issuers.update_profile(school, name="North CE Institute", website_url="https://north.example",
                           email="ce@north.example", provider_number="CE-1",
                           signatory="Dr Ana Ruiz, Director", actor="user:1", now=T0)
    trainee = make_user(school="north")
    complete_basics(trainee, T0)
    [token] = _badges(app)

    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and header["typ"] == "JWT"
    assert header["kid"].startswith(f"{SITE}/.well-known/tpcourse-keys.json#")
    served = client.get("/.well-known/tpcourse-keys.json").get_json()
    kid = header["kid"].rpartition("#")[2]
    [jwk] = [k for k in served["keys"] if k["kid"] == kid]
    assert jwk["kty"] == "RSA" and jwk["alg"] == "RS256"
    key = jwt.PyJWK(jwk).key
    claims = jwt.decode(token, key, algorithms=["RS256"], options={"verify_aud": False},
                        leeway=timedelta(days=3650))
    with pytest.raises(jwt.InvalidSignatureError):  # control: a changed payload fails
        head, body, signature = token.split(".")
        jwt.decode(f"{head}.{body[:-4]}AAAA.{signature}", key, algorithms=["RS256"],
                   options={"verify_exp": False, "verify_nbf": False})
    assert verify_credential(token, served, now=T0 + timedelta(days=1)) == []

    credential = decode_credential(token)
    assert claims["iss"] == f"{SITE}/issuers/north" == credential["issuer"]["id"]
    jsonschema.Draft201909Validator(ob3_schema()).validate(credential)
    issuer = credential["issuer"]
    assert (issuer["name"], issuer["url"], issuer["email"], issuer["official"]) == (
        "North CE Institute", "https://north.example", "ce@north.example",
        "Dr Ana Ruiz, Director")
    assert client.get("/issuers/north").get_json()["id"] == issuer["id"]  # the id resolves
    assert client.get("/issuers/nowhere").status_code == 404
    narrative = credential["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert narrative == ("Read all 3 lesson(s), pass all 2 module quiz(zes) and pass the final "
                         "exam, with North CE Institute.")


def test_a_course_with_skills_and_an_evaluation_says_so_in_its_criteria(
        app, certified, make_user, db):
    from tpcourse.services.accounts.accounts import ensure_school
    from tpcourse.services.learning.learning import enroll

    app.config["TPCOURSE_SITE_URL"] = SITE
    ensure_school("north", "North")
    trainee = make_user(school="north")
    instructor = make_user(role="instructor")
    db.session.add(CourseInstructor(user_id=instructor.id, course_id=certified.id))
    db.session.commit()
    enroll(trainee, certified.id)
    read_every_lesson(trainee, "certified", T0)
    pass_quiz(trainee, "certified-check", T0)
    evaluate(trainee, T0)
    sign_skills(instructor, trainee, T0)
    tokens = _badges(app)
    credentials = [decode_credential(t) for t in tokens]
    [credential] = [c for c in credentials
                    if c["credentialSubject"]["achievement"]["name"].startswith("Pressure")]
    jsonschema.Draft201909Validator(ob3_schema()).validate(credential)
    narrative = credential["credentialSubject"]["achievement"]["criteria"]["narrative"]
    assert "practical skill(s) assessed in person" in narrative
    assert "complete the course evaluation" in narrative
    assert db.session.execute(select(Course).filter_by(slug="certified")).scalar_one()
    assert FIXTURES.exists()
