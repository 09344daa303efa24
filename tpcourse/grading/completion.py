"""Course completion rules, as a pure function over what a trainee has done."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

EVALUATION_MISSING = "complete the course evaluation"


@dataclass(frozen=True)
class CompletionStatus:
    """Whether a course is complete, and what is still missing."""

    complete: bool
    missing: list[str]
    score: float | None


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
    if rules.get("lessons") == "all":
        unread = [key for key in lesson_keys if key not in read_keys]
        if unread:
            missing.append(f"{len(unread)} lesson(s) still to read")
    if rules.get("quizzes") == "all":
        missing.extend(f"pass the quiz '{slug}'" for slug in module_quizzes if slug not in passed)
    if rules.get("final_exam") == "passed" and final_exam and final_exam not in passed:
        missing.append(f"pass the final exam '{final_exam}'")
    if rules.get("skills") == "all":
        unsigned = [key for key in skill_keys if key not in signed_skills]
        if unsigned:
            missing.append(f"get {len(unsigned)} practical skill(s) signed off by an instructor")
    if rules.get("evaluation") == "required" and not evaluation_done:
        missing.append(EVALUATION_MISSING)
    if final_exam and final_exam in best_percent:
        score = best_percent[final_exam]
    else:
        scores = [best_percent[s] for s in module_quizzes if s in best_percent]
        score = round(sum(scores) / len(scores), 2) if scores else None
    return CompletionStatus(not missing, missing, score)
