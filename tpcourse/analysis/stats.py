"""Item analysis: per-question and per-quiz statistics, vectorised over the score matrix.

Formulas and how to read them: docs/item-analysis.md.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tpcourse.analysis.groups import group_facility
from tpcourse.analysis.matrix import ScoreMatrix, build_matrix
from tpcourse.analysis.responses import AttemptResponses, QuestionMeta
from tpcourse.analysis.results import (
    HistogramBin,
    ItemStats,
    OptionStats,
    QuizAnalysis,
    QuizStats,
)
from tpcourse.i18n_markers import N_

# Variances below these count as zero: what remains is rounding, not spread.
_TINY_FRACTION_VAR = 1e-12  # item scores as fractions of their maximum
_TINY_PERCENT_VAR = 1e-8  # attempt scores in percent


def analyse(
    attempts: Sequence[AttemptResponses],
    questions: Sequence[QuestionMeta],
    *,
    bin_width: float = 10.0,
) -> QuizAnalysis:
    """Compute item analysis for the given attempts (select them first with select_attempts)."""
    attempts = list(attempts)
    questions = list(questions)
    matrix = build_matrix(attempts, questions)
    total = _attempt_percent(matrix)
    items = _item_stats(matrix, questions, total)
    quiz = _quiz_stats(matrix, questions, total, bin_width)
    objectives = group_facility(items, lambda item: [item.objective] if item.objective else [])
    tags = group_facility(items, lambda item: item.tags)
    return QuizAnalysis(quiz, items, objectives, tags)


def _attempt_percent(matrix: ScoreMatrix) -> np.ndarray:
    """Each attempt's score as a percent of its drawn points; NaN for an empty attempt."""
    possible = matrix.attempt_possible
    return np.divide(
        100.0 * matrix.attempt_earned,
        possible,
        out=np.full(possible.shape, np.nan),
        where=possible > 0,
    )


def _masked_moments(x: np.ndarray, mask: np.ndarray):
    """Per column: count, mean, and centred values (0 outside the mask)."""
    count = mask.sum(axis=0)
    sums = np.where(mask, x, 0.0).sum(axis=0)
    mean = np.divide(sums, count, out=np.full(count.shape, np.nan), where=count > 0)
    centred = np.where(mask, x - mean, 0.0)
    return count, mean, centred


def _sample(sum_of_products: np.ndarray, count: np.ndarray) -> np.ndarray:
    """Divide by count - 1 where count >= 2, NaN elsewhere."""
    return np.divide(sum_of_products, count - 1, out=np.full(count.shape, np.nan), where=count >= 2)


def _correlation(x: np.ndarray, y: np.ndarray, mask: np.ndarray):
    """Per column Pearson r of x and y over mask, plus the pieces efficiency needs."""
    count, _, xc = _masked_moments(x, mask)
    _, _, yc = _masked_moments(y, mask)
    var_x = _sample((xc * xc).sum(axis=0), count)
    var_y = _sample((yc * yc).sum(axis=0), count)
    cov = _sample((xc * yc).sum(axis=0), count)
    ok = (var_x > _TINY_FRACTION_VAR) & (var_y > _TINY_PERCENT_VAR)
    r = np.divide(
        cov, np.sqrt(np.where(ok, var_x * var_y, 1.0)), out=np.full(count.shape, np.nan), where=ok
    )
    return np.clip(r, -1.0, 1.0), cov, count, ok  # clip: rounding only


def _max_covariance(x: np.ndarray, y: np.ndarray, mask: np.ndarray, count: np.ndarray):
    """Covariance if x and y were paired in the same rank order (Moodle's C_max)."""
    xs = np.sort(np.where(mask, x, np.nan), axis=0)  # NaN sorts last
    ys = np.sort(np.where(mask, y, np.nan), axis=0)
    _, _, xc = _masked_moments(xs, ~np.isnan(xs))
    _, _, yc = _masked_moments(ys, ~np.isnan(ys))
    return _sample((xc * yc).sum(axis=0), count)


def _item_stats(matrix: ScoreMatrix, questions: list[QuestionMeta], total: np.ndarray):
    drawn, fraction = matrix.drawn, matrix.fraction
    top = np.array([q.max_score for q in questions], dtype=float)
    n, _, centred = _masked_moments(fraction, drawn)
    facility = 100.0 * np.divide(fraction.sum(axis=0), n, out=np.full(n.shape, np.nan), where=n > 0)
    sd = np.sqrt(_sample((centred * centred).sum(axis=0), n)) * top

    # Rest of test: the attempt's other questions, as a percent of their points.
    rest_possible = matrix.attempt_possible[:, None] - matrix.possible
    has_rest = drawn & (rest_possible > 0)
    rest = np.divide(
        100.0 * (matrix.attempt_earned[:, None] - matrix.earned),
        rest_possible,
        out=np.zeros(drawn.shape),
        where=has_rest,
    )
    di, cov, count, ok = _correlation(fraction, rest, has_rest)
    cov_max = _max_covariance(fraction, rest, has_rest, count)
    efficiency = np.divide(cov, cov_max, out=np.full(di.shape, np.nan), where=ok & (cov_max > 0))
    pbis, *_ = _correlation(fraction, np.where(drawn, total[:, None], 0.0), drawn)

    options = _option_stats(matrix, total, n)
    unanswered = _unanswered(matrix, n)
    return tuple(
        ItemStats(
            question_id=q.question_id,
            type=q.type,
            objective=q.objective,
            tags=tuple(q.tags),
            max_score=float(q.max_score),
            n=int(n[j]),
            facility=_opt(facility[j]),
            sd=_opt(sd[j]),
            discrimination_index=_opt(di[j]),
            discriminative_efficiency=_opt(efficiency[j]),
            point_biserial=_opt(pbis[j]),
            options=options[j],
            unanswered=_opt(unanswered[j]) if matrix.option_ids[j] else None,
        )
        for j, q in enumerate(questions)
    )


def _option_stats(matrix: ScoreMatrix, total: np.ndarray, n: np.ndarray):
    """Share choosing each option, and the mean attempt score of those who chose it."""
    offsets = matrix.option_offsets
    size = int(offsets[-1])
    k = matrix.drawn.shape[1]
    counts = np.bincount(matrix.choice_option, minlength=size)
    score_sums = np.bincount(
        matrix.choice_option, weights=total[matrix.choice_cell // k], minlength=size
    )
    per_question = []
    for j, ids in enumerate(matrix.option_ids):
        stats = []
        for i, option_id in enumerate(ids):
            count = int(counts[offsets[j] + i])
            share = 100.0 * count / n[j] if n[j] else 0.0
            mean_total = float(score_sums[offsets[j] + i] / count) if count else None
            stats.append(OptionStats(option_id, count, float(share), mean_total))
        per_question.append(tuple(stats))
    return per_question


def _unanswered(matrix: ScoreMatrix, n: np.ndarray) -> np.ndarray:
    """Percent of the attempts drawing each question that chose no option at all."""
    chose = np.zeros(matrix.drawn.size, dtype=bool)
    chose[matrix.choice_cell] = True
    blank = (matrix.drawn & ~chose.reshape(matrix.drawn.shape)).sum(axis=0)
    return 100.0 * np.divide(blank, n, out=np.full(n.shape, np.nan), where=n > 0)


def _quiz_stats(matrix: ScoreMatrix, questions, total: np.ndarray, bin_width: float) -> QuizStats:
    scores = total[~np.isnan(total)]
    count = scores.size
    mean = float(scores.mean()) if count else None
    median = float(np.median(scores)) if count else None
    sd = float(scores.std(ddof=1)) if count >= 2 else None
    if sd is not None and sd * sd <= _TINY_PERCENT_VAR:
        sd = 0.0
    alpha = _alpha(matrix, questions)
    sem = sd * float(np.sqrt(1.0 - alpha)) if sd is not None and alpha is not None else None
    drawn = matrix.drawn
    observed = matrix.fraction[drawn]
    dichotomous = bool(np.all((observed == 0) | (observed == 1)))
    return QuizStats(
        n_attempts=int(count),
        mean=mean,
        median=median,
        sd=sd,
        alpha=alpha,
        alpha_method=N_("KR-20") if dichotomous else N_("Cronbach's alpha"),
        alpha_basis="complete" if drawn.all() else "pairwise",
        sem=sem,
        histogram=_histogram(scores, bin_width),
    )


def _alpha(matrix: ScoreMatrix, questions) -> float | None:
    """Cronbach's alpha from pooled pairwise item covariances (exact for complete data).

    alpha = m c / (v + (m - 1) c), where c is the mean covariance between two questions and
    v the mean item variance, each pair using the attempts that drew both questions, and m
    the mean number of questions per attempt. With every attempt drawing every question this
    is the textbook k/(k-1) (1 - sum of item variances / total variance).
    """
    drawn = matrix.drawn
    used = drawn.any(axis=1)
    if used.sum() < 2 or drawn.shape[1] < 2:
        return None
    top = np.array([q.max_score for q in questions], dtype=float)
    points = (matrix.fraction * top)[used]
    mask = drawn[used].astype(float)
    both = mask.T @ mask  # attempts drawing both i and j
    sum_i = points.T @ mask  # [i, j]: sum of i's points where j was drawn too
    square_i = (points * points).T @ mask
    cross = points.T @ points
    pair = (both >= 2) & ~np.eye(both.shape[0], dtype=bool)
    if not pair.any():
        return None
    safe = np.where(pair, both, 1.0)
    cov_ss = cross - sum_i * sum_i.T / safe
    var_ss = square_i - sum_i * sum_i / safe
    dof = (both - 1)[pair].sum()
    c = cov_ss[pair].sum() / dof
    v = var_ss[pair].sum() / dof
    m = mask.sum(axis=1).mean()
    denominator = v + (m - 1) * c
    scale = max(float(top.max()), 1e-300) ** 2
    if m <= 1 or v <= _TINY_FRACTION_VAR * scale or denominator <= _TINY_FRACTION_VAR * scale:
        return None
    return float(min(m * c / denominator, 1.0))  # c <= v, so only rounding passes 1


def _histogram(scores: np.ndarray, bin_width: float) -> tuple[HistogramBin, ...]:
    """Count attempts in bins of bin_width percent; scores outside 0..100 join the end bins."""
    if not 0 < bin_width <= 100:
        raise ValueError("bin_width must be a percent between 0 and 100.")
    n_bins = int(np.ceil(100.0 / bin_width - 1e-9))
    index = np.clip(np.floor(scores / bin_width), 0, n_bins - 1).astype(int)
    counts = np.bincount(index, minlength=n_bins)
    return tuple(
        HistogramBin(float(b * bin_width), float(min((b + 1) * bin_width, 100.0)), int(counts[b]))
        for b in range(n_bins)
    )


def _opt(value) -> float | None:
    """A finite number as float, anything else as None."""
    value = float(value)
    return value if np.isfinite(value) else None
