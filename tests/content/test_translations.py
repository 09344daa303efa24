"""Translated content files: found beside their sources, checked, fingerprinted, stamped."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.translation_fixtures import FILES, INTRO_QUIZ_ES, MODULE_ES, stamp, translated_copy
from tpcourse.content.loader import check_paths, load_content
from tpcourse.content.translation_set import locale_summaries
from tpcourse.content.translations import (
    CURRENT,
    STALE,
    UNSTAMPED,
    Part,
    lesson_fingerprint,
    parse_locales,
    question_fingerprint,
    split_translation_name,
    stamp_text,
)

CONTENT = Path(__file__).parents[1] / "fixtures" / "content"


def _load(root: Path, locales=("es",)):
    return load_content(root / "lessons", root / "quizzes", locales=locales)


def _states(content, locale="es"):
    return {Path(s.path).name: s.state for s in content.translation_states if s.locale == locale}


def test_translation_files_are_neither_lessons_nor_quizzes(tmp_path):
    plain = load_content(CONTENT / "lessons", CONTENT / "quizzes")
    content = _load(translated_copy(tmp_path))
    assert content.ok, content.problems
    lessons = [[lesson.slug for lesson in m.lessons] for m in content.courses[0].modules]
    assert lessons == [[lesson.slug for lesson in m.lessons] for m in plain.courses[0].modules]
    assert sorted(content.quizzes) == sorted(plain.quizzes)
    assert "translations" not in plain.quizzes["intro-quiz"].data


def test_names_and_locales():
    assert split_translation_name("01-welcome.es.md") == ("01-welcome.md", "es")
    assert split_translation_name("map.zones.pt_BR.yaml") == ("map.zones.yaml", "pt_BR")
    assert split_translation_name("map.zones.yaml") is None
    assert split_translation_name("01-welcome.md") is None
    assert parse_locales("en, es,pt_BR,,es") == ["es", "pt_BR"]


def test_a_course_without_translations_keeps_its_hash_and_one_with_them_changes(tmp_path):
    plain = load_content(CONTENT / "lessons", CONTENT / "quizzes")
    copied = _load(translated_copy(tmp_path / "a", {}))
    translated = _load(translated_copy(tmp_path / "b"))
    assert copied.courses[0].content_hash() == plain.courses[0].content_hash()
    assert copied.quizzes["intro-quiz"].content_hash() == plain.quizzes["intro-quiz"].content_hash()
    assert translated.courses[0].content_hash() != plain.courses[0].content_hash()
    assert translated.quizzes["intro-quiz"].content_hash() != \
        plain.quizzes["intro-quiz"].content_hash()


def test_fingerprints_follow_what_a_trainee_reads():
    assert lesson_fingerprint("Welcome", "Body") == lesson_fingerprint("Welcome", "Body")
    assert lesson_fingerprint("Welcome", "Body") != lesson_fingerprint("Welcome", "Body!")
    assert len(lesson_fingerprint("a", "b")) == 12
    question = {"id": "q", "type": "single", "prompt": "P", "prompt_html": "P", "points": 1,
                "pool": None, "tags": [], "options": [{"id": "a", "text": "A", "correct": True,
                                                       "text_html": "A"}]}
    same = question_fingerprint(question)
    assert question_fingerprint({**question, "points": 3, "pool": "core", "tags": ["x"],
                                 "prompt_html": "<b>P</b>"}) == same
    assert question_fingerprint({**question, "options": [
        {"id": "a", "text": "A", "correct": False}]}) != same  # the key changed
    assert question_fingerprint({**question, "prompt": "Q"}) != same


def test_unstamped_then_stamped_then_stale(tmp_path):
    root = translated_copy(tmp_path)
    content = _load(root)
    assert _states(content)["01-welcome.es.md"] == UNSTAMPED
    assert "questions" in content.quizzes["intro-quiz"].data["translations"]["es"]
    assert content.quizzes["intro-quiz"].data["translations"]["es"]["questions"] == {}
    stamp(root)
    content = _load(root)
    states = _states(content)
    assert states["01-welcome.es.md"] == states["intro-quiz.es.yaml"] == CURRENT
    assert states["map.zones.es.yaml"] == states["course.es.yaml"] == CURRENT
    assert states["02-holding.es.md"] == states["safety-quiz.es.yaml"] == "missing"
    stored = content.quizzes["intro-quiz"].data["translations"]["es"]
    assert stored["title"] == "Cuestionario de introducción"
    assert stored["questions"]["referred"]["accept"] == ["referido", "dolor referido"]
    welcome = root / "lessons/basics/01-intro/01-welcome.md"
    welcome.write_text(welcome.read_text().replace("taut band", "tight band"))
    quiz = root / "quizzes/intro-quiz.yaml"
    quiz.write_text(quiz.read_text().replace("[referred, referred pain]", "[referred]"))
    content = _load(root)
    assert _states(content)["01-welcome.es.md"] == STALE
    stored = content.quizzes["intro-quiz"].data["translations"]["es"]["questions"]
    assert "referred" not in stored and "match" in stored  # only the changed question
    warnings = [str(w) for w in content.warnings]
    assert any("01-welcome.es.md:3: warning: es translation is stale" in w for w in warnings)
    assert any("intro-quiz.es.yaml" in w and "not current: referred" in w for w in warnings)
    assert any("02-holding.md:1: warning: no es translation (02-holding.es.md)" in w
               for w in warnings)
    summary = locale_summaries(content.translation_states)
    assert summary == ["es: 3 of 10 translations current, 5 missing, 2 stale or not stamped, "
                       "0 incomplete."]


def test_a_locale_with_no_files_reports_everything_missing(tmp_path):
    content = _load(translated_copy(tmp_path), locales=("es", "fr"))
    assert set(_states(content, "fr").values()) == {"missing"}


MODULE_PATH = "lessons/basics/01-intro/module.es.yaml"
QUIZ_PATH = "quizzes/intro-quiz.es.yaml"
LESSON_PATH = "lessons/basics/01-intro/01-welcome.es.md"


@pytest.mark.parametrize(("relative", "text", "line", "message"), [
    (MODULE_PATH, MODULE_ES + "quiz: intro-quiz\n", 5, "unknown key 'quiz'"),
    (MODULE_PATH, MODULE_ES + "  INT-9: Otro.\n", 5, "objective 'INT-9' is not in the source"),
    (MODULE_PATH, "title: Introducción\nobjectives:\n  INT-1: Describir.\n", 3,
     "objective 'INT-2' of the source is not translated"),
    (MODULE_PATH, "objectives: {INT-1: a, INT-2: b}\n", 1, "missing 'title'"),
    (MODULE_PATH, "source: nothex\n" + MODULE_ES, 1, "'source' must be the 12 hex digits"),
    (QUIZ_PATH, INTRO_QUIZ_ES + "  nope:\n    prompt: x\n", 38, "question 'nope' is not in the quiz"),
    (QUIZ_PATH, INTRO_QUIZ_ES.replace(",\n            [Glúteo menor, Lateral de la pierna]", ""), 28,
     "'pairs' must have 3 entries, in the source's order (it has 2)"),
    (QUIZ_PATH, INTRO_QUIZ_ES.replace("items: [Localizar la banda, ", "items: ["), 33,
     "'items' must have 4 entries"),
    (QUIZ_PATH, INTRO_QUIZ_ES.replace("feedback: {b:", "feedback: {a: x, b:"), 7,
     "option with feedback 'a' is not in the source"),
    (QUIZ_PATH, INTRO_QUIZ_ES.replace("    accept: [referido, dolor referido]\n", ""), 23,
     "'accept' must list the answers accepted in this language"),
    (QUIZ_PATH, INTRO_QUIZ_ES.replace("options: {a: Banda tensa, ", "options: {"), 12,
     "option 'a' of the source is not translated"),
    (QUIZ_PATH, INTRO_QUIZ_ES.replace("    explanation: Esa es la definición.\n",
                                      "    feedback_true: Sí.\n"), 17,
     "the source question has no 'feedback_true' to translate"),
    (QUIZ_PATH, INTRO_QUIZ_ES.replace("  latent:\n    prompt:", "  latent:\n    answer: false\n"
                                      "    prompt:"), 16, "unknown key 'answer' for a true_false"),
    (LESSON_PATH, "---\ntitle: Hola\nminutes: 5\n---\nCuerpo\n", 3, "unknown key 'minutes'"),
    (LESSON_PATH, "---\ntitle: Hola\n---\n![Otro](assets/other.svg)\n", 4,
     "image 'assets/other.svg' is not in the source lesson"),
    ("lessons/basics/01-intro/03-nothing.es.md", "---\ntitle: x\n---\ny\n", 1,
     "which this course does not have"),
    ("quizzes/nope.es.yaml", "title: x\n", 1, "translates quiz 'nope'"),
    ("lessons/assets/map.zones.es.yaml", "names: {other: otra}\n", 1,
     "zone 'other' is not in the source"),
])
def test_malformed_translations_are_errors_at_their_line(tmp_path, relative, text, line, message):
    root = translated_copy(tmp_path, {**FILES, relative: text})
    content = _load(root)
    found = [p for p in content.problems if p.path.endswith(relative.rsplit("/", 1)[1])]
    assert any(p.line == line and message in p.message for p in found), found


def test_check_paths_takes_a_translation_file(tmp_path):
    root = translated_copy(tmp_path, {**FILES, MODULE_PATH: MODULE_ES + "quiz: x\n"})
    found = check_paths([root / MODULE_PATH], root / "lessons", root / "quizzes", ("es",))
    assert [p.message for p in found if not p.warning] == [
        "unknown key 'quiz' (allowed: objectives, source, title)"]
    found = check_paths([root / QUIZ_PATH], root / "lessons", root / "quizzes", ("es",))
    assert [p for p in found if not p.warning] == []


def test_stamp_changes_only_the_source_lines():
    text = ("# a comment\r\ntitle: Hola\r\nquestions:\r\n  q1:\r\n    source: 000000000000  # old\r\n"
            "    prompt: P\r\n  q2:\r\n      prompt: Q\r\n")
    parts = [Part(None, "aaaaaaaaaaaa", 2), Part("000000000000", "bbbbbbbbbbbb", 5),
             Part(None, "cccccccccccc", 8, indent="      ")]
    assert stamp_text(text, parts) == (
        "# a comment\r\nsource: aaaaaaaaaaaa\r\ntitle: Hola\r\nquestions:\r\n  q1:\r\n"
        "    source: bbbbbbbbbbbb  # old\r\n    prompt: P\r\n  q2:\r\n      source: cccccccccccc\r\n"
        "      prompt: Q\r\n")


def test_stamped_files_keep_every_other_byte(tmp_path):
    root = translated_copy(tmp_path)
    stamp(root)
    quiz = (root / QUIZ_PATH).read_text()
    assert [line for line in quiz.splitlines() if "source:" not in line] == \
        INTRO_QUIZ_ES.splitlines()
    assert quiz.count("source:") == 9  # the title's and one per question
    lesson = (root / LESSON_PATH).read_text().splitlines()
    assert lesson[:2] == ["---", "title: Bienvenida"] and lesson[2].startswith("source: ")
    stamp(root)
    assert (root / QUIZ_PATH).read_text() == quiz  # stamping again changes nothing


def test_grading_is_the_same_whatever_the_translations(tmp_path):
    from tpcourse.grading.attempts import grade_attempt
    from tpcourse.grading.types import question_type

    plain = load_content(CONTENT / "lessons", CONTENT / "quizzes").quizzes["intro-quiz"].data
    root = translated_copy(tmp_path)
    stamp(root)
    translated = _load(root).quizzes["intro-quiz"].data
    ids = [q["id"] for q in plain["questions"] if q["type"] != "hotspot"]
    keys = {q["id"]: question_type(q["type"]).key_response(q) for q in plain["questions"]}
    for responses in (keys, {**keys, "signs": ["a", "c"], "match": ["Temple"] * 3}, {}):
        assert grade_attempt(plain, ids, responses) == grade_attempt(translated, ids, responses)
    spanish = {**keys, "referred": "Dolor referido"}
    assert grade_attempt(translated, ids, spanish).percent == 100
    assert grade_attempt(plain, ids, spanish).percent < 100


def test_zone_names_in_a_locale_only_when_current(tmp_path):
    from tpcourse.content.loader_translations import zone_names

    root = translated_copy(tmp_path)
    assets = root / "lessons/assets"
    assert zone_names(assets, "map.svg", "es") == {}  # not stamped yet
    stamp(root)
    assert zone_names(assets, "map.svg", "es") == {"test artery": "arteria de prueba"}
    assert zone_names(assets, "map.svg", "fr") == {}


def test_a_source_change_makes_a_stamped_translation_stale_not_invalid(tmp_path):
    root = translated_copy(tmp_path)
    stamp(root)
    quiz = root / "quizzes/intro-quiz.yaml"
    text = quiz.read_text().replace(
        "      - {id: c, text: A lymph node, feedback: Lymph nodes are not muscle.}\n", "")
    quiz.write_text(text.replace("  - id: latent\n", "  - id: latent-point\n"))
    content = _load(root)
    assert content.ok, content.problems
    warnings = [w.message for w in content.warnings if w.path.endswith("intro-quiz.es.yaml")]
    assert any("option 'c' is not in the source (the source changed since this translation "
               "was stamped: update it)" in w for w in warnings), warnings
    assert "question 'latent' is not in the quiz: it was removed, remove its translation" \
        in warnings
    stored = content.quizzes["intro-quiz"].data["translations"]["es"]["questions"]
    assert "tp-definition" not in stored and "signs" in stored
