"""Who may do what: pure predicates, used by services, views and templates alike."""
