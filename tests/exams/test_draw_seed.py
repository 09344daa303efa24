"""Each attempt's draw comes from a generator seeded by the operating system."""

from __future__ import annotations

from tpcourse.services.exams import attempts


def test_each_generator_is_seeded_with_128_bits_from_the_os(monkeypatch):
    asked = []

    def randbits(bits: int) -> int:
        asked.append(bits)
        return 12345

    monkeypatch.setattr(attempts.secrets, "randbits", randbits)
    first, second = attempts.unpredictable_rng(), attempts.unpredictable_rng()
    assert asked == [128, 128]
    assert [first.random() for _ in range(5)] == [second.random() for _ in range(5)]


def test_two_generators_draw_differently():
    first, second = attempts.unpredictable_rng(), attempts.unpredictable_rng()
    assert first.getrandbits(128) != second.getrandbits(128)  # equal once in 2**128


def test_attempts_started_without_a_generator_use_one(db, enrolled, clock, monkeypatch):
    from tpcourse.services.exams.attempts import get_quiz, start_attempt

    made = []
    real = attempts.unpredictable_rng
    monkeypatch.setattr(attempts, "unpredictable_rng", lambda: made.append(1) or real())
    start_attempt(enrolled, *get_quiz("intro-quiz"), clock())
    assert made == [1]
