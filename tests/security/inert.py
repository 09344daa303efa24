"""Check that rendered HTML carries nothing a browser would run."""

from __future__ import annotations

from html.parser import HTMLParser

PAYLOADS = [
    '<script>alert("s1")</script>',
    '<img src="x" onerror="alert(\'s2\')">',
    '<a href="javascript:alert(\'s3\')">s3 link</a>',
    '[s4 link](javascript:alert("s4"))',
    '<svg onload="alert(\'s5\')"></svg>',
    '"><script>alert("s6")</script>',
    '<iframe src="javascript:alert(\'s7\')"></iframe>',
    '<div style="background:url(javascript:alert(\'s8\'))">s8</div>',
    '<a href="  JaVaScRiPt:alert(\'s9\')">s9</a>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<form action="javascript:alert(\'s10\')"><button>s10</button></form>',
    "<style>body{display:none}</style>",
]
ONE_LINE = " ".join(PAYLOADS)
DANGEROUS_TAGS = {"iframe", "object", "embed", "svg", "math", "style", "base", "meta", "link",
                  "frame", "frameset", "applet"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "poster",
                  "background"}
ALLOWED_SCRIPT = "/static/"
# Drawn by our own templates (the hotspot review); Markdown can never produce an <svg>.
TEMPLATE_SVG_CLASSES = {"hotspot-review"}


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not (attrs.get("src") or "").startswith(ALLOWED_SCRIPT):
            self.problems.append(f"<script {attrs}>")
        ours = ((tag in {"meta", "link"} and self.in_head)
                or (tag == "link" and (attrs.get("href") or "").startswith(ALLOWED_SCRIPT))
                or (tag == "svg" and attrs.get("class") in TEMPLATE_SVG_CLASSES))
        if tag in DANGEROUS_TAGS and not ours:
            self.problems.append(f"<{tag}>")
        if tag == "head":
            self.in_head = True
        for name, value in attrs.items():
            value = (value or "").strip().lower().replace("\t", "").replace("\n", "")
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in URL_ATTRIBUTES and value.startswith(("javascript:", "vbscript:",
                                                           "data:text")):
                self.problems.append(f"<{tag} {name}={value}>")
            if name == "style" and ("javascript" in value or "expression(" in value
                                    or "url(" in value):
                self.problems.append(f"<{tag} style={value}>")

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


def active_content(page: str) -> list[str]:
    """Return every script, handler, dangerous tag or script URL found in the page."""
    scan = _Scan()
    scan.feed(page)
    return scan.problems


def assert_inert(page: str, where: str = "") -> None:
    """Fail when the page has anything active, naming what and where."""
    problems = active_content(page)
    assert not problems, f"{where}: {problems}"
