"""What a trainee reads: catalogue, enrolment, course outlines and lesson progress."""
