"""Registering, logging in and out, and resetting a forgotten password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ...extensions import limiter
from ...integrations.sso import providers as sso_providers
from ...services.accounts import (
    accounts,
    invitations,
    password_reset,
    profile,
    registration,
    sessions,
)
from ...services.errors import Conflict, ServiceError
from ...services.schools import cohorts
from ..helpers import now
from ..helpers import start_session as _start_session
from ..i18n import current_locale, site_locales
from . import limits

bp = Blueprint("auth", __name__)


class RegisterForm(FlaskForm):
    """Start creating an account: the emailed link leads to choosing a password."""

    name = StringField(_l("Full name (as it should appear on certificates)"),
                       validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("Email"), validators=[
        DataRequired(), Email(message=_l("Enter an email address, like name@example.com.")),
        Length(max=254)], filters=[lambda value: value.strip() if value else value])


class LoginForm(FlaskForm):
    """Log in with email and password."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me logged in on this device"))


class ForgotPasswordForm(FlaskForm):
    """Ask for a password reset link."""

    email = EmailField(_l("Email"), validators=[
        DataRequired(), Email(message=_l("Enter an email address, like name@example.com.")),
        Length(max=254)], filters=[lambda value: value.strip() if value else value])


class ResetPasswordForm(FlaskForm):
    """Choose a new password (also the last step of registering)."""

    password = PasswordField(_l("New password"), validators=[
        DataRequired(), Length(min=accounts.MIN_PASSWORD_LENGTH, max=200,
                               message=_l("Use at least %(min)d characters."))])
    confirm = PasswordField(_l("New password again"), validators=[
        DataRequired(), EqualTo("password", message=_l("The two passwords don't match."))])


REGISTER_SENT = _l("Check your email: we have sent %(email)s a message with the next step. It "
                   "comes within a few minutes (look in the spam folder too).")
LOCKED = _l("This account has had too many failed log-in attempts, so it takes no password "
            "for now. To get in at once, choose a new password with the link below: we'll "
            "email it to you.")
RESET_SENT = _l("If an account uses that email, we have sent it a link to choose a new "
                "password. Check your inbox (and spam folder); the link works once.")


def _register_limit() -> str:
    return current_app.config["TPCOURSE_REGISTER_LIMIT"]


def _arrive(user, next_path: str | None):
    """Where a user goes once signed in: the cohort an invite link named is joined on the way
    (they asked for it by following the link, then logging in or signing up)."""
    target = _safe_next(next_path)
    code = cohorts.invite_code_in(target)
    if code:
        try:
            cohort = cohorts.join_cohort(user, code, now())
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("You joined %(cohort)s. Start with the first lesson.", cohort=cohort.name),
                  "success")
            return redirect(url_for("learn.course", slug=cohorts.course_slug(cohort)))
    return redirect(target)


def _safe_next(target: str | None) -> str:
    """Return `target` if it is a path on this site, else the catalogue (no open redirect)."""
    target = target or ""
    # Browsers read "//evil.example" and "/\evil.example" as another host; refuse both, and
    # backslashes, control characters or whitespace anywhere (browsers strip or rewrite them).
    if (target.startswith("/") and not target.startswith("//") and "\\" not in target
            and target.isprintable() and not any(c.isspace() for c in target)):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("learn.catalogue")


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(_register_limit, methods=["POST"])
def register():
    """Take a name and an email; the same answer follows whether or not it has an account."""
    form = RegisterForm()
    if form.validate_on_submit():
        if limits.may_email(limits.typed_email()):
            registration.request_registration(form.email.data, form.name.data,
                                              _safe_next(request.args.get("next")), now())
        return render_template("auth/register_sent.html",
                               message=str(REGISTER_SENT) % {"email": form.email.data})
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/register/finish/<token>", methods=["GET", "POST"])
def finish_registration(token: str):
    """Choose a password through the emailed sign-up link; the account is created then."""
    pending = registration.pending_registration(token, now())
    if pending is None:
        return render_template("auth/register_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user, next_path = registration.complete_registration(token, form.password.data,
                                                                 now())
        except Conflict as exc:
            form.password.errors.append(exc.message)
        except ServiceError as exc:
            form.password.errors.append(exc.message)
        else:
            if current_locale() != site_locales()[0]:  # signed up in Spanish: emails in Spanish
                profile.set_locale(user, current_locale())
            _start_session(user)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
            return _arrive(user, next_path)
    return render_template("auth/register_finish.html", form=form, pending=pending), \
        422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(limits.failures_limit, methods=["POST"], deduct_when=limits.failed)
@limiter.limit(limits.failures_limit, methods=["POST"], key_func=limits.account_from_address,
               deduct_when=limits.failed)
def login():
    """Show and handle the login form."""
    form = LoginForm()
    if form.validate_on_submit():
        email = limits.typed_email()
        if limits.account_locked(email):
            form.password.errors.append(str(LOCKED))
            return render_template("auth/login.html", form=form, locked=True), 429
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None and sso_providers.password_login_allowed(user):
            user = None  # "SSO only": answered as a wrong password, so nothing is revealed
        if user is not None:
            _start_session(user, remember=form.remember.data)
            return _arrive(user, request.args.get("next"))
        limits.count_failure(email)
        hint = sso_providers.SSO_ONLY_HINT if sso_providers.any_sso_only() else ""
        form.password.errors.append(_("That email and password don't match an account.")
                                    + str(hint))
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out this browser: its session ends on the server too, so a copied cookie stops
    working (POST only, so a link on another site cannot log you out)."""
    sessions.end_session(current_user.id, current_user.session_id, now())
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("learn.catalogue"))


@bp.route("/account/sessions", methods=["GET"])
@login_required
def account_sessions():
    """Where the account is signed in, with a button to log out everywhere."""
    return render_template("auth/sessions.html", live=sessions.live_sessions(current_user.id),
                           current=current_user.session_id, form=FlaskForm())


@bp.route("/logout/everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    """End every session of the account, on every device, this one included."""
    if not FlaskForm().validate_on_submit():
        abort(400)
    count = sessions.end_all_sessions(current_user.id, now(), f"user:{current_user.id}")
    logout_user()
    flash(ngettext("You are logged out everywhere (%(num)d session ended).",
                   "You are logged out everywhere (%(num)d sessions ended).", count), "info")
    return redirect(url_for("learn.catalogue"))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(limits.failures_limit, methods=["POST"])
@limiter.limit(limits.failures_limit, methods=["POST"], key_func=limits.account_from_address)
def forgot_password():
    """Email a reset link; the same answer whether or not the email has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        if limits.may_email(limits.typed_email()):
            password_reset.request_reset(form.email.data, now())
        flash(str(RESET_SENT), "info")
        return redirect(url_for("auth.login"))
    minutes = password_reset.reset_max_age(current_app.config) // 60
    return render_template("auth/forgot.html", form=form, minutes=minutes), \
        422 if form.errors else 200


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    """Choose the first password of an account staff created; the link then stops working."""
    user = invitations.user_for_invitation(token, now())
    if user is None:
        return render_template("auth/invitation_invalid.html"), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = invitations.accept_invitation(token, form.password.data, now())
        except ServiceError as exc:
            form.password.errors.append(exc.message)
        else:
            _start_session(user)
            flash(_("Welcome, %(name)s! Your password is set.", name=user.name), "success")
            return redirect(url_for("learn.catalogue"))
    return render_template("auth/invitation.html", form=form, user=user), \
        422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password through an emailed link, which then stops working."""
    if password_reset.user_for_token(token, now()) is None:
        return render_template("auth/reset_invalid.html", form=ForgotPasswordForm()), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = password_reset.reset_password(token, form.password.data, now())
        except ServiceError as exc:
            form.password.errors.append(exc.message)
        else:
            limits.lift_lock(user.email)
            flash(_("Your password is changed. Log in with the new one."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), 422 if form.errors else 200
