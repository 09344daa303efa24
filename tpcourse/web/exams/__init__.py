"""Quiz pages: overview, attempt, save, submit, result and history."""
