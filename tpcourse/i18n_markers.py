"""Marking sentences for translation where Flask-Babel cannot be imported.

The pure packages (`content`, `grading`, `records`, `banks`, `analysis`) never import Flask, yet
some of their sentences reach people (why a quiz is locked, what a renewal needs). They mark
them with `N_`: the extractor (babel.cfg) collects them into the catalogue, and the page that
shows one translates it with `gettext(message) % values` in the reader's language. A sentence
with values is returned as a `Sentence`, which keeps its message and values for that page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any


def N_(message: str) -> str:  # noqa: N802 - the conventional name the extractor looks for
    """Return `message` unchanged: a marker for the extractor, translated where it is shown."""
    return message


class Sentence(str):
    """A sentence for people built in pure code: the English text itself (a `str`, so callers
    and tests read it as before), plus what a page needs to write it in the reader's language:
    the marked `message` with named placeholders, its `values`, and for a plural the `plural`
    English and the `count` (the `%(num)d` of both forms).

    A value may be a datetime (written by the page in its locale), another Sentence
    (translated too), or a tuple of those or of strings (a list, written "a, b, c").
    `render` writes it with the gettext functions it is given.
    """

    message: str
    values: dict[str, Any]
    plural: str | None
    count: int | None

    def __new__(cls, message: str, values: Mapping[str, Any] | None = None, *,
                plural: str | None = None, count: int | None = None, **named: Any) -> Sentence:
        values = {**(values or {}), **named}  # `Sentence(N_("Entry %(seq)d"), seq=3)` too
        english = _fill(_choose(message, plural, count), values, count, _same, _english_moment)
        self = super().__new__(cls, english)
        self.message, self.values, self.plural, self.count = message, values, plural, count
        return self

    @classmethod
    def ngettext(cls, message: str, plural: str, count: int,
                 values: Mapping[str, Any] | None = None) -> Sentence:
        """A sentence with a singular and a plural form, chosen by `count` (its `%(num)d`).
        Named so that the extractor collects both forms as one plural entry."""
        return cls(message, values, plural=plural, count=count)

    def render(self, gettext: Callable[[str], str], ngettext: Callable[[str, str, int], str],
               moment: Callable[[datetime], str]) -> str:
        """The sentence translated by `gettext`/`ngettext` (plain catalogue look-ups), its
        datetimes written by `moment`."""
        template = (gettext(self.message) if self.plural is None
                    else ngettext(self.message, self.plural, self.count or 0))

        def value(item: Any) -> Any:
            return item.render(gettext, ngettext, moment) if isinstance(item, Sentence) else item

        return _fill(template, self.values, self.count, value, moment)


def _same(item: Any) -> Any:
    return item


def _choose(message: str, plural: str | None, count: int | None) -> str:
    return message if plural is None or count == 1 else plural


def _english_moment(value: datetime) -> str:
    """A moment as the source sentences write it: "05 March 2026, 09:00 UTC"."""
    return f"{value:%d %B %Y, %H:%M} UTC"


def _fill(template: str, values: Mapping[str, Any], count: int | None,
          convert: Callable[[Any], Any], moment: Callable[[datetime], str]) -> str:
    def one(item: Any) -> Any:
        return moment(item) if isinstance(item, datetime) else convert(item)

    filled = {key: ", ".join(str(one(part)) for part in item) if isinstance(item, tuple)
              else one(item) for key, item in values.items()}
    if count is not None:
        filled.setdefault("num", count)
    return template % filled if filled else template
