"""Grading by hand: the instructors' queue of essays, essay grades, and grade overrides."""
