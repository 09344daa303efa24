"""Accounts: registration, password resets, deleting accounts while keeping records."""
