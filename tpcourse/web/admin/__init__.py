"""Site administration (admins): schools and users."""
