"""Spanish for the i18n tests of schools, administration, integrations, notifications and
emails: an app serving the shipped Spanish catalogue, and what the tests look at (a page's own
part; an email's parts)."""

from __future__ import annotations

import html
import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from tests.conftest import empty_database, make_app
from tests.i18n.english import english_sentences
from tpcourse.extensions import babel
from tpcourse.extensions import db as _db
from tpcourse.models import User
from tpcourse.services.notifications import mail

SPANISH = Path(__file__).resolve().parents[2] / "tpcourse" / "translations" / "es" / "LC_MESSAGES"
SITE_URL = "https://learn.example.org"
# Names and titles that come from data, not from the interface; and the shared form macro's
# heading (templates/_forms.html, another area's).
NAMES = ("North Massage School", "North CE Institute", "Basics of Pressure Work", "Spring 2026",
         "Zoë Müller", "Ann Partial", "Ian Idle", "Lou Loner", "School_Admin ",
         "Please fix these to continue", "Please fix this to continue")


@pytest.fixture
def app(_migrated, tmp_path, clock):
    """The test app (Flask-Babel's process-wide catalogue cache emptied around it)."""
    app = make_app(_migrated, tmp_path, TPCOURSE_NOW=clock, TPCOURSE_SITE_URL=SITE_URL)
    with app.app_context():
        babel.domain_instance.cache.clear()
        yield app
        babel.domain_instance.cache.clear()
        empty_database()


def in_spanish(user: User) -> User:
    """Give the account the Spanish interface (and emails)."""
    user.locale = "es"
    _db.session.commit()
    return user


def main_of(response) -> str:
    """The page's own part (<main>: breadcrumbs, flashes, content), as a page in its language."""
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 422), page[:500]
    lang = re.search(r'<html lang="([^"]+)"', page).group(1)
    main = re.search(r"<main\b.*?</main>", page, re.S).group(0)
    return f'<html lang="{lang}"><body>{main}</body></html>'


def english_left(response, *allow: str) -> list[str]:
    return english_sentences(main_of(response), allow=allow)


def text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main_of(response))).split())


def outbox_to(address: str) -> list:
    """The messages kept in the outbox for `address`, oldest first, parsed."""
    found = []
    for path in sorted(mail.outbox_folder().glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == address:
            found.append(message)
    return found


def plain_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def english_in_email(message, *allow: str) -> list[str]:
    """English sentences in an email: its subject, its plain text and its HTML part."""
    lines = "".join(f"<p>{html.escape(line)}</p>" for line in
                    [str(message["Subject"]), *plain_of(message).splitlines()])
    part = message.get_body(preferencelist=("html",)).get_content()
    return (english_sentences(f'<html lang="es"><body>{lines}</body></html>', allow=allow)
            + english_sentences(part, allow=allow))
