"""Which language a page is served in, and how a reader changes it (tpcourse/web/i18n.py)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tpcourse.extensions import db as _db
from tpcourse.models import User


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)" dir="([^"]+)"', response.get_data(as_text=True)).group(1)


def test_the_browser_language_is_used_when_the_site_offers_it(client):
    assert html_lang(client.get("/verify", headers={"Accept-Language": "es-MX,es;q=0.9"})) == "es"
    assert html_lang(client.get("/verify", headers={"Accept-Language": "fr, en;q=0.5"})) == "en"
    assert html_lang(client.get("/verify", headers={"Accept-Language": "fr"})) == "en"
    assert html_lang(client.get("/verify")) == "en"


def test_a_visitor_switches_language_and_returns_to_the_page(client):
    response = client.post("/language", data={"locale": "es", "next": "/verify?code=X"})
    assert response.status_code == 302 and response.headers["Location"] == "/verify?code=X"
    assert html_lang(client.get("/verify", headers={"Accept-Language": "en"})) == "es"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil", ""])
def test_the_switcher_never_leaves_the_site(client, target):
    response = client.post("/language", data={"locale": "es", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_language_the_site_does_not_offer_is_refused(client):
    assert client.post("/language", data={"locale": "fr"}).status_code == 400
    assert html_lang(client.get("/verify")) == "en"


def test_the_account_language_beats_the_browser_and_follows_the_user(client, make_user, login_as):
    user = login_as(make_user())
    client.post("/language", data={"locale": "es", "next": "/profile"})
    assert _db.session.get(User, user.id).locale == "es"
    client.post("/logout")
    with client.session_transaction() as session:  # another browser: nothing in its session
        session.clear()
    login_as(user)
    assert html_lang(client.get("/profile", headers={"Accept-Language": "en"})) == "es"


def test_the_profile_sets_or_clears_the_language(client, make_user, login_as):
    user = login_as(make_user())
    assert client.post("/profile/language", data={"locale": "es"}).status_code == 302
    assert _db.session.get(User, user.id).locale == "es"
    assert client.post("/profile/language", data={"locale": ""}).status_code == 302
    assert _db.session.get(User, user.id).locale is None
    assert html_lang(client.get("/profile", headers={"Accept-Language": "es"})) == "es"
    assert client.post("/profile/language", data={"locale": "xx"}).status_code == 400


def test_the_footer_offers_each_language_in_its_own_name(client):
    page = client.get("/verify").get_data(as_text=True)
    assert '<strong lang="en" aria-current="true">English</strong>' in page
    assert 'value="es" class="link-button" lang="es"' in page and ">Español</button>" in page


def test_right_to_left_languages_get_dir_rtl(app, client):
    app.config["TPCOURSE_LOCALES"] = "en,ar"
    page = client.get("/verify", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert '<html lang="en" dir="ltr">' in client.get("/verify").get_data(as_text=True)


def test_error_pages_do_not_echo_the_refused_path_in_the_switcher(client):
    page = client.get("/school/north/secret-place").get_data(as_text=True)
    assert "secret-place" not in page


def test_dates_durations_and_percentages_follow_the_locale(app):
    from flask_babel import force_locale

    from tpcourse.web.helpers import duration, format_day, percent

    with app.test_request_context():
        assert format_day(date(2025, 3, 7)) == "7 March 2025"
        assert duration(1) == "1 minute" and duration(150) == "2 hours 30 minutes"
        assert str(percent(79.64, 80)) == ('<span class="exact" title="Exactly 79.64\u00a0%">'
                                           '79.6\u00a0%</span>')
        with force_locale("es"):
            assert format_day(date(2025, 3, 7)) == "7 de marzo de 2025"
            assert str(percent(79.64, 80)).endswith(">79,6\u00a0%</span>")


def test_signing_up_in_spanish_keeps_spanish_for_the_account(app, client):
    from tests.helpers import link_in, outbox

    client.post("/language", data={"locale": "es", "next": "/register"})
    client.post("/register", data={"name": "Lucía Gómez", "email": "lucia@example.org"})
    link = link_in(outbox(app)[-1].body, "/register/finish/")
    response = client.post(link, data={"password": "una contraseña larga", "confirm":
                                       "una contraseña larga"})
    assert response.status_code == 302
    user = _db.session.execute(_db.select(User).filter_by(email="lucia@example.org")).scalar_one()
    assert user.locale == "es"  # later emails (reminders, notices) are written in Spanish


def test_signing_up_in_the_site_language_leaves_the_choice_to_the_browser(app, client):
    from tests.helpers import link_in, outbox

    client.post("/register", data={"name": "Ann Lee", "email": "ann@example.org"})
    link = link_in(outbox(app)[-1].body, "/register/finish/")
    client.post(link, data={"password": "a long enough password",
                            "confirm": "a long enough password"})
    user = _db.session.execute(_db.select(User).filter_by(email="ann@example.org")).scalar_one()
    assert user.locale is None
