"""WSGI entry for the gunicorn test: the production app, with register_security applied
(create_app will call it itself once wired; calling it twice is harmless)."""

from tpcourse import create_app
from tpcourse.security import register_security

app = create_app()
register_security(app)
