"""Forms of the integrations' set-up pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, TextAreaField
from wtforms.validators import URL, DataRequired, Length, Optional, ValidationError

from ...integrations.lti.registrations import PlatformForm
from ...integrations.sso.providers import ProviderForm

URL_RULES = [DataRequired(), Length(max=1000), URL(require_tld=False,
                                                   message="Enter a full address, https://...")]


def _deployment_ids(text: str) -> list[str]:
    return [line.strip() for line in (text or "").replace(",", "\n").splitlines() if line.strip()]


def _short_ids(form, field) -> None:
    ids = _deployment_ids(field.data)
    if len(ids) > 50 or any(len(i) > 255 for i in ids):
        raise ValidationError("Up to 50 deployment ids of up to 255 characters each.")


class LtiPlatformForm(FlaskForm):
    """Register an LMS (values from the LMS's tool registration page)."""

    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    issuer = StringField("Platform ID (issuer)", validators=URL_RULES[:2] + [Length(max=500)])
    client_id = StringField("Client ID", validators=[DataRequired(), Length(max=255)])
    deployment_ids = TextAreaField("Deployment IDs (one a line)",
                                   validators=[DataRequired(), Length(max=13000), _short_ids])
    auth_login_url = StringField("Authentication request URL", validators=URL_RULES)
    auth_token_url = StringField("Access token URL", validators=URL_RULES)
    key_set_url = StringField("Public keyset URL", validators=URL_RULES)
    token_audience = StringField("Access token audience (only if the LMS asks for one)",
                                 validators=[Optional(), Length(max=1000)])
    active = BooleanField("Active", default=True)

    def values(self) -> PlatformForm:
        """The form as the service takes it."""
        return PlatformForm(self.name.data.strip(), self.issuer.data.strip(),
                            self.client_id.data.strip(), _deployment_ids(self.deployment_ids.data),
                            self.auth_login_url.data.strip(), self.auth_token_url.data.strip(),
                            self.key_set_url.data.strip(), (self.token_audience.data or "").strip(),
                            bool(self.active.data))


class SsoProviderForm(FlaskForm):
    """Set up a school's OpenID provider."""

    name = StringField("Button label (\"Log in with ...\")", validators=[DataRequired(),
                                                                        Length(max=200)])
    issuer = StringField("Issuer", validators=URL_RULES[:2] + [Length(max=500)])
    client_id = StringField("Client ID", validators=[DataRequired(), Length(max=255)])
    client_secret = PasswordField("Client secret (or env:NAME)",
                                  validators=[Optional(), Length(max=2000)])
    authorization_endpoint = StringField("Authorization endpoint", validators=URL_RULES)
    token_endpoint = StringField("Token endpoint", validators=URL_RULES)
    jwks_uri = StringField("Key set URL (jwks_uri)", validators=URL_RULES)
    scopes = StringField("Scopes", default="openid email profile",
                         validators=[DataRequired(), Length(max=200)])
    create_accounts = BooleanField("Create an account at the first login (into this school)")
    sso_only = BooleanField("SSO only: this school's accounts cannot log in with a password")
    active = BooleanField("Active", default=True)

    def values(self) -> ProviderForm:
        """The form as the service takes it."""
        return ProviderForm(self.name.data.strip(), self.issuer.data.strip(),
                            self.client_id.data.strip(), (self.client_secret.data or "").strip(),
                            self.authorization_endpoint.data.strip(),
                            self.token_endpoint.data.strip(), self.jwks_uri.data.strip(),
                            " ".join(self.scopes.data.split()), bool(self.create_accounts.data),
                            bool(self.sso_only.data), bool(self.active.data))
