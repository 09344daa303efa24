"""The studio speaks to instructors in sentences; ids are cut at words; lists show text."""

from __future__ import annotations

from tpcourse.banks.model import slugify
from tpcourse.content.markdown import plain_text
from tpcourse.content.sentences import for_instructors


def test_format_messages_become_sentences_for_instructors():
    assert for_instructors("a 'single' question needs exactly one correct option") == \
        "Mark exactly one option as correct."
    assert for_instructors("missing 'prompt'") == "Fill in the question text."
    assert for_instructors("circle region is missing 'r'") == "Give the circle region its radius."
    assert for_instructors("objective 'SAF-1' is not declared in 01-intro/module.yaml") == \
        "SAF-1 is not an objective of this module: add it to the module first."
    assert for_instructors("quiz 'neck-quiz' not found in quizzes/") == \
        "Quiz neck-quiz is not published: publish it before placing it in a module."


def test_a_message_without_a_rule_still_reads_as_a_sentence():
    assert for_instructors("the draw asks for 3 from pool 'x'") == \
        "The draw asks for 3 from pool 'x'."
    assert for_instructors("Already fine.") == "Already fine."


def test_automatic_ids_are_cut_at_word_boundaries():
    slug = slugify("Which of these is the best description of a latent trigger point?", 40)
    assert slug == "which-of-these-is-the-best-description"
    assert slugify("x" * 50, 40) == "x" * 40  # one long word: cut where the limit falls
    assert slugify("Hold for sixty seconds", 40) == "hold-for-sixty-seconds"


def test_lists_show_rendered_text_not_markdown():
    assert plain_text("Press the **upper trapezius** for *60 s* & `hold`") == \
        "Press the upper trapezius for 60 s & hold"
    assert plain_text("<script>alert(1)</script>Safe") == "Safe"


def test_the_quiz_page_lists_prompts_as_text_and_makes_ids_from_whole_words(client, author,
                                                                            db):
    prompt = "Is the **upper trapezius** usually pressed with *sustained* pressure for sixty"
    response = client.post("/author/quizzes/intro-quiz/questions/new?type=true_false", data={
        "action": "save", "points": "1", "qid": "", "prompt": prompt, "answer_bool": "true"})
    assert response.status_code == 302
    page = client.get("/author/quizzes/intro-quiz").get_data(as_text=True)
    assert "Is the upper trapezius usually pressed with sustained pressure" in page
    assert "**upper trapezius**" not in page
    assert 'id="q-is-the-upper-trapezius-usually-pressed"' in page  # whole words, <= 40
