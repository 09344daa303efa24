"""Find English left on a page that should be in another language.

`english_sentences(html)` reads what a person sees or hears on a rendered page — text nodes,
and the `title`, `alt`, `aria-label`, `placeholder` and button `value` attributes — and returns
every piece that reads as English: two or more English function words ("the", "your", "with"),
or an interface word that only English uses ("Save", "Courses", "Log in"). Proper names, codes,
numbers and e-mail addresses pass; so does anything inside an element whose `lang` is not the
page's (the language switcher's "English"), and code samples (`<code>`, `<pre>`, `<kbd>`).
Used by the tests that render every page in Spanish (tests/i18n/).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser


def _words(text: str) -> frozenset[str]:
    """The words of a list written as text."""
    return frozenset(text.split())


FUNCTION_WORDS = _words("""
the and you your yours is are of with this that these those for not be has have had will can
was were on at or an it its in what when which who whom how there their they them we our us yet
been but if then than each every more only after before here now see do does don't doesn't must
should would could into out up about from by to can't won't isn't aren't you're it's there's
""")
"""Words of English that Spanish never uses (so two of them in one piece of text is English)."""

INTERFACE_WORDS = _words("""
save cancel delete edit courses lessons quizzes submit next previous back start search home
profile settings score passed failed password register language log sign yes download upload
close open print preview publish remove add create send view show hide welcome review results
attempts attempt certificate certificates records school schools students trainees instructors
grading expiring dashboard verify continue learn enrol enroll invite people deadline due
""")
"""Single interface words that only English uses: a button or heading left untranslated."""

VISIBLE_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder")
SKIPPED_TAGS = frozenset({"script", "style", "code", "pre", "kbd", "samp", "template"})
_WORD = re.compile(r"[A-Za-z][A-Za-z']*")
_NOT_PROSE = re.compile(r"\S+@\S+|https?://\S+|/\S*|\b[A-Z0-9]{2,}[-A-Z0-9]*\b")


class _VisibleText(HTMLParser):
    """Collects (text) pieces a reader sees, outside skipped tags and foreign-language parts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page_lang: str | None = None
        self.stack: list[tuple[str, bool]] = []  # (tag, skipped here or above)
        self.pieces: list[str] = []

    def _skipped(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "html":
            self.page_lang = (values.get("lang") or "").split("-")[0]
        lang = (values.get("lang") or "").split("-")[0]
        foreign = bool(lang) and tag != "html" and lang != self.page_lang
        skipped = self._skipped() or tag in SKIPPED_TAGS or foreign or "hidden" in values
        if not skipped:
            self.pieces.extend(values[name] for name in VISIBLE_ATTRIBUTES if values.get(name))
            if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
                self.pieces.append(values["value"])
        if tag not in ("br", "img", "input", "meta", "link", "hr", "source", "wbr", "col",
                       "area", "base", "embed", "param", "track"):
            self.stack.append((tag, skipped))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if not self._skipped() and data.strip():
            self.pieces.append(data)


def visible_pieces(html: str) -> list[str]:
    """The pieces of text a reader sees or hears on the page, in document order."""
    parser = _VisibleText()
    parser.feed(html)
    return [" ".join(piece.split()) for piece in parser.pieces]


def reads_as_english(text: str) -> bool:
    """Whether a piece of text reads as English (see the module's docstring)."""
    words = [word.lower() for word in _WORD.findall(_NOT_PROSE.sub(" ", text))]
    if sum(word in FUNCTION_WORDS for word in words) >= 2:
        return True
    return 0 < len(words) <= 3 and any(word in INTERFACE_WORDS for word in words)


def english_sentences(html: str, allow: tuple[str, ...] = ()) -> list[str]:
    """Every piece of the page that reads as English, except those containing an allowed
    string (a proper name, a course title that has no translation)."""
    return [piece for piece in visible_pieces(html)
            if reads_as_english(piece) and not any(name in piece for name in allow)]
