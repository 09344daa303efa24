"""Aiken import and export: single-choice questions only."""

from __future__ import annotations

from pathlib import Path

from tpcourse.banks import MAX_BANK_BYTES, export_aiken, parse_aiken, to_aiken

FIXTURES = Path(__file__).parent / "fixtures"

EVERY_QUESTION = [
    {
        "id": "q-1", "type": "single",
        "prompt": "Which muscle most often refers pain to the side of the head and temple?",
        "options": [{"id": "a", "text": "Upper trapezius", "correct": True},
                    {"id": "b", "text": "Gastrocnemius"},
                    {"id": "c", "text": "Tibialis anterior"}],
    },
    {
        "id": "q-2", "type": "single",
        "prompt": "A client reports a warm, swollen, painful calf.\nWhat do you do?",
        "options": [{"id": "a", "text": "Apply light pressure to the calf"},
                    {"id": "b", "text": "Stop and refer the client to a doctor", "correct": True},
                    {"id": "c", "text": "Stretch the calf gently"}],
    },
    {
        "id": "q-3", "type": "single",
        "prompt": "Which palpation lifts the muscle between thumb and fingers?",
        "options": [{"id": "a", "text": "Flat palpation"},
                    {"id": "b", "text": "Pincer palpation", "correct": True}],
    },
]


def _read(name: str):
    return parse_aiken((FIXTURES / name).read_text(encoding="utf-8"))


def test_every_question_is_parsed_exactly():
    result = _read("every-question.aiken")
    assert result.questions == EVERY_QUESTION
    assert result.problems == []


def test_malformed_questions_are_reported_and_the_rest_imports():
    result = _read("malformed.aiken")
    assert [q["prompt"] for q in result.questions] == ["Trigger points form in a taut band."]
    assert [(p.line, p.severity) for p in result.problems] == [
        (4, "error"), (6, "error"), (10, "error"), (11, "error"), (16, "error"),
        (18, "error"), (22, "error"),
    ]
    messages = [p.message for p in result.problems]
    assert "ANSWER names C" in messages[0]
    assert "at least two options" in messages[1]
    assert "no question text" in messages[2]
    assert "without a question" in messages[3]
    assert "one option letter" in messages[4]
    assert "no 'ANSWER: <letter>' line" in messages[5]
    assert "used twice" in messages[6]


def test_round_trip():
    first = _read("every-question.aiken")
    export = export_aiken(first.questions)
    assert export.notes == []
    assert parse_aiken(export.content).questions == first.questions


def test_export_format_and_notes():
    questions = [
        {"id": "temple", "type": "single", "prompt": "Which muscle refers to the temple?",
         "explanation": "Upper trapezius is the classic.",
         "options": [{"id": "a", "text": "Upper trapezius", "correct": True},
                     {"id": "b", "text": "Soleus", "feedback": "Calf."}]},
        {"id": "signs", "type": "multiple", "prompt": "Which signs?",
         "options": [{"id": "a", "text": "Twitch", "correct": True},
                     {"id": "b", "text": "Referral", "correct": True}]},
        {"id": "dvt", "type": "true_false", "prompt": "Massage a DVT?", "answer": False},
    ]
    export = export_aiken(questions)
    assert to_aiken(questions) == export.content == (
        "Which muscle refers to the temple?\nA. Upper trapezius\nB. Soleus\nANSWER: A\n")
    assert [str(n) for n in export.notes] == [
        "question 'temple': Aiken cannot hold explanation, option feedback; left out",
        "question 'signs': Aiken holds only single-choice questions, not multiple; skipped",
        "question 'dvt': Aiken holds only single-choice questions, not true_false; skipped",
    ]


def test_export_refuses_a_prompt_that_would_read_as_an_option():
    question = {"id": "x", "type": "single", "prompt": "Pick one:\nA. looks like an option",
                "options": [{"id": "a", "text": "Yes", "correct": True},
                            {"id": "b", "text": "No"}]}
    assert export_aiken([question]).content == ""


def test_oversized_bank_is_refused_clearly():
    result = parse_aiken("x" * (MAX_BANK_BYTES + 1))
    assert result.questions == [] and "limited to 2 MB" in result.problems[0].message
