"""Registering, logging in and out, and resetting a forgotten password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ...extensions import limiter
from ...services.accounts import accounts, password_reset
from ...services.errors import Conflict, ServiceError
from ..helpers import now

bp = Blueprint("auth", __name__)


class RegisterForm(FlaskForm):
    """Create an account."""

    name = StringField("Full name (as it should appear on certificates)",
                       validators=[DataRequired(), Length(max=200)])
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField("Password", validators=[
        DataRequired(), Length(min=accounts.MIN_PASSWORD_LENGTH, max=200,
                               message="Use at least %(min)d characters.")])
    confirm = PasswordField("Password again", validators=[
        DataRequired(), EqualTo("password", message="The two passwords don't match.")])


class LoginForm(FlaskForm):
    """Log in with email and password."""

    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me logged in on this device")


class ForgotPasswordForm(FlaskForm):
    """Ask for a password reset link."""

    email = EmailField("Email", validators=[
        DataRequired(), Email(message="Enter an email address, like name@example.com."),
        Length(max=254)], filters=[lambda value: value.strip() if value else value])


class ResetPasswordForm(FlaskForm):
    """Choose a new password."""

    password = PasswordField("New password", validators=[
        DataRequired(), Length(min=accounts.MIN_PASSWORD_LENGTH, max=200,
                               message="Use at least %(min)d characters.")])
    confirm = PasswordField("New password again", validators=[
        DataRequired(), EqualTo("password", message="The two passwords don't match.")])


RESET_SENT = ("If an account uses that email, we have sent it a link to choose a new password. "
              "Check your inbox (and spam folder); the link works once.")


def _login_key() -> str:
    """Rate-limit key per account: the email typed, so spreading over IPs doesn't help."""
    return "login:" + accounts.normalise_email(request.form.get("email", ""))


def _login_limit() -> str:
    return current_app.config["TPCOURSE_LOGIN_LIMIT"]


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
def register():
    """Show and handle the registration form."""
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.email.data, form.name.data, form.password.data)
        except Conflict as exc:
            form.email.errors.append(exc.message)
        except ServiceError as exc:
            form.password.errors.append(exc.message)
        else:
            login_user(user)
            flash(f"Welcome, {user.name}! Choose a course to start.", "success")
            return redirect(url_for("learn.catalogue"))
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_key)
def login():
    """Show and handle the login form."""
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            session.clear()  # start the logged-in session afresh: nothing carried over
            login_user(user, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("That email and password don't match an account.")
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out (POST only, so a link on another site cannot log you out)."""
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("learn.catalogue"))


def _reset_link(token: str) -> str:
    """Build the emailed link from the configured site address, never the request's Host."""
    return (current_app.config["TPCOURSE_SITE_URL"].rstrip("/")
            + url_for("auth.reset_password", token=token))


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_key)
def forgot_password():
    """Email a reset link; the same answer whether or not the email has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        password_reset.request_reset(form.email.data, _reset_link, now())
        flash(RESET_SENT, "info")
        return redirect(url_for("auth.login"))
    minutes = password_reset.reset_max_age(current_app.config) // 60
    return render_template("auth/forgot.html", form=form, minutes=minutes), \
        422 if form.errors else 200


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password through an emailed link, which then stops working."""
    if password_reset.user_for_token(token, now()) is None:
        return render_template("auth/reset_invalid.html", form=ForgotPasswordForm()), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            password_reset.reset_password(token, form.password.data, now())
        except ServiceError as exc:
            form.password.errors.append(exc.message)
        else:
            flash("Your password is changed. Log in with the new one.", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), 422 if form.errors else 200
