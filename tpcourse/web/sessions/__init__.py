"""Live practical sessions: trainees sign up; instructors schedule them and take attendance."""
