"""The email jobs: notifications, password resets and sign-up links, each sent once per event.

The jobs build the message when they run (the link, the person's current name and address),
so what the request enqueues is only ids or the typed address: a password-reset request does
the same work whether or not the address has an account (docs/security.md, reset timing).
"""

from __future__ import annotations

import hashlib

from flask import current_app, render_template
from flask_babel import gettext as _

from ...extensions import db
from ...models import Notification, User
from ..jobs.maintenance import clock
from ..jobs.registry import job
from .delivery import send_once
from .kinds import KINDS
from .language import in_language_of


def site_url(path: str = "") -> str:
    """An absolute link on the site (TPCOURSE_SITE_URL, never a request's Host header)."""
    return current_app.config["TPCOURSE_SITE_URL"].rstrip("/") + path


def render_message(subject: str, text: str, link: str | None = None,
                   link_label: str | None = None, unsubscribe: str | None = None,
                   reason: str = "") -> tuple[str, str]:
    """The plain-text and HTML parts of an email (the HTML part escapes the text), in the
    current locale: call it under `in_language_of(recipient)`. `reason` is the sentence saying
    why an optional email comes (with `unsubscribe`, its link to stop them)."""
    paragraphs = [p.strip() for p in text.strip().split("\n\n") if p.strip()]
    plain = text.strip() + "\n"
    preferences = site_url("/notifications/preferences")
    if link:
        plain += f"\n{link}\n"
    if unsubscribe:
        stop = _("Stop these emails: %(link)s", link=unsubscribe)
        choose = _("Choose which emails you get: %(link)s", link=preferences)
        plain += f"\n--\n{reason} {stop}\n{choose}\n"
    html = render_template("email/message.html", subject=subject, paragraphs=paragraphs,
                           link=link, link_label=link_label, unsubscribe=unsubscribe,
                           reason=reason, preferences=preferences,
                           site_name=current_app.config["TPCOURSE_SITE_NAME"])
    return plain, html


def greeting(name: str, text: str) -> str:
    """An email's text after the "Hello <name>," line, in the current locale."""
    return _("Hello %(name)s,", name=name) + "\n\n" + text


@job("notifications.email")
def email_notification(notification_id: int) -> bool:
    """Email a notification to its person, once (its key is the event's)."""
    from .notices import unsubscribe_token

    notice = db.session.get(Notification, notification_id)
    if notice is None or not notice.emailed:
        return False
    user = db.session.get(User, notice.user_id)
    if user is None or not user.active or user.deleted_at is not None:
        return False
    kind = KINDS[notice.kind]
    unsubscribe = headers = None
    if kind.optional:
        unsubscribe = site_url(f"/notifications/unsubscribe/"
                               f"{unsubscribe_token(user.id, notice.kind)}")
        headers = {"List-Unsubscribe": f"<{unsubscribe}>"}
    link = site_url(notice.link) if notice.link and notice.link.startswith("/") else notice.link
    with in_language_of(user):  # the notice was written in it too (notices.notify)
        plain, html = render_message(notice.subject, greeting(user.name, notice.body), link,
                                     unsubscribe=unsubscribe, reason=str(kind.reason))
    return send_once(f"email:{notice.key}", clock(), user.email, notice.subject, plain, html,
                     headers)


def request_key(kind: str, request_id: str) -> str:
    """The idempotency key of an emailed link asked for by a visitor."""
    return f"{kind}:{hashlib.sha256(request_id.encode()).hexdigest()[:40]}"


@job("accounts.reset_email")
def email_password_reset(email: str, request_id: str, locale: str | None = None) -> bool:
    """Email a reset link if the address has an active account; nothing otherwise. It is
    written in the account's language, else in `locale` (the asking page's)."""
    from ..accounts.password_reset import reset_message

    now = clock()
    found = reset_message(email, now, locale)
    if found is None:
        return False
    to, subject, text, link, language = found
    with in_language_of(language):
        plain, html = render_message(subject, text, link, _("Choose a new password"))
    return send_once(request_key("reset", request_id), now, to, subject, plain, html)


@job("accounts.registration_email")
def email_registration(email: str, name: str, next_path: str, request_id: str,
                       locale: str | None = None) -> bool:
    """Email a sign-up link to a new address, or a note to an address with an account: in the
    account's language, else in `locale` (the sign-up page's)."""
    from ..accounts.registration import registration_message

    now = clock()
    to, subject, text, language = registration_message(email, name, next_path, now, locale)
    with in_language_of(language):
        plain, html = render_message(subject, text)
    return send_once(request_key("register", request_id), now, to, subject, plain, html)


@job("accounts.account_link_email")
def email_account_link(user_id: int, kind: str, inviter: str, request_id: str) -> bool:
    """Email an invitation ("invite") or a staff-requested reset link ("reset") to an account."""
    from ..accounts.invitations import account_link_message

    user = db.session.get(User, user_id)
    now = clock()
    if user is None:
        return False
    with in_language_of(user):
        found = account_link_message(user, kind, inviter, now)
        if found is None:
            return False
        to, subject, text, link = found
        label = _("Choose your password") if kind == "invite" else _("Choose a new password")
        plain, html = render_message(subject, text, link, label)
    return send_once(request_key(kind, request_id), now, to, subject, plain, html)
