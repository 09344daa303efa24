"""Trainee pages: the catalogue, a course's outline, lessons."""
