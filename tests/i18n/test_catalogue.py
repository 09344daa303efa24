"""The Spanish catalogue is complete, current and compiled, and templates mark their text.

A sentence added to a template or the code without `_()` / `{% trans %}` stays English for
every reader; a marked one missing from messages.po, untranslated or fuzzy shows in English to
Spanish readers; a messages.mo older than messages.po serves yesterday's Spanish. Each is a
failure here, with the fix printed (docs/translations.md).
"""

from __future__ import annotations

import re
from gettext import GNUTranslations
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "tpcourse"
CATALOGUES = PACKAGE / "translations"
LOCALES = ("es",)
WORKFLOW = "run the pybabel workflow of docs/translations.md"


def extracted_ids() -> set[str]:
    """Every message id the extractor finds in the package, as `pybabel extract` would."""
    with open(ROOT / "babel.cfg") as config:
        method_map, options_map = parse_mapping_cfg(config)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "N_": None,
                "lazy_gettext": None, "lazy_ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
    return {message[2] if isinstance(message[2], str) else message[2][0]
            for message in extract_from_dir(str(PACKAGE), method_map, options_map,
                                            keywords=keywords)}


def catalogue(locale: str):
    with open(CATALOGUES / locale / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=locale)


@pytest.fixture(scope="module")
def source_ids():
    return extracted_ids()


@pytest.mark.parametrize("locale", LOCALES)
def test_every_marked_string_is_in_the_catalogue(source_ids, locale):
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue(locale) if m.id}
    missing = sorted(source_ids - known)
    assert not missing, f"{len(missing)} marked strings missing from {locale}, {WORKFLOW}: {missing[:10]}"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_entry_is_translated_and_none_is_fuzzy(locale):
    untranslated = [m.id for m in catalogue(locale) if m.id and (
        m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string))]
    assert not untranslated, f"{len(untranslated)} entries untranslated or fuzzy: {untranslated[:10]}"


DROPPED = {"'%(email)s' is not an email address (%(error)s)"}
"""Messages whose translation leaves a value out on purpose: the email checker's explanation is
English, so the Spanish names the address only."""


@pytest.mark.parametrize("locale", LOCALES)
def test_placeholders_are_kept_in_every_translation(locale):
    wrong = []
    for message in catalogue(locale):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(re.findall(r"%\((\w+)\)[sd]", " ".join(ids)))
        for string in strings:
            if set(re.findall(r"%\((\w+)\)[sd]", string)) - wanted or (
                    len(ids) == 1 and message.id not in DROPPED
                    and wanted != set(re.findall(r"%\((\w+)\)[sd]", string))):
                wrong.append(message.id)
    assert not wrong, wrong[:10]


@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalogue_matches_its_source(locale):
    compiled = BytesIO()
    write_mo(compiled, catalogue(locale))
    compiled.seek(0)
    with open(CATALOGUES / locale / "LC_MESSAGES" / "messages.mo", "rb") as mo:
        shipped = GNUTranslations(mo)
    assert shipped._catalog == GNUTranslations(compiled)._catalog, f"messages.mo is stale: {WORKFLOW}"


_BLOCKS = re.compile(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}|\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}"
                     r"|<script\b.*?</script>|<style\b.*?</style>|<code\b.*?</code>"
                     r"|<(\w+)[^>]*\blang=\"en\"[^>]*>.*?</\1>", re.S)
_TAG = re.compile(r"<[^>]*>", re.S)
_ATTRIBUTE = re.compile(r'\b(?:title|alt|aria-label|placeholder)="([^"{]*[A-Za-z][^"{]*)"')
_WORDS = re.compile(r"[A-Za-z]{2,}")
_ENTITY = re.compile(r"&#?\w+;")
NOT_SENTENCES = {"tpcourse", "CSV", "JSON", "xAPI", "LTI", "SSO", "PDF", "QR", "CE", "ID", "URL",
                 "UTC", "OK", "SMTP", "S3", "API", "SVG", "PNG", "JPEG", "HTML", "OIDC", "QTI",
                 "GIFT", "Aiken", "Moodle", "Canvas", "XML", "RSS", "JWKS", "iCal", "ICS", "Ed25519",
                 "RS256", "EdDSA", "NCBTMB", "HTTPS", "HTTP", "URI", "RQ", "Redis", "Excel", "SHA",
                 "ms"}


def unmarked_text(source: str) -> list[str]:
    """Words of a template's own text that no `_()` or `{% trans %}` marks."""
    found = [value for value in _ATTRIBUTE.findall(source)
             if any(w not in NOT_SENTENCES for w in _WORDS.findall(value))]
    text = _TAG.sub("\n", _BLOCKS.sub(" ", source))
    for line in text.splitlines():
        if any(word not in NOT_SENTENCES for word in _WORDS.findall(_ENTITY.sub(" ", line))):
            found.append(line.strip())
    return found


def test_unmarked_text_is_found():
    assert unmarked_text("<p>Hello there</p>") == ["Hello there"]
    assert unmarked_text('<img alt="A knot">') == ["A knot"]
    assert unmarked_text("<p>{{ _('Hello') }} · CSV</p>{% trans %}Hi {{ n }}{% endtrans %}") == []


NOT_TEXT = {"templates/quiz/_navigator.html": ["nav-q  answered   flagged   on-page"]}
"""Words of a template that are no text for people: the navigator's CSS classes."""


def test_every_template_marks_its_text():
    offenders = {}
    for path in sorted((PACKAGE / "templates").rglob("*.html")):
        name = str(path.relative_to(PACKAGE))
        found = [text for text in unmarked_text(path.read_text()) if text not in NOT_TEXT.get(name, [])]
        if found:
            offenders[name] = found[:3]
    assert not offenders, f"unmarked text in {len(offenders)} templates: {offenders}"
