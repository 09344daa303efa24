"""Records kept for schools and regulators: the audit chain and the signing key."""
