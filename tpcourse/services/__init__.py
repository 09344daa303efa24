"""Use cases that touch the database; the only layer that commits."""
