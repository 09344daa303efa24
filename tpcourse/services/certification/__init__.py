"""Certification: completion records, certificates, CE hours, skills, evaluations, reminders."""
