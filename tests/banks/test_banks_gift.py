"""GIFT import and export: every construct, malformed files, round trips."""

from __future__ import annotations

from pathlib import Path

import pytest

from tpcourse.banks import (
    MAX_BANK_BYTES,
    BankImport,
    export_gift,
    parse_gift,
    parse_moodle_xml,
    to_gift,
    to_moodle_xml,
)

FIXTURES = Path(__file__).parent / "fixtures"
LOCATING_PATH = "$course$/top/Trigger point foundations/Locating trigger points"
PRESSURE_PATH = "$course$/top/Trigger point foundations/Applying pressure"
LOCATING = {"category": LOCATING_PATH, "pool": "trigger-point-foundations/locating-trigger-points"}
PRESSURE = {"category": PRESSURE_PATH, "pool": "trigger-point-foundations/applying-pressure"}

EVERY_CONSTRUCT = [
    {
        "id": "taut-band", "name": "Taut band", **LOCATING, "type": "single",
        "prompt": "A trigger point is best described as ...",
        "options": [
            {"id": "a", "text": "A hyperirritable spot in a taut band of skeletal muscle",
             "correct": True, "feedback": "Yes: a tender nodule within a taut band."},
            {"id": "b", "text": "A calcified tendon",
             "feedback": "Tendons are not where trigger points form."},
            {"id": "c", "text": "An inflamed joint capsule"},
        ],
        "explanation": "Trigger points are found by palpating across the fibres of a taut band.",
        "tags": ["palpation", "LOC-1"],
    },
    {
        # ~%50% on a single-choice question: Moodle gives half marks, and so does the import
        "id": "palpation-method", "name": "Palpation method", **LOCATING, "type": "single",
        "scoring": "weights",
        "prompt": "<p>Which palpation suits the\n<b>upper trapezius</b>?</p>",
        "options": [
            {"id": "a", "text": "Pincer palpation", "correct": True, "weight": 100},
            {"id": "b", "text": "Flat palpation", "weight": 0,
             "feedback": "Flat palpation suits muscles you cannot lift."},
            {"id": "c", "text": "Either, equally", "weight": 50,
             "feedback": "Partly right: pincer is easier here."},
        ],
    },
    {
        # 50/50/-100 is not the platform's ±1/2 rule (the wrong option costs 100%, not 50%)
        "id": "signs-of-a-trigger-point", "name": "Signs of a trigger point", **LOCATING,
        "type": "multiple", "scoring": "weights",
        "prompt": "Which **two** findings point to an active trigger point?",
        "options": [
            {"id": "a", "text": "A local twitch response", "correct": True, "weight": 50},
            {"id": "b", "text": "Pain referred in a familiar pattern", "correct": True,
             "weight": 50},
            {"id": "c", "text": "Swelling and warmth over a joint", "weight": -100},
        ],
    },
    {
        "id": "contraindications", "name": "Contraindications", **LOCATING, "type": "multiple",
        "scoring": "weights", "prompt": "Which are reasons not to treat today?",
        "options": [
            {"id": "a", "text": "Suspected deep vein thrombosis", "correct": True, "weight": 70},
            {"id": "b", "text": "A fresh bruise over the area", "correct": True, "weight": 30},
            {"id": "c", "text": "Mild stiffness after exercise", "weight": -50},
        ],
    },
    {
        "id": "q-5", **LOCATING, "type": "single",
        "prompt": "Pain felt away from the trigger point is called _____ pain.",
        "options": [
            {"id": "a", "text": "referred", "correct": True},
            {"id": "b", "text": "local"},
            {"id": "c", "text": "radiating"},
        ],
    },
    {
        "id": "q-6", **LOCATING, "type": "short_text",
        "prompt": "A hyperirritable spot lies within a taut _____ of muscle.",
        "accept": ["band", "bands"],
    },
    {
        "id": "hold-time", "name": "Hold time", **PRESSURE, "type": "numeric",
        "prompt": "About how many seconds is sustained pressure held before reassessing?",
        "answer": 60, "tolerance": 30,
    },
    {
        "id": "pressure-scale", "name": "Pressure scale", **PRESSURE, "type": "numeric",
        "prompt": "On a 0–10 scale, what discomfort level should pressure stay within?",
        "answer": 5, "tolerance": 2,
    },
    {
        "id": "releases-per-session", "name": "Releases per session", **PRESSURE,
        "type": "numeric",
        "prompt": "How many releases per trigger point are usual in one session?",
        "answer": 2, "tolerance": 1, "partial": [{"answer": 4, "tolerance": 1, "weight": 50}],
    },
    {
        "id": "ischemic-compression", "name": "Ischemic compression", **PRESSURE,
        "type": "true_false",
        "prompt": "Ischaemic compression is held until the tissue softens.",
        "answer": True,
    },
    {
        # {FALSE#wrong#right}: "wrong" is for trainees who answer True, "right" for False
        "id": "calf-dvt", "name": "Calf DVT", **PRESSURE, "type": "true_false",
        "prompt": "A warm, swollen, painful calf may be massaged with light pressure.",
        "answer": False,
        "feedback_true": "No: it may be a deep vein thrombosis; refer the client.",
        "feedback_false": "Right: refer the client.",
        "explanation": "Never massage a suspected DVT.",
    },
    {
        "id": "referred-pain-term", "name": "Referred pain term", **PRESSURE,
        "type": "short_text",
        "prompt": "The pain felt away from a trigger point is called ... pain.",
        "accept": ["referred", "referred pain"],
        "explanation": "Referred pain follows known maps.",
    },
    {
        "id": "referral-areas", "name": "Referral areas", **PRESSURE, "type": "matching",
        "prompt": "Match each muscle to its usual referral area.",
        "pairs": [
            ["Upper trapezius", "Side of the head and temple"],
            ["Infraspinatus", "Front of the shoulder"],
            ["Gluteus minimus", "Down the side of the leg"],
        ],
    },
    {
        "id": "escapes-braces", "name": "Escapes: braces", **PRESSURE, "type": "short_text",
        "prompt": "Write {curly} braces, a ~ tilde, an = equals sign and a # hash\n"
                  "in question text.",
        "accept": ["They are escaped: { } ~ = #"],
    },
    {
        "id": "taut-band-2", "name": "Taut band", **PRESSURE, "type": "single",
        "prompt": "Which tool helps a therapist lift a muscle for pincer palpation?",
        "options": [
            {"id": "a", "text": "The thumb and fingers", "correct": True},
            {"id": "b", "text": "A massage ball"},
        ],
    },
    {  # {} is an essay (issue 25); GIFT gives graders nothing, so one overall criterion
        "id": "reflection", "name": "Reflection", **PRESSURE, "type": "essay",
        "prompt": "Describe how you would explain trigger points to a client.",
        "rubric": [{"id": "overall", "text": "The answer as a whole", "points": 1}],
    },
    {
        "id": "q-18", "type": "single",
        "prompt": "Pressure should be released _____.",
        "options": [{"id": "a", "text": "slowly", "correct": True},
                    {"id": "b", "text": "quickly"}],
    },
]


def _read(name: str) -> BankImport:
    return parse_gift((FIXTURES / name).read_text(encoding="utf-8"))


def _summary(result: BankImport) -> list[tuple[int, str, str]]:
    return [(p.line, p.severity, p.message) for p in result.problems]


def test_every_construct_is_parsed_exactly():
    result = _read("every-construct.gift")
    assert len(result.questions) == len(EVERY_CONSTRUCT)
    for parsed, expected in zip(result.questions, EVERY_CONSTRUCT, strict=True):
        assert parsed == expected, expected["id"]


def test_every_construct_reports_what_it_skipped_or_dropped():
    """Scores are kept (weights), so only dropped feedback and skipped items are reported."""
    problems = _read("every-construct.gift").problems
    assert [(p.line, p.severity, p.question) for p in problems] == [
        (45, "warning", 8), (66, "warning", 15), (68, "warning", None),
    ]
    assert "feedback is not imported" in problems[0].message
    assert "line 66: the essay has no information for graders" in str(problems[1])
    assert "description" in problems[2].message


def test_the_platform_scoring_names_every_question_whose_scores_differ():
    result = parse_gift((FIXTURES / "every-construct.gift").read_text(), scoring="platform")
    differs = [(p.line, p.question, p.message) for p in result.problems
               if "differ" in p.message]
    assert [(line, index) for line, index, _ in differs] == [(18, 1), (21, 2), (27, 3), (45, 8)]
    assert "'Either, equally') 50% earn partial credit there and nothing here" in differs[0][2]
    # 50/50/-100 in Moodle: choosing B and C scores 0%; here +1/2 -1/2 = 0%, but choosing
    # A, B and C scores 0% in Moodle (50+50-100) and 50% here (1 - 1/2): the largest gap.
    assert "choosing A ('A local twitch response'), B ('Pain referred in a familiar p…'), " \
           "C ('Swelling and warmth over a jo…') scores 0% in the source and 50% here" \
           in differs[1][2]
    assert "scores 70% in the source and 50% here" in differs[2][2]
    assert "4:1 (50%)" in differs[3][2]
    assert all("scoring" not in q and "partial" not in q for q in result.questions)


def test_round_trip_keeps_every_question():
    first = _read("every-construct.gift")
    export = export_gift(first.questions)
    assert export.notes == []
    again = parse_gift(export.content)
    assert again.questions == first.questions
    assert [p for p in again.problems if p.severity == "error"] == []


def test_gift_questions_survive_moodle_xml():
    first = _read("every-construct.gift")
    assert parse_moodle_xml(to_moodle_xml(first.questions)).questions == first.questions


def test_malformed_file_reports_each_problem_by_line_and_keeps_the_rest():
    result = _read("malformed.gift")
    assert [q["id"] for q in result.questions] == ["fine"]
    lines = [(line, severity) for line, severity, _ in _summary(result)]
    assert lines == [(n, "error") for n in (3, 7, 9, 11, 13, 15, 17, 19, 21, 23, 27)]
    messages = [p.message for p in result.problems]
    assert "unclosed brace" in messages[0]
    assert "no correct answer" in messages[1]
    assert "bad numeric answer 'sixty'" in messages[2]
    assert "unknown command '$CATEGORIES: Applying pressure'" in messages[3]
    assert "$CATEGORY: needs a category path" in messages[4]
    assert "'}' without a '{'" in messages[5]
    assert "no closing '::'" in messages[6]
    assert "bad numeric answer '7..3'" in messages[7]
    assert "only one {…} answer block" in messages[8]
    assert "at least two answers" in messages[9]
    assert "'Infraspinatus' has no '->'" in messages[10]


@pytest.mark.parametrize(("answers", "expected"), [
    ("{T}", True), ("{TRUE}", True), ("{F}", False), ("{FALSE}", False),
])
def test_true_false_spellings(answers, expected):
    result = parse_gift(f"Trigger points can refer pain. {answers}")
    assert result.questions[0]["answer"] is expected
    assert "explanation" not in result.questions[0]


def test_true_false_feedback_goes_to_the_answer_it_is_for():
    """{F#wrong#right}: the first feedback is for the wrong answer (True), the second for the
    right one (False); each trainee will read only the one for their answer."""
    only_wrong = parse_gift("Pressure should be sudden. {F#No: apply it gradually.}")
    assert only_wrong.questions[0]["feedback_true"] == "No: apply it gradually."
    assert "feedback_false" not in only_wrong.questions[0]
    assert "explanation" not in only_wrong.questions[0]
    both = parse_gift("Hold pressure? {T#Yes you should.#Right.####Always hold.}").questions[0]
    assert (both["feedback_false"], both["feedback_true"], both["explanation"]) == (
        "Yes you should.", "Right.", "Always hold.")


def test_numeric_forms():
    text = "A {#60}\n\nB {#60:0}\n\nC {#1.1..1.3}\n\nD {#-5:0.5}\n\nE {#=45:15 =%0%10}"
    result = parse_gift(text)
    numbers = [(q["answer"], q.get("tolerance")) for q in result.questions]
    assert numbers == [(60, None), (60, None), (1.2, 0.1), (-5, 0.5), (45, 15)]
    assert result.problems == []  # a 0% answer earns nothing either way: nothing differs


def test_numeric_without_a_full_credit_answer_is_an_error():
    result = parse_gift("How long? {#=%50%60:10}")
    assert result.questions == []
    assert result.problems[0].severity == "error"
    assert "full credit" in result.problems[0].message


def test_escaped_backslash_and_newline():
    """A backslash is a Markdown escape too, so the stored Markdown doubles it."""
    result = parse_gift(r"Path C:\\clients\\notes\nsecond line {=yes ~no}")
    assert result.questions[0]["prompt"] == "Path C:\\\\clients\\\\notes\nsecond line"


def test_category_paths_become_pools_of_the_whole_path_and_are_kept():
    text = ("$CATEGORY: $course$/top/Default for TP/Neck & Shoulder\n\nQ {T}\n\n"
            "$CATEGORY: Legs\n\nR {T}\n\n$CATEGORY: $system$/top\n\nS {T}\n\n"
            "$CATEGORY: $course$/top/core\n\nT {T}")
    questions = parse_gift(text).questions
    assert [q.get("pool") for q in questions] == [
        "default-for-tp/neck-shoulder", "legs", None, "core"]
    # the path as written, when the pool alone would not give it back
    assert [q.get("category") for q in questions] == [
        "$course$/top/Default for TP/Neck & Shoulder", "Legs", None, None]
    again = parse_gift(to_gift(questions)).questions
    assert [(q.get("pool"), q.get("category")) for q in again] == [
        (q.get("pool"), q.get("category")) for q in questions]


def test_short_text_partial_credit_is_kept_or_reported():
    kept = parse_gift("Which is an amphibian? {=frog =%80%toad}")
    assert kept.questions[0]["accept"] == ["frog"]
    assert kept.questions[0]["partial"] == [{"text": "toad", "weight": 80}]
    assert kept.problems == []
    platform = parse_gift("Which is an amphibian? {=frog =%80%toad}", scoring="platform")
    assert "partial" not in platform.questions[0]
    assert "'toad' (80%)" in platform.problems[0].message
    assert platform.problems[0].question == 0


def test_matching_with_shared_answers_and_distractors():
    """Moodle's classify-these matching: several items share an answer; `= -> Chat` is an
    extra answer that matches nothing."""
    result = parse_gift("Classify. {=Frog -> Amphibian =Newt -> Amphibian =Cat -> Mammal "
                        "= -> Reptile = -> Chat}")
    assert result.problems == []
    question = result.questions[0]
    assert question["pairs"] == [["Frog", "Amphibian"], ["Newt", "Amphibian"], ["Cat", "Mammal"]]
    assert question["distractors"] == ["Reptile", "Chat"]
    assert parse_gift(to_gift(result.questions)).questions == result.questions


def test_windows_line_endings_and_byte_order_mark():
    result = parse_gift("\ufeff::One::Press slowly? {T}\r\n\r\n::Two::Press hard? {F}\r\n")
    assert [q["id"] for q in result.questions] == ["one", "two"]


def test_oversized_bank_is_refused_clearly():
    result = parse_gift("x" * (MAX_BANK_BYTES + 1))
    assert result.questions == []
    assert result.problems[0].severity == "error"
    assert "limited to 2 MB" in result.problems[0].message


def test_export_writes_weights_and_a_missing_word():
    questions = [
        {"id": "signs", "type": "multiple", "prompt": "Which signs?",
         "options": [{"id": "a", "text": "Twitch", "correct": True},
                     {"id": "b", "text": "Referral", "correct": True},
                     {"id": "c", "text": "Fever", "feedback": "Fever is a red flag."}]},
        {"id": "blank", "pool": "core", "type": "short_text",
         "prompt": "Pain is _____ away from the point.", "accept": ["referred"],
         "tags": ["LOC-1"]},
    ]
    assert to_gift(questions) == (
        "// [id:signs]\n[markdown]Which signs? {\n~%50%Twitch\n~%50%Referral\n"
        "~%-50%Fever#Fever is a red flag.\n}\n\n"
        "$CATEGORY: $course$/top/core\n\n"
        "// [id:blank] [tag:LOC-1]\n[markdown]Pain is {\n=referred\n} away from the point.\n"
    )


def test_export_skips_what_gift_cannot_express_and_says_so():
    questions = [
        {"id": "order-pressure", "type": "ordering", "prompt": "Order the steps.",
         "items": ["Locate", "Press", "Release"]},
        {"id": "find-trap", "type": "hotspot", "prompt": "Click the point.",
         "image": "upper-trapezius.svg", "regions": []},
        {"id": "hold", "type": "numeric", "prompt": "Seconds?", "answer": 60,
         "tolerance": 30, "unit": "s", "points": 2},
    ]
    export = export_gift(questions)
    assert export.content == "// [id:hold]\n[markdown]Seconds? {#60:30}\n"
    assert [str(n) for n in export.notes] == [
        "question 'order-pressure': ordering questions cannot be written as GIFT; skipped",
        "question 'find-trap': hotspot questions cannot be written as GIFT; skipped",
        "question 'hold': points (2) cannot be written in GIFT; Moodle will use 1",
        "question 'hold': unit 's' cannot be written in GIFT; left out",
    ]


def test_export_skips_a_malformed_question_instead_of_raising():
    export = export_gift([{"id": "broken", "type": "single", "prompt": "No options"}])
    assert export.content == ""
    assert "malformed" in export.notes[0].message


def test_dollar_text_is_a_question_and_stray_surrogates_are_dropped():
    result = parse_gift("$50 is a fair fee for a session. {T}\n\nBroken \ud800 text {F}")
    assert [q["prompt"] for q in result.questions] == [
        "$50 is a fair fee for a session.", "Broken  text"]
    assert parse_moodle_xml(to_moodle_xml(result.questions)).questions == result.questions
