"""Records, certificates, skills sign-off, evaluations and public verification."""
