"""An import costs work in proportion to the bank, not to the draft it lands in (issue 17):
a big draft does not make the next import slow, and a quiz cannot grow past its limit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tpcourse.banks import MAX_QUESTIONS, MAX_QUIZ_QUESTIONS
from tpcourse.content import markdown, quizfile
from tpcourse.models import QuizDraft
from tpcourse.services.authoring.bank_import import import_bank_cli
from tpcourse.services.errors import ServiceError


class Counter:
    def __init__(self, function):
        self.function, self.calls = function, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.function(*args, **kwargs)


def bank(count: int, start: int = 0) -> bytes:
    return "\n\n".join(f"::Q{n}::Statement number {n} holds. {{T}}"
                       for n in range(start, start + count)).encode()


def draft_size(db) -> int:
    db.session.expire_all()
    draft = db.session.execute(select(QuizDraft).filter_by(slug="intro-quiz")).scalar_one()
    return len(draft.data["questions"])


def test_the_next_import_into_a_big_draft_checks_only_its_own_questions(db, content, clock,
                                                                         monkeypatch):
    import_bank_cli("intro-quiz", bank(MAX_QUESTIONS), "gift", False, clock())
    assert draft_size(db) == 8 + MAX_QUESTIONS
    checked = Counter(quizfile._question)
    renders = Counter(markdown.md.markdown)
    monkeypatch.setattr(quizfile, "_question", checked)
    monkeypatch.setattr(markdown.md, "markdown", renders)
    outcome = import_bank_cli("intro-quiz", bank(5, start=MAX_QUESTIONS), "gift", False, clock())
    assert len(outcome.added) == 5 and outcome.draft_problems == []
    assert checked.calls == 5  # not 1,013: the draft is not checked again
    assert renders.calls <= 5 * 2  # each new prompt (and the empty explanation) at most once
    assert draft_size(db) == 8 + MAX_QUESTIONS + 5


def test_a_quiz_cannot_grow_past_its_limit_through_imports(db, content, clock):
    first = import_bank_cli("intro-quiz", bank(MAX_QUESTIONS), "gift", False, clock())
    assert len(first.added) == MAX_QUESTIONS
    with pytest.raises(ServiceError, match=f"limit of {MAX_QUIZ_QUESTIONS:,} questions"):
        import_bank_cli("intro-quiz", bank(MAX_QUESTIONS, start=MAX_QUESTIONS), "gift", False,
                        clock())
    assert draft_size(db) == 8 + MAX_QUESTIONS  # the refused import added nothing
    replaced = import_bank_cli("intro-quiz", bank(MAX_QUESTIONS, start=MAX_QUESTIONS), "gift",
                               True, clock())
    assert len(replaced.added) == MAX_QUESTIONS  # replacing stays within the limit


def test_a_20000_question_bank_changes_nothing_and_the_next_import_works(db, content, clock):
    refused = import_bank_cli("intro-quiz", bank(20_000), "gift", False, clock())
    assert refused.added == [] and "one import takes at most 1,000" in refused.errors[0].message
    assert db.session.execute(select(QuizDraft).filter_by(slug="intro-quiz")).first() is None
    after = import_bank_cli("intro-quiz", bank(3), "gift", False, clock())
    assert len(after.added) == 3
