"""Item quality: the key is not systematically the longest option, true/false statements carry
no absolute words, and no two questions of one attempt answer each other."""

from __future__ import annotations

from pathlib import Path

import pytest

from tpcourse.content.clues import find_clues
from tpcourse.content.loader import load_content
from tpcourse.content.stats import course_stats, quiz_stats

ROOT = Path(__file__).resolve().parents[2]
BEFORE = Path(__file__).parent / "fixtures" / "before-issue-18"
QUIZZES = ["locating-trigger-points", "applying-pressure", "avoiding-injured-areas",
           "aftercare-and-scope", "trigger-point-final"]


@pytest.fixture(scope="module")
def shipped():
    return load_content(ROOT / "lessons", ROOT / "quizzes")


@pytest.fixture(scope="module")
def before():
    return load_content(BEFORE / "lessons", BEFORE / "quizzes")


def single(qid, key, *others):
    return {"id": qid, "type": "single", "prompt": qid, "options": [
        {"id": "a", "text": key, "correct": True},
        *({"id": str(i), "text": t, "correct": False} for i, t in enumerate(others))]}


def test_longest_key_share_is_counted_and_flagged_above_chance():
    questions = [single(f"q{i}", "the longest option of all", "short", "brief", "tiny")
                 for i in range(6)]
    stats = quiz_stats("q", {"questions": questions})
    assert (stats.singles, stats.longest_keys, stats.chance) == (6, 6, 0.25)
    assert stats.key_length_flagged
    questions[:4] = [single(f"s{i}", "key", "a much longer distractor", "b", "c")
                     for i in range(4)]
    assert not quiz_stats("q", {"questions": questions}).key_length_flagged


def test_every_reviewed_quiz_had_the_longest_key_far_above_chance(before):
    stats = {q.slug: q for q in course_stats(before)[0].quiz_stats}
    assert sum(s.longest_keys for s in stats.values()) == 41
    assert sum(s.singles for s in stats.values()) == 61
    assert all(stats[slug].key_length_flagged for slug in QUIZZES)


def test_shipped_quizzes_keep_the_longest_key_near_chance(shipped):
    for quiz in course_stats(shipped)[0].quiz_stats:
        assert not quiz.key_length_flagged, (quiz.slug, quiz.longest_keys, quiz.singles)
        assert quiz.longest_key_share <= quiz.chance + 0.10


def test_absolute_words_in_true_false_statements_are_flagged(before, shipped):
    flagged = [w for q in course_stats(before)[0].quiz_stats for w in q.absolute_words]
    assert "loc-map-is-source: always" in flagged and "site-kidney-area: fully" in flagged
    assert [w for q in course_stats(shipped)[0].quiz_stats for w in q.absolute_words] == []


def test_distractor_only_absolutes_are_flagged_but_shared_ones_are_not():
    marked = single("m", "Ease off slowly", "Always press harder", "Hold it", "Rub it")
    assert quiz_stats("q", {"questions": [marked]}).absolute_words == ["m: always"]
    shared = single("s", "Never hold a pulse", "Always press harder", "Hold it", "Rub it")
    assert quiz_stats("q", {"questions": [shared]}).absolute_words == ["s: always"]
    both = single("b", "Never hold a pulse", "Never ease off", "Hold it", "Rub it")
    assert quiz_stats("q", {"questions": [both]}).absolute_words == []


# ---------------------------------------------------------------- clue pairs

def pairs_of(content, slug):
    return {tuple(sorted((c.answered, c.giver))) for c in find_clues(slug,
                                                                    content.quizzes[slug].data)}


def test_the_clue_pairs_the_review_named_are_found(before):
    found = {slug: pairs_of(before, slug) for slug in QUIZZES}
    named = [
        ("avoiding-injured-areas", ("flag-dvt-signs", "flag-dvt-term")),  # DVT signs ~ term
        ("avoiding-injured-areas", ("site-select-endangerment", "site-term")),
        ("applying-pressure", ("prs-guarding-signs", "prs-guarding-term")),
        ("applying-pressure", ("prs-active-term", "prs-follow-up-parts")),
        ("applying-pressure", ("prs-active-term", "prs-order-follow-up")),
        ("aftercare-and-scope", ("sore-next-day-call", "sore-report-after-hours")),  # 48 hours
        ("avoiding-injured-areas", ("mod-anticoagulant-deep-work", "mod-match-conditions")),
        ("locating-trigger-points", ("hs-infraspinatus-palpate", "loc-flat-muscles")),
        ("trigger-point-final", ("fin-aft-soap-term", "fin-aft-soap-term")),  # spells out SOAP
    ]
    for slug, pair in named:
        assert pair in found[slug], (slug, pair)
    assert sum(len(p) for p in found.values()) >= 25


def test_clue_warnings_name_both_questions_and_a_way_out(before):
    warning = next(w for w in before.warnings if "'flag-dvt-term' may be answered" in w.message)
    assert warning.warning and warning.path.endswith("avoiding-injured-areas.yaml")
    assert "'flag-dvt-signs'" in warning.message and "excludes: [flag-dvt-signs]" in warning.message
    assert ":warning: " not in str(warning) and ": warning: " in str(warning)


def test_excluded_or_single_draw_pairs_are_not_reported():
    giver = {"id": "signs", "type": "multiple", "prompt": "Which signs suggest deep-vein "
             "thrombosis?", "options": [{"id": "a", "text": "Warmth", "correct": True}]}
    term = {"id": "term", "type": "short_text", "prompt": "DVT stands for deep-vein ___.",
            "accept": ["thrombosis"]}
    assert find_clues("q", {"questions": [giver, term]})
    assert not find_clues("q", {"questions": [giver, {**term, "excludes": ["signs"]}]})
    one_of_two = {"draw": {"p": 1}, "questions": [{**giver, "pool": "p"}, {**term, "pool": "p"}]}
    assert not find_clues("q", one_of_two)


def test_numeric_answers_with_their_unit_are_clues():
    numeric = {"id": "n", "type": "numeric", "prompt": "Report after how many hours?",
               "answer": 48, "tolerance": 0, "unit": "h"}
    giver = single("g", "Soreness that lasts beyond 48 hours is reported", "x", "y", "z")
    far = single("f", "Hold for 90 seconds", "x", "y", "z")
    assert [c.giver for c in find_clues("q", {"questions": [numeric, giver, far]})] == ["g"]


def test_shipped_quizzes_have_no_clue_pairs(shipped):
    assert [w for w in shipped.warnings if "may be answered" in w.message] == []


def test_short_answers_accept_full_terms_synonyms_and_misspellings(shipped):
    from tpcourse.grading.types import question_type

    def accepted(slug, qid, answer):
        q = next(q for q in shipped.quizzes[slug].data["questions"] if q["id"] == qid)
        return question_type("short_text").score(q, answer) == 1

    for slug, qid, answers in [
        ("avoiding-injured-areas", "flag-dvt-term",
         ["Deep vein thrombosis", "deep-vein thrombosis", "thrombosys"]),
        ("locating-trigger-points", "loc-referred-term", ["refered", "Referred pain."]),
        ("applying-pressure", "prs-guarding-term", ["gaurding", "tensing", "bracing"]),
        ("avoiding-injured-areas", "site-term", ["endangerment sites", "endagerment"]),
    ]:
        for answer in answers:
            assert accepted(slug, qid, answer), (qid, answer)
    assert not accepted("applying-pressure", "prs-guarding-term", "relaxing")
