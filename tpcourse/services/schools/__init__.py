"""Schools: cohorts, rosters and progress, API tokens, completion exports."""
