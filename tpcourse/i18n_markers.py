"""Marking sentences for translation where Flask-Babel cannot be imported.

The pure packages (`content`, `grading`, `records`, `banks`, `analysis`) never import Flask, yet
some of their sentences reach people (why a quiz is locked, what a renewal needs). They mark
them with `N_`: the extractor (babel.cfg) collects them into the catalogue, and the page that
shows one translates it with `gettext(message) % values` in the reader's language.
"""

from __future__ import annotations


def N_(message: str) -> str:  # noqa: N802 - the conventional name the extractor looks for
    """Return `message` unchanged: a marker for the extractor, translated where it is shown."""
    return message
