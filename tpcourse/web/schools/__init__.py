"""School admins' pages and the JSON API for school systems."""
