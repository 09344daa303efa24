"""WSGI entry for the gunicorn test: the production app, exactly as wsgi.py builds it."""

from tpcourse import create_app

app = create_app()
