"""Signing in and out, registering, resetting a password."""
