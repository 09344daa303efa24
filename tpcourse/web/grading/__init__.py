"""Grading by hand: the essay queue, grading pages and grade overrides."""
