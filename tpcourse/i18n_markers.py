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


class Sentence(str):
    """A sentence of pure code filled in, in English (it is a `str`), that keeps its marked
    message and values so the place that shows it can translate it whole:
    `Sentence(N_("Entry %(seq)d was changed."), seq=3)`, shown as
    `gettext(sentence.message, **sentence.values)`."""

    message: str
    values: dict

    def __new__(cls, message: str, **values) -> Sentence:
        sentence = super().__new__(cls, message % values if values else message)
        sentence.message, sentence.values = message, values
        return sentence
