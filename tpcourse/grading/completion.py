"""Course completion rules, as a pure function over what a trainee has done."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from ..i18n_markers import N_, Sentence

EVALUATION_MISSING = Sentence(N_("complete the course evaluation"))


@dataclass(frozen=True)
class CompletionStatus:
    """Whether a course is complete, and what is still missing (as sentences in `missing`,
    and item by item in the fields after `score`, for pages that name and link each step)."""

    complete: bool
    missing: list[str]
    score: float | None
    unread: tuple[str, ...] = ()  # lesson keys still to read, in course order
    quizzes_to_pass: tuple[str, ...] = ()  # module quiz slugs, in course order
    final_exam_to_pass: str | None = None
    skills_to_sign: tuple[str, ...] = ()  # practical skill keys not signed off yet
    evaluation_missing: bool = False


def evaluate_completion(rules: Mapping[str, str | None], lesson_keys: Sequence[str],
                        read_keys: set[str], module_quizzes: Sequence[str],
                        final_exam: str | None, best_percent: Mapping[str, float],
                        passed: set[str], *, skill_keys: Sequence[str] = (),
                        signed_skills: Collection[str] = (),
                        evaluation_done: bool = False) -> CompletionStatus:
    """Apply a course's completion rules; score is the final exam's, else the quizzes' mean.

    `skills: all` needs every key of `skill_keys` in `signed_skills`; `evaluation: required`
    needs `evaluation_done`.
    """
    missing = []
    unread: list[str] = []
    quizzes: list[str] = []
    unsigned: list[str] = []
    exam = None
    if rules.get("lessons") == "all":
        unread = [key for key in lesson_keys if key not in read_keys]
        if unread:
            missing.append(Sentence.ngettext("%(num)d lesson(s) still to read",
                                             "%(num)d lesson(s) still to read", len(unread)))
    if rules.get("quizzes") == "all":
        quizzes = [slug for slug in module_quizzes if slug not in passed]
        missing.extend(Sentence(N_("pass the quiz '%(quiz)s'"), {"quiz": slug})
                       for slug in quizzes)
    if rules.get("final_exam") == "passed" and final_exam and final_exam not in passed:
        exam = final_exam
        missing.append(Sentence(N_("pass the final exam '%(quiz)s'"), {"quiz": final_exam}))
    if rules.get("skills") == "all":
        unsigned = [key for key in skill_keys if key not in signed_skills]
        if unsigned:
            missing.append(Sentence.ngettext(
                "get %(num)d practical skill(s) signed off by an instructor",
                "get %(num)d practical skill(s) signed off by an instructor", len(unsigned)))
    evaluation_missing = rules.get("evaluation") == "required" and not evaluation_done
    if evaluation_missing:
        missing.append(EVALUATION_MISSING)
    if final_exam and final_exam in best_percent:
        score = best_percent[final_exam]
    else:
        scores = [best_percent[s] for s in module_quizzes if s in best_percent]
        score = round(sum(scores) / len(scores), 2) if scores else None
    return CompletionStatus(not missing, missing, score, tuple(unread), tuple(quizzes), exam,
                            tuple(unsigned), evaluation_missing)


def criteria_text(rules: Mapping[str, str | None], *, lessons: int, module_quizzes: int,
                  final_exam: bool, skills: Sequence[str] = (), evaluation: bool = False,
                  issuer: str = "") -> str:
    """Say in words what earns the course's certificate, from its actual completion rules
    (the Open Badges achievement's criteria)."""
    steps = []
    if rules.get("lessons") == "all" and lessons:
        steps.append(f"read all {lessons} lesson(s)")
    if rules.get("quizzes") == "all" and module_quizzes:
        steps.append(f"pass all {module_quizzes} module quiz(zes)")
    if rules.get("final_exam") == "passed" and final_exam:
        steps.append("pass the final exam")
    if rules.get("skills") == "all" and skills:
        steps.append(f"have {len(skills)} practical skill(s) assessed in person and signed off "
                     f"by an instructor ({'; '.join(skills)})")
    if rules.get("evaluation") == "required" and evaluation:
        steps.append("complete the course evaluation")
    if not steps:
        return f"Complete the course{' with ' + issuer if issuer else ''}."
    said = steps[0] if len(steps) == 1 else ", ".join(steps[:-1]) + " and " + steps[-1]
    return f"{said[0].upper()}{said[1:]}{', with ' + issuer if issuer else ''}."
