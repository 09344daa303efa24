"""Authoring quizzes in the browser: drafts, every question type, field errors, order, publish."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from tpcourse.models import Attempt, AuditEvent, Quiz, QuizDraft, QuizVersion

NEW = "/author/courses/basics/quizzes/new"
QUIZ = "/author/quizzes/neck-quiz"


def _draft(db, slug="neck-quiz"):
    db.session.expire_all()
    return db.session.execute(select(QuizDraft).filter_by(slug=slug)).scalar_one_or_none()


def _new_quiz(client, **extra):
    data = {"slug": "neck-quiz", "title": "Neck quiz", "pass_mark": "70", "review": "after_submit",
            "grading": "highest", **extra}
    return client.post(NEW, data=data)


def _add(client, qtype, data, slug="neck-quiz"):
    return client.post(f"/author/quizzes/{slug}/questions/new?type={qtype}",
                       data={"action": "save", "points": "1", **data})


EVERY_TYPE = {
    "single": {"qid": "", "prompt": "Which is a trigger point?", "options-0-id": "",
               "options-0-text": "A tender spot in a taut band", "options-0-correct": "y",
               "options-1-id": "", "options-1-text": "A tendon", "options-1-feedback": "No.",
               "options-2-id": "", "options-2-text": ""},
    "multiple": {"qid": "signs", "prompt": "Signs?", "options-0-id": "a",
                 "options-0-text": "Taut band", "options-0-correct": "y", "options-1-id": "b",
                 "options-1-text": "Fever", "options-2-id": "c", "options-2-text": "Twitch",
                 "options-2-correct": "y", "points": "2"},
    "true_false": {"qid": "dvt", "prompt": "A swollen calf may be massaged.", "answer_bool": "false",
                   "must_pass": "y", "objective": "SAF-1"},
    "numeric": {"qid": "hold", "prompt": "Seconds held?", "answer": "60", "tolerance": "30",
                "unit": "s", "objective": "INT-2"},
    "short_text": {"qid": "referred", "prompt": "Pain felt elsewhere is ... pain.",
                   "accept": "referred\nreferred pain\n"},
    "matching": {"qid": "match", "prompt": "Match", "pairs-0-left": "Upper trapezius",
                 "pairs-0-right": "Temple", "pairs-1-left": "Infraspinatus",
                 "pairs-1-right": "Front of shoulder", "pairs-2-left": "", "pairs-2-right": ""},
    "ordering": {"qid": "steps", "prompt": "Order", "items": "Locate\nPress\nHold\nRelease"},
    "hotspot": {"qid": "spot", "prompt": "Click the dot", "image": "map.svg", "tags": "neck, head",
                "regions-0-shape": "circle", "regions-0-cx": "50", "regions-0-cy": "50",
                "regions-0-r": "12", "regions-1-shape": "polygon",
                "regions-1-points": "10,10 40,10 40,30", "regions-2-shape": "rect",
                "regions-2-x": "60", "regions-2-y": "60", "regions-2-width": "10",
                "regions-2-height": "5"},
}


def test_create_a_quiz_then_add_every_question_type(client, db, author):
    response = _new_quiz(client)
    assert response.status_code == 302 and response.headers["Location"].endswith(QUIZ)
    assert db.session.execute(select(Quiz).filter_by(slug="neck-quiz")).first() is None
    for qtype, data in EVERY_TYPE.items():
        response = _add(client, qtype, data)
        assert response.status_code == 302, (qtype, response.get_data(as_text=True)[:3000])
    questions = _draft(db).data["questions"]
    assert [q["type"] for q in questions] == list(EVERY_TYPE)
    single, multiple, tf, numeric, short, matching, ordering, hotspot = questions
    assert single["id"] == "which-is-a-trigger-point"  # made from the prompt
    assert single["options"] == [
        {"id": "a", "text": "A tender spot in a taut band", "correct": True},
        {"id": "b", "text": "A tendon", "feedback": "No."}]  # the blank row is dropped
    assert multiple["points"] == 2 and [o.get("correct", False) for o in multiple["options"]] == \
        [True, False, True]
    assert tf["answer"] is False and tf["must_pass"] is True and tf["objective"] == "SAF-1"
    assert (numeric["answer"], numeric["tolerance"], numeric["unit"]) == (60, 30, "s")
    assert short["accept"] == ["referred", "referred pain"]
    assert matching["pairs"] == [["Upper trapezius", "Temple"],
                                 ["Infraspinatus", "Front of shoulder"]]
    assert ordering["items"] == ["Locate", "Press", "Hold", "Release"]
    assert hotspot["tags"] == ["neck", "head"]
    assert hotspot["regions"] == [{"shape": "circle", "cx": 50, "cy": 50, "r": 12},
                                  {"shape": "polygon", "points": [[10, 10], [40, 10], [40, 30]]},
                                  {"shape": "rect", "x": 60, "y": 60, "width": 10, "height": 5}]
    page = client.get(QUIZ).get_data(as_text=True)
    assert "Fix" not in page and "Publish as a new version" in page


def test_bad_settings_are_field_errors_and_keep_what_was_typed(client, db, author):
    response = _new_quiz(client, pass_mark="lots", draw="core 3")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter the pass mark as a percent between 0 and 100." in page
    assert "&#39;draw&#39; must map pool names to counts" in page
    assert 'value="lots"' in page and 'value="core 3"' in page and 'value="Neck quiz"' in page
    assert 'aria-invalid="true"' in page
    assert _draft(db) is None
    taken = client.post(NEW, data={"slug": "intro-quiz", "title": "Again", "pass_mark": "80",
                                   "review": "after_submit", "grading": "highest"})
    assert taken.status_code == 422 and "already exists" in taken.get_data(as_text=True)


def test_question_errors_are_shown_beside_their_fields_and_nothing_is_lost(client, db, author):
    _new_quiz(client)
    two_right = {**EVERY_TYPE["single"], "options-1-correct": "y"}
    response = _add(client, "single", two_right)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Mark exactly one option as correct." in page
    assert "A tender spot in a taut band" in page and "Which is a trigger point?" in page
    response = _add(client, "numeric", {**EVERY_TYPE["numeric"], "answer": "sixty"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="answer"[^>]*value="sixty"|value="sixty"[^>]*id="answer"', page)
    assert 'id="answer-error"' in page and "Enter the answer as a number" in page
    outside = {**EVERY_TYPE["hotspot"], "regions-0-cy": "95"}
    page = _add(client, "hotspot", outside).get_data(as_text=True)
    assert "Region lies outside the image" in page and 'value="95"' in page
    missing = {**EVERY_TYPE["hotspot"], "regions-0-r": ""}
    page = _add(client, "hotspot", missing).get_data(as_text=True)
    assert 'id="regions-0-r-error"' in page and "Give the circle region its radius." in page
    bad_objective = {**EVERY_TYPE["true_false"], "objective": "XYZ-9"}
    page = _add(client, "true_false", bad_objective).get_data(as_text=True)
    assert "XYZ-9 is not an objective of this course" in page
    assert _draft(db).data["questions"] == []
    _add(client, "ordering", EVERY_TYPE["ordering"])
    duplicate = _add(client, "short_text", {**EVERY_TYPE["short_text"], "qid": "steps"})
    assert duplicate.status_code == 422
    assert "Another question already uses the id &#39;steps&#39;" in duplicate.get_data(as_text=True)


def test_rows_are_added_and_removed_without_javascript_and_without_saving(client, db, author):
    _new_quiz(client)
    data = {**EVERY_TYPE["single"], "action": "add:options"}
    page = client.post(f"{QUIZ}/questions/new?type=single", data=data).get_data(as_text=True)
    assert 'name="options-3-text"' in page and "A tender spot in a taut band" in page
    data = {**EVERY_TYPE["single"], "action": "remove:options:0"}
    page = client.post(f"{QUIZ}/questions/new?type=single", data=data).get_data(as_text=True)
    assert "A tender spot in a taut band" not in page and 'value="A tendon"' in page
    assert _draft(db).data["questions"] == []


def _ids(db):
    return [q["id"] for q in _draft(db).data["questions"]]


def test_reorder_with_up_and_down_buttons_and_delete(client, db, author):
    _new_quiz(client)
    for qtype in ("true_false", "numeric", "ordering"):
        _add(client, qtype, EVERY_TYPE[qtype])
    assert _ids(db) == ["dvt", "hold", "steps"]
    client.post(f"{QUIZ}/questions/move", data={"question_id": "steps", "direction": "up"})
    assert _ids(db) == ["dvt", "steps", "hold"]
    client.post(f"{QUIZ}/questions/move", data={"question_id": "dvt", "direction": "up"})
    assert _ids(db) == ["dvt", "steps", "hold"]  # already first
    client.post(f"{QUIZ}/questions/move", data={"question_id": "dvt", "direction": "down"})
    assert _ids(db) == ["steps", "dvt", "hold"]
    client.post(f"{QUIZ}/questions/delete", data={"question_id": "dvt"})
    assert _ids(db) == ["steps", "hold"]
    assert client.post(f"{QUIZ}/questions/delete", data={"question_id": "nope"}).status_code == 404


def test_edit_an_existing_question_of_a_published_quiz(client, db, author):
    page = client.get("/author/quizzes/intro-quiz/questions/hold-seconds/edit").get_data(
        as_text=True)
    assert "About how many seconds is pressure held?" in page and 'value="60"' in page
    form = {"qid": "hold-seconds", "prompt": "How long is pressure held?", "answer": "60",
            "tolerance": "30", "unit": "s", "objective": "INT-2", "points": "1",
            "explanation": "30 to 90 s.", "action": "save"}
    response = client.post("/author/quizzes/intro-quiz/questions/hold-seconds/edit", data=form)
    assert response.status_code == 302
    draft = _draft(db, "intro-quiz").data
    edited = next(q for q in draft["questions"] if q["id"] == "hold-seconds")
    assert edited["prompt"] == "How long is pressure held?"
    assert [q["id"] for q in draft["questions"]][0] == "tp-definition"  # order kept
    current = db.session.execute(select(QuizVersion).join(Quiz).where(
        Quiz.slug == "intro-quiz")).scalar_one()
    assert "About how many" in next(q for q in current.data["questions"]
                                    if q["id"] == "hold-seconds")["prompt"]  # trainees unaffected


def test_publish_makes_a_new_version_and_attempts_keep_theirs(client, db, author, enrolled,
                                                              clock):
    from tpcourse.services.exams.attempts import get_quiz, start_attempt

    quiz, v1 = get_quiz("intro-quiz")
    running = start_attempt(enrolled, quiz, v1, clock())
    form = {"qid": "latent", "prompt": "A latent trigger point hurts only when pressed.",
            "answer_bool": "true", "objective": "INT-1", "points": "1", "action": "save"}
    client.post("/author/quizzes/intro-quiz/questions/latent/edit", data=form)
    response = client.post("/author/quizzes/intro-quiz/publish")
    assert response.status_code == 302 and response.headers["Location"].endswith("/versions")
    db.session.expire_all()
    quiz, v2 = get_quiz("intro-quiz")
    assert (v1.version, v2.version) == (1, 2) and v2.content_hash != v1.content_hash
    assert _draft(db, "intro-quiz") is None
    assert db.session.get(Attempt, running.id).quiz_version_id == v1.id
    event = db.session.execute(select(AuditEvent).filter_by(kind="quiz.published")).scalar_one()
    assert event.payload == {"quiz": "intro-quiz", "version": 2, "content_hash": v2.content_hash}
    assert event.actor == f"user:{author.id}"
    history = client.get("/author/quizzes/intro-quiz/versions").get_data(as_text=True)
    assert "Version 2" in history and "edited</span> question <strong>latent</strong>: prompt" \
        in history and "1 attempt" in history
    again = client.post("/author/quizzes/intro-quiz/publish")
    assert again.status_code == 400  # no draft left to publish


def test_publishing_an_unchanged_draft_makes_no_version(client, db, author):
    client.post("/author/quizzes/intro-quiz/questions/move",
                data={"question_id": "signs", "direction": "up"})
    client.post("/author/quizzes/intro-quiz/questions/move",
                data={"question_id": "signs", "direction": "down"})
    response = client.post("/author/quizzes/intro-quiz/publish", follow_redirects=True)
    assert "Nothing changed" in response.get_data(as_text=True)
    assert db.session.execute(select(func.count()).select_from(QuizVersion).join(Quiz).where(
        Quiz.slug == "intro-quiz")).scalar_one() == 1


def test_publish_is_refused_while_the_draft_has_problems(client, db, author):
    _new_quiz(client)
    response = client.post(f"{QUIZ}/publish")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "&#39;questions&#39; must list at least one question" in page
    assert db.session.execute(select(Quiz).filter_by(slug="neck-quiz")).first() is None
    _add(client, "true_false", EVERY_TYPE["true_false"])
    assert client.post(f"{QUIZ}/publish").status_code == 302
    quiz = db.session.execute(select(Quiz).filter_by(slug="neck-quiz")).scalar_one()
    assert quiz.current_version == 1 and quiz.course_id is not None


def test_a_new_quiz_is_invisible_to_trainees_until_published(client, db, author, enrolled,
                                                             login_as):
    _new_quiz(client)
    _add(client, "true_false", EVERY_TYPE["true_false"])
    login_as(enrolled)
    assert client.get("/quizzes/neck-quiz").status_code == 404
    login_as(author)
    client.post(f"{QUIZ}/publish")
    login_as(enrolled)
    assert client.get("/quizzes/neck-quiz").status_code == 200


def test_discarding_a_draft_restores_the_published_version(client, db, author):
    client.post("/author/quizzes/intro-quiz/questions/delete", data={"question_id": "spot"})
    assert "spot" not in [q["id"] for q in _draft(db, "intro-quiz").data["questions"]]
    client.post("/author/quizzes/intro-quiz/discard")
    assert _draft(db, "intro-quiz") is None
    page = client.get("/author/quizzes/intro-quiz").get_data(as_text=True)
    assert 'id="q-spot"' in page


def test_the_body_map_editor_shows_the_reviewers_overlay(client, db, author):
    """Regions numbered, the drawing's endangerment zones dashed, and the region checks' findings
    — the same marks `flask content regions` draws."""
    _new_quiz(client)
    press = {**EVERY_TYPE["hotspot"], "tags": "palpation", "regions-2-x": "160",
             "regions-2-y": "30"}  # the third region now sits in the zone
    page = _add(client, "hotspot", press).get_data(as_text=True)
    assert "reaches the endangerment zone &#39;test artery&#39;" in page
    assert '<rect class="zone" x="150" y="20" width="40" height="60">' in page
    assert "<title>Endangerment zone: test artery</title>" in page
    labels = re.findall(r'<text class="region region-label" x="([\d.]+)" y="([\d.]+)">(\d)</text>',
                        page)
    assert [label for *_, label in labels] == ["1", "2", "3"]
    assert labels[0][:2] == ("50", "50")  # the circle's label sits at its centre
    saved = _add(client, "hotspot", {**EVERY_TYPE["hotspot"], "qid": "spot2"})
    assert saved.status_code == 302
    page = client.get(f"{QUIZ}/questions/spot2/edit").get_data(as_text=True)
    assert '<circle class="region" cx="50" cy="50" r="12"/>' in page
    assert 'class="region-findings"' not in page


def test_excludes_are_edited_kept_and_checked_in_the_studio(client, db, author):
    _new_quiz(client)
    assert _add(client, "numeric", {**EVERY_TYPE["numeric"], "pool": "p"}).status_code == 302
    short = {**EVERY_TYPE["short_text"], "pool": "p", "excludes": "hold"}
    refused = _add(client, "short_text", short)  # no draw yet: both are in every attempt
    assert refused.status_code == 422 and "exclude each other, but every attempt contains both" \
        in refused.get_data(as_text=True)
    _draft(db).data = {**_draft(db).data, "draw": {"p": 1}}
    db.session.commit()
    assert _add(client, "short_text", short).status_code == 302
    stored = {q["id"]: q for q in _draft(db).data["questions"]}
    assert stored["referred"]["excludes"] == ["hold"]
    page = client.get(f"{QUIZ}/questions/referred/edit").get_data(as_text=True)
    assert 'name="excludes"' in page and 'value="hold"' in page
    saved = client.post(f"{QUIZ}/questions/referred/edit",
                        data={"action": "save", "points": "1", **short, "excludes": "nope"})
    page = saved.get_data(as_text=True)
    assert saved.status_code == 422 and 'id="excludes-error"' in page
    assert "&#39;excludes&#39; names &#39;nope&#39;, which is not a question of this quiz" in page
