"""The languages the site offers (`TPCOURSE_LOCALES`), and the one an operator's shell asks for.

Plain functions over strings, shared by the web's locale selector (tpcourse/web/i18n.py) and the
command line (tpcourse/cli), which does not import the web package. docs/translations.md
describes both choices.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
"""The environment variables that name a shell's language for messages, strongest first."""


@lru_cache(maxsize=8)
def parse_locales(setting: str | None) -> tuple[str, ...]:
    """The locales a `TPCOURSE_LOCALES` setting ("en,es") offers, in order and without repeats,
    the site default first; ("en",) when the setting names none."""
    codes = tuple(dict.fromkeys(code.strip() for code in (setting or "").split(",")
                                if code.strip()))
    return codes or ("en",)


def site_locales(config: Mapping) -> tuple[str, ...]:
    """The locales the interface offers, the site default first, from the app's config."""
    return parse_locales(config.get("TPCOURSE_LOCALES"))


def shell_locale(environ: Mapping[str, str]) -> str | None:
    """The locale the shell's environment names for messages, as gettext reads it: the first
    of LC_ALL, LC_MESSAGES and LANG that is set ("es_ES.UTF-8@euro" gives "es_ES"); None when
    none is set, or it is the untranslated "C"/"POSIX" locale."""
    for name in LOCALE_VARIABLES:
        value = (environ.get(name) or "").strip()
        if value:
            code = value.split(".", 1)[0].split("@", 1)[0].replace("-", "_")
            return None if code in ("C", "POSIX", "") else code
    return None


def operator_locale(environ: Mapping[str, str], offered: Sequence[str]) -> str:
    """The language the command line answers in: the shell's locale when the site offers it
    ("es_MX" if offered, else "es"), else the site default (the first offered)."""
    code = shell_locale(environ)
    if code:
        by_lower = {locale.lower(): locale for locale in offered}
        for candidate in (code, code.split("_", 1)[0]):
            if candidate.lower() in by_lower:
                return by_lower[candidate.lower()]
    return offered[0]
