"""Live practical sessions: scheduling, sign-ups with a waitlist, calendar invitations,
attendance, and the hands-on hours attendance earns."""
