"""Telling people things: email (more channels arrive with background jobs)."""
