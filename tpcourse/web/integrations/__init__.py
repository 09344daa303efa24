"""Pages of the integrations: LTI endpoints and LMS link pages (lti), school logins (sso), and
the school admins' set-up pages (integrations)."""
