"""Exams: starting, saving, submitting and grading attempts; accommodations."""
